"""docker/multi-site's VictoriaMetrics variant, checked statically (no Docker engine here)
and with the real Debian binaries where they can read the shipped files: the compose files
against the compose specification, their mounts and variables, vmalert's reading of the
mounted rule files, vmagent's reading of the shared site scrape config, and vmauth's
example config with a site's credential."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from devkit.ports import free_port
from devkit.procs import ServiceProcess, http_ok
from devkit.prometheus import REPO, binary, rule_files
from devkit.victoria import http_status
from tests.ops.helpers import DOCKER
from tests.ops.test_docker import compose, schema_errors

MULTI = DOCKER / "multi-site"
CENTRAL = MULTI / "compose.central-victoria.yml"
SITE = MULTI / "compose.site-vmagent.yml"
AUTH = MULTI / "victoria" / "auth.yml"


def flags(service: dict[str, Any]) -> dict[str, str]:
    """-name=value command flags of a VictoriaMetrics container."""
    return dict(arg.lstrip("-").split("=", 1) for arg in service["command"] if "=" in arg)


def mounts(path: Path, service: dict[str, Any]) -> dict[str, Path]:
    """{container path: host path} of the bind mounts."""
    out = {}
    for volume in service.get("volumes", []):
        source, target = volume.split(":")[:2]
        if source.startswith("."):
            out[target] = (path.parent / source).resolve()
    return out


@pytest.mark.parametrize("path", [CENTRAL, SITE], ids=lambda p: p.name)
def test_compose_file_matches_the_spec_and_its_files_exist(path: Path) -> None:
    assert schema_errors(compose(path)) == []
    for name, service in compose(path)["services"].items():
        for target, source in mounts(path, service).items():
            assert source.exists() or "password" in target, f"{name}: {source} missing"
        if "extends" in service:
            base = compose(path.parent / service["extends"]["file"])
            assert service["extends"]["service"] in base["services"], name


def test_every_variable_is_documented_in_env_example() -> None:
    documented = {
        line.split("=", 1)[0]
        for line in (DOCKER / ".env.example").read_text().splitlines()
        if "=" in line and not line.startswith("#")
    }
    used = set(re.findall(r"\$\{(\w+)", CENTRAL.read_text() + SITE.read_text()))
    auth = "\n".join(x for x in AUTH.read_text().splitlines() if not x.lstrip().startswith("#"))
    used |= set(re.findall(r"%\{(\w+)\}", auth))
    assert used >= {"PRAXIS_EXAMPLE_WRITE_PASSWORD", "VICTORIA_METRICS_VERSION"}
    assert used - documented == set()


def test_vmagent_site_runs_the_same_exporters_as_the_prometheus_site() -> None:
    site = compose(SITE)["services"]
    prometheus_site = compose(MULTI / "compose.site.yml")["services"]
    exporters = {k: v for k, v in prometheus_site.items() if k.endswith("-exporter")}
    assert {k: v for k, v in site.items() if k.endswith("-exporter")} == exporters
    vmagent = site["vmagent"]
    assert mounts(SITE, vmagent)["/etc/prometheus/prometheus.yml"] == (
        MULTI / "site" / "prometheus.yml"
    )
    # the credential's user is the site, as in the Prometheus agent's basic_auth
    site_cfg = yaml.safe_load((MULTI / "site" / "prometheus.yml").read_text())
    user = site_cfg["remote_write"][0]["basic_auth"]["username"]
    assert flags(vmagent)["remoteWrite.basicAuth.username"] == user
    assert site_cfg["global"]["external_labels"]["site"] == user


def vmagent_check(config: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            binary("vmagent"),
            f"-promscrape.config={config}",
            "-promscrape.config.dryRun",
            "-loggerLevel=ERROR",
            *extra,
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_vmagent_reads_the_shared_site_scrape_config_with_the_compose_flags() -> None:
    config = MULTI / "site" / "prometheus.yml"
    strict = flags(compose(SITE)["services"]["vmagent"])["promscrape.config.strictParse"]
    ok = vmagent_check(config, f"-promscrape.config.strictParse={strict}")
    assert ok.returncode == 0, ok.stderr
    # Why the flag is there: vmagent refuses the Prometheus remote_write section otherwise.
    refused = vmagent_check(config)
    assert refused.returncode != 0 and "remote_write" in refused.stderr


def test_vmalert_reads_every_mounted_rule_file() -> None:
    vmalert = compose(CENTRAL)["services"]["vmalert"]
    mounted = mounts(CENTRAL, vmalert)
    rule_glob = flags(vmalert)["rule"]
    target_dir, pattern = rule_glob.rsplit("/", 1)
    files = sorted(mounted[target_dir].glob(pattern))
    assert files == rule_files()
    result = subprocess.run(
        [binary("vmalert"), "-dryRun", "-loggerLevel=ERROR", *[f"-rule={p}" for p in files]],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    store = "http://victoria-metrics:8428"
    for flag in ("datasource.url", "remoteWrite.url", "remoteRead.url"):
        assert flags(vmalert)[flag] == store, flag
    assert flags(vmalert)["notifier.url"] == "http://alertmanager:9093"
    assert "alertmanager" in compose(CENTRAL)["services"]
    assert flags(compose(CENTRAL)["services"]["victoria-metrics"])["httpListenAddr"] == ":8428"


def test_grafana_reads_victoria_metrics_through_the_prometheus_api() -> None:
    grafana = compose(CENTRAL)["services"]["grafana"]
    datasources_dir = mounts(CENTRAL, grafana)["/etc/grafana/provisioning/datasources"]
    (provisioning,) = datasources_dir.glob("*.yml")
    sources = yaml.safe_load(provisioning.read_text())["datasources"]
    default = next(d for d in sources if d.get("isDefault"))
    assert default["type"] == "prometheus" and default["url"] == "http://victoria-metrics:8428"
    shipped = yaml.safe_load(
        (REPO / "dashboards" / "provisioning" / "datasources" / "prometheus.yml").read_text()
    )
    assert default["uid"] == shipped["datasources"][0]["uid"]  # links between boards hold


def test_vmauth_example_config_admits_the_site_only_to_the_write_path(tmp_path: Path) -> None:
    vmauth_env = compose(CENTRAL)["services"]["vmauth"]["environment"]
    (variable,) = vmauth_env
    port = free_port()
    proc = ServiceProcess(
        "vmauth",
        [binary("vmauth"), f"-auth.config={AUTH}", f"-httpListenAddr=127.0.0.1:{port}"],
        tmp_path / "vmauth.log",
        env={**os.environ, variable: "site-secret-0123456789"},
    )
    try:
        url = f"http://127.0.0.1:{port}"
        proc.wait_until(lambda: http_ok(f"{url}/health"), timeout=30)
        user = yaml.safe_load(AUTH.read_text())["users"][0]["username"]
        # Past authentication (the backend name does not resolve here: 502), ...
        assert http_status(f"{url}/api/v1/write", auth=(user, "site-secret-0123456789")) == 502
        # ... but not with a wrong or no password, and never to the query API.
        assert http_status(f"{url}/api/v1/write", auth=(user, "wrong")) in (400, 401)
        assert http_status(f"{url}/api/v1/write") == 401
        assert http_status(f"{url}/api/v1/query", auth=(user, "site-secret-0123456789")) == 400
    finally:
        proc.stop()
