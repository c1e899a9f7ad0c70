"""docker/ checked statically (no Docker engine here): the compose files against the
vendored compose-specification schema, their references to files, scripts, ports and
variables, the Dockerfile's shape, the Prometheus configs with promtool, the example
exporter configs with the exporters' own config models, and the image's health check
script against a real exporter."""

from __future__ import annotations

import importlib
import json
import re
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from devkit.exporter import ExporterProcess
from devkit.ports import free_port
from devkit.prometheus import REPO, binary
from tests.ops.helpers import DOCKER

SCHEMA = json.loads((Path(__file__).parent / "compose-spec" / "compose-spec.json").read_text())
COMPOSE_FILES = [
    DOCKER / "compose.yml",
    DOCKER / "multi-site" / "compose.site.yml",
    DOCKER / "multi-site" / "compose.central.yml",
]
PORTS = {
    "firebird": 10610,
    "mssql": 10611,
    "backup": 10612,
    "ups": 10613,
    "ti": 10614,
    "certs": 10615,
    "firewall": 10616,
}
SCRIPTS = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["scripts"]


def compose(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(path.read_text())
    return data


def schema_errors(document: dict[str, Any]) -> list[str]:
    validator = jsonschema.Draft201909Validator(SCHEMA)
    return [f"{'/'.join(map(str, e.path))}: {e.message}" for e in validator.iter_errors(document)]


@pytest.mark.parametrize("path", COMPOSE_FILES, ids=lambda p: p.name)
def test_compose_file_matches_the_compose_spec(path: Path) -> None:
    assert schema_errors(compose(path)) == []


def test_the_schema_rejects_a_broken_compose_file() -> None:
    broken = compose(DOCKER / "compose.yml")
    broken["services"]["prometheus"]["restart_policy"] = "always"  # not a service key
    broken["services"]["grafana"]["ports"] = "3000"  # must be a list
    assert len(schema_errors(broken)) >= 2


@pytest.mark.parametrize("path", COMPOSE_FILES, ids=lambda p: p.name)
def test_compose_references_exist(path: Path) -> None:
    """Bind-mounted files, build contexts and extended services exist (secrets excepted)."""
    for name, service in compose(path)["services"].items():
        for volume in service.get("volumes", []):
            source = volume.split(":", 1)[0]
            if source.startswith((".", "/")) and "password" not in source:
                assert (path.parent / source).exists(), f"{name}: {source} missing"
        if "build" in service:
            context = path.parent / service["build"]["context"]
            assert (context / service["build"]["dockerfile"]).exists()
        if "extends" in service:
            base = compose(path.parent / service["extends"]["file"])
            assert service["extends"]["service"] in base["services"], name


def test_every_exporter_runs_its_console_script_on_its_port() -> None:
    services = compose(DOCKER / "compose.yml")["services"]
    for name, port in PORTS.items():
        service = services[f"{name}-exporter"]
        script, *args = service["command"]
        assert script == f"praxis-{name}-exporter" and script in SCRIPTS
        assert f"--web.listen-address=:{port}" in args
        assert f"--config.file=/etc/praxis/{name}.yml" in args
        assert service["environment"]["PRAXIS_EXPORTER"] == name
        assert (DOCKER / "config" / f"{name}.yml").exists()
        # hardening comes from the shared anchor
        assert service["read_only"] is True and service["cap_drop"] == ["ALL"]
        assert not service["user"].startswith("0")


def test_prometheus_scrapes_what_compose_runs() -> None:
    services = compose(DOCKER / "compose.yml")["services"]
    for config in (
        DOCKER / "prometheus" / "prometheus.yml",
        DOCKER / "multi-site" / "site" / "prometheus.yml",
    ):
        jobs = {j["job_name"]: j for j in yaml.safe_load(config.read_text())["scrape_configs"]}
        for name, port in PORTS.items():
            (target,) = jobs[f"praxis-{name}"]["static_configs"][0]["targets"]
            assert target == f"{name}-exporter:{port}", target
            assert f"{name}-exporter" in services


def test_every_variable_is_documented_in_env_example() -> None:
    documented = {
        line.split("=", 1)[0]
        for line in (DOCKER / ".env.example").read_text().splitlines()
        if "=" in line and not line.startswith("#")
    }
    used: set[str] = set()
    for path in COMPOSE_FILES:
        used |= set(re.findall(r"\$\{(\w+)", path.read_text()))
    for path in (DOCKER / "config").glob("*.yml"):
        used |= set(re.findall(r"\$\{(\w+)", path.read_text()))
    assert used - documented == set()
    assert "COMPOSE_PROFILES" in documented


def test_grafana_provisioning_matches_the_stack() -> None:
    grafana = compose(DOCKER / "compose.yml")["services"]["grafana"]
    by_target = {v.split(":")[1]: v.split(":")[0] for v in grafana["volumes"]}
    assert (DOCKER / by_target["/etc/grafana/provisioning"]).resolve() == (
        REPO / "dashboards" / "provisioning"
    )
    dashboards_dir = (DOCKER / by_target["/etc/grafana/dashboards"]).resolve()
    assert dashboards_dir == REPO / "dashboards"
    datasources = yaml.safe_load(
        (REPO / "dashboards/provisioning/datasources/prometheus.yml").read_text()
    )
    prom = next(d for d in datasources["datasources"] if d["type"] == "prometheus")
    assert prom["url"] == "http://prometheus:9090"
    assert prom["isDefault"] is True
    providers = yaml.safe_load((REPO / "dashboards/provisioning/dashboards/praxis.yml").read_text())
    assert providers["providers"][0]["options"]["path"] == "/etc/grafana/dashboards"
    home = grafana["environment"]["GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH"]
    assert (dashboards_dir / Path(home).name).exists()


def dockerfile_stages() -> list[list[str]]:
    lines = (DOCKER / "Dockerfile").read_text().replace("\\\n", " ").splitlines()
    stages: list[list[str]] = []
    for line in lines:
        if line.startswith("FROM "):
            stages.append([])
        if stages and line.strip() and not line.startswith("#"):
            stages[-1].append(line.strip())
    return stages


def test_dockerfile_is_multi_stage_non_root_with_health_check() -> None:
    stages = dockerfile_stages()
    assert len(stages) >= 2
    final = stages[-1]
    users = [line.split()[1] for line in final if line.startswith("USER ")]
    assert users and users[-1].split(":")[0] not in ("root", "0")
    assert any(line.startswith("HEALTHCHECK ") for line in final)
    assert any("COPY --from=" in line for line in final)
    assert not any("build-essential" in line for line in final)  # compilers stay behind
    for stage in stages:
        for line in stage:
            if line.startswith("COPY ") and "--from" not in line:
                for source in line.split()[1:-1]:
                    assert (REPO / source).exists(), source


@pytest.mark.parametrize(
    "path",
    [
        DOCKER / "prometheus" / "prometheus.yml",
        DOCKER / "multi-site" / "central" / "prometheus.yml",
    ],
)
def test_promtool_check_config(path: Path) -> None:
    result = subprocess.run(
        [binary("promtool"), "check", "config", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_promtool_check_agent_config() -> None:
    path = DOCKER / "multi-site" / "site" / "prometheus.yml"
    result = subprocess.run(
        [binary("promtool"), "check", "config", "--agent", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("name", sorted(PORTS))
def test_example_exporter_config_loads(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    try:
        spec = importlib.import_module(f"exporters.{name}.__main__").SPEC
    except ImportError as exc:
        pytest.skip(f"exporter {name} not importable here: {exc}")
    from exporters.core.config import load_config

    for var in re.findall(r"\$\{(\w+)", (DOCKER / "config" / f"{name}.yml").read_text()):
        monkeypatch.setenv(var, "example-secret-0123456789")
    config = load_config(DOCKER / "config" / f"{name}.yml", spec.config_model)
    assert config.targets


def healthcheck(env: dict[str, str]) -> int:
    clean = {k: v for k, v in env.items()}
    return subprocess.run(
        [sys.executable, str(DOCKER / "healthcheck.py")],
        env=clean,
        capture_output=True,
        check=False,
        timeout=30,
    ).returncode


def test_health_check_script_against_a_real_exporter(tmp_path: Path) -> None:
    config = tmp_path / "certs.yml"
    config.write_text("targets:\n  licence:\n    expires: 2030-01-01\n    description: x\n")
    exporter = ExporterProcess("certs", config, tmp_path)
    try:
        assert healthcheck({"PRAXIS_HEALTH_URL": f"{exporter.url}/-/healthy"}) == 0
    finally:
        exporter.stop()
    assert healthcheck({"PRAXIS_HEALTH_URL": f"http://127.0.0.1:{free_port()}/-/healthy"}) == 1
    assert healthcheck({"PRAXIS_EXPORTER": "nonsense"}) != 0
