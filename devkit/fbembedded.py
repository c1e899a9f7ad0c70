"""Real Firebird 3.0, 4.0 and 5.0 engines from PyPI (`firebird-embedded`, MIT, IBPhoenix).

Each wheel carries `libfbclient.so.2` with the embedded engine under
`firebird/embedded/runtime/`; they share one import path, so each version is installed into a
directory of its own (`pip install --target`) under a cache directory, once
(`python -m devkit.fbembedded` from scripts/setup-venv.sh, or on first use by a test).

A process can load one libfbclient only: a test runs each engine in a child process started
with `Engine.env()` (FIREBIRD and LD_LIBRARY_PATH at the runtime directory, lock files in the
test's own directory) and names `client_library` in the exporter's config.

System libraries: the 3.0 engine needs Debian's `libncurses5`, all need `libtommath`
(`libtommath1`). The 3.0 and 4.0 wheels were linked against `libtommath.so.0`, which Debian 12
ships as `libtommath.so.1` (same functions: `ldd -r` resolves every symbol); a `compat`
directory in the cache holds the one symlink that maps the old name to it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

VERSIONS = {"3.0": "3.0.14.4", "4.0": "4.0.7.4", "5.0": "5.0.4.4"}
"""Engine version -> firebird-embedded wheel version."""
ODS = {"3.0": "12.0", "4.0": "13.0", "5.0": "13.1"}
"""The on-disk structure each engine creates."""
CACHE = Path(os.environ.get("PRAXIS_FB_EMBEDDED_DIR", "/var/tmp/praxis-firebird-embedded"))
SYSTEM_TOMMATH = Path("/usr/lib/x86_64-linux-gnu/libtommath.so.1")


@dataclass(frozen=True)
class Engine:
    version: str
    root: Path
    """The runtime directory: libfbclient.so.2, plugins/, firebird.conf, firebird.msg."""

    @property
    def client_library(self) -> Path:
        return self.root / "libfbclient.so.2"

    def env(self, work: Path) -> dict[str, str]:
        """Environment of a child process that uses this engine; lock files under `work`."""
        lock = work / "fb-lock"
        lock.mkdir(parents=True, exist_ok=True)
        compat = CACHE / "compat"
        return {
            **os.environ,
            "FIREBIRD": str(self.root),
            "FIREBIRD_LOCK": str(lock),
            "FIREBIRD_TMP": str(lock),
            "LD_LIBRARY_PATH": f"{self.root}:{compat}",
        }


def _runtime(target: Path) -> Path:
    return target / "firebird" / "embedded" / "runtime"


def _compat() -> None:
    compat = CACHE / "compat"
    compat.mkdir(parents=True, exist_ok=True)
    link = compat / "libtommath.so.0"
    if SYSTEM_TOMMATH.exists() and not link.exists():
        tmp = compat / f".libtommath.so.0.{os.getpid()}"
        tmp.unlink(missing_ok=True)
        tmp.symlink_to(SYSTEM_TOMMATH)
        os.replace(tmp, link)


def install(version: str) -> Engine:
    """The engine of `version` ("3.0", "4.0", "5.0"), installed into the cache if missing."""
    wheel = VERSIONS[version]
    target = CACHE / wheel
    if not (_runtime(target) / "libfbclient.so.2").exists():
        CACHE.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{wheel}.", dir=CACHE))
        try:
            subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "pip",
                    "install",
                    "-q",
                    "--disable-pip-version-check",
                    "--no-deps",
                    "--target",
                    str(staging),
                    f"firebird-embedded=={wheel}",
                ],
                check=True,
                capture_output=True,
                timeout=600,
            )
            shutil.rmtree(target, ignore_errors=True)
            os.replace(staging, target)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    _compat()
    return Engine(version, _runtime(target))


def main() -> int:
    for version in VERSIONS:
        engine = install(version)
        print(f"firebird-embedded {version}: {engine.client_library}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
