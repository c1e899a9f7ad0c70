"""Config validation: exporters.core.model vs pydantic (its peer), same models, same run.

For each exporter, two fresh interpreters import `exporters.<name>.__main__` and validate
the exporter's `docker/config/<name>.yml` (secrets replaced by placeholders) `--rounds`
times: once with `exporters.core.model`, once with pydantic put in its place (a shim module
re-exports pydantic's names under `exporters.core.model`, so the models are the same
source). Printed: RSS after import and after validating, import time of the exporter,
time per validation, the ratios, and whether both gave the same result (same repr of the
config, or the same error text).

Goal (issue 16): every exporter < 40 MiB RSS; pydantic alone cost more than 10 MiB of it.
Needs pydantic installed for the peer (it is no runtime dependency any more).

Run: `python -m bench.config_bench [--rounds 200]`.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
EXPORTERS = ("backup", "certs", "firebird", "firewall", "mssql", "ti", "ups")

SHIM = """
import sys, types, pydantic
shim = types.ModuleType("exporters.core.model")
for name in ("AfterValidator", "BaseModel", "BeforeValidator", "ConfigDict", "Field",
             "SecretStr", "ValidationError", "ValidationInfo", "field_validator",
             "model_validator"):
    setattr(shim, name, getattr(pydantic, name))
sys.modules["exporters.core.model"] = shim
"""

CHILD = """
import importlib, json, re, sys
from pathlib import Path

def rss():
    for line in open("/proc/self/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")

name, rounds = sys.argv[1], int(sys.argv[2])
spec = importlib.import_module(f"exporters.{name}.__main__").SPEC
imported = time.perf_counter() - T0  # with pydantic's import for the peer
rss_import = rss()
from exporters.core.config import ConfigError, expand_env, parse_yaml
from exporters.core.config import format_validation_error
config_dir = Path("docker/config")
text = (config_dir / f"{name}.yml").read_text()
text = re.sub(r"\\$\\{([A-Z0-9_]+)\\}", "placeholder-secret-0123456789", text)
raw = expand_env(parse_yaml(text, name))
context = {"base_dir": config_dir.resolve()}
model = spec.config_model
try:
    result = repr(model.model_validate(raw, context=context))
except ValueError as exc:
    result = "error: " + format_validation_error(name, exc)
start = time.perf_counter()
for _ in range(rounds):
    try:
        model.model_validate(raw, context=context)
    except ValueError:
        pass
per_validation = (time.perf_counter() - start) / rounds
print(json.dumps({
    "import_s": imported, "rss_import": rss_import, "rss_validated": rss(),
    "validate_s": per_validation, "result": result,
    "pydantic": any(m.startswith("pydantic") for m in sys.modules),
}))
"""


def measure(name: str, rounds: int, peer: bool) -> dict[str, object]:
    code = "import time\nT0 = time.perf_counter()\n" + (SHIM if peer else "") + CHILD
    out = subprocess.run(
        [sys.executable, "-c", code, name, str(rounds)],
        capture_output=True,
        text=True,
        cwd=REPO,
        check=True,
        timeout=600,
    )
    result: dict[str, object] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=200)
    args = parser.parse_args()
    try:
        import pydantic  # noqa: F401 (only to see whether the peer can run)
    except ImportError:
        sys.exit("pydantic is not installed: the peer cannot run (pip install pydantic)")
    print(
        f"{'exporter':9} {'RSS MiB own/pyd':>16} {'ratio':>6} {'import ms own/pyd':>18} "
        f"{'validate µs own/pyd':>20} {'ratio':>6}  same result"
    )
    for name in EXPORTERS:
        own = measure(name, args.rounds, peer=False)
        pyd = measure(name, args.rounds, peer=True)
        assert own["pydantic"] is False, f"{name}: pydantic imported without the shim"
        rss_own, rss_pyd = float(own["rss_validated"]), float(pyd["rss_validated"])  # type: ignore[arg-type]
        imp_own, imp_pyd = float(own["import_s"]) * 1e3, float(pyd["import_s"]) * 1e3  # type: ignore[arg-type]
        val_own, val_pyd = float(own["validate_s"]) * 1e6, float(pyd["validate_s"]) * 1e6  # type: ignore[arg-type]
        same = "yes" if own["result"] == pyd["result"] else "NO"
        print(
            f"{name:9} {rss_own:7.1f}/{rss_pyd:<8.1f} {rss_own / rss_pyd:6.2f} "
            f"{imp_own:8.0f}/{imp_pyd:<9.0f} {val_own:9.0f}/{val_pyd:<10.0f} "
            f"{val_own / val_pyd:6.2f}  {same}"
        )
        if same == "NO":
            print(f"  own:      {str(own['result'])[:300]}\n  pydantic: {str(pyd['result'])[:300]}")


if __name__ == "__main__":
    main()
