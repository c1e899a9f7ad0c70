"""Real Prometheus and Alertmanager (Debian packages) on free loopback ports."""

from __future__ import annotations

import json
import shutil
import time
import urllib.parse
import urllib.request
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import yaml

from devkit.ports import free_port
from devkit.procs import ServiceProcess, http_ok

REPO = Path(__file__).resolve().parent.parent
RULES_DIR = REPO / "alerting-rules"


def binary(name: str) -> str:
    """Path of a Debian-installed Prometheus tool, or a clear error naming the package."""
    found = shutil.which(name) or (
        f"/usr/bin/{name}" if Path(f"/usr/bin/{name}").exists() else None
    )
    if not found:
        raise FileNotFoundError(f"{name} not found; run scripts/install-system-deps.sh")
    return found


def rule_files() -> list[Path]:
    return sorted(RULES_DIR.glob("*.rules.yml"))


class Prometheus(ServiceProcess):
    """A Prometheus server scraping the given jobs, with the repo's rule files loaded."""

    def __init__(
        self,
        workdir: Path,
        scrape_configs: Sequence[Mapping[str, Any]],
        rules: Sequence[Path] | None = None,
        scrape_interval: str = "1s",
        evaluation_interval: str = "1s",
        alertmanager_url: str | None = None,
        external_labels: Mapping[str, str] | None = None,
        extra_args: Sequence[str] = (),
        remote_write: Sequence[str] = (),
        agent: bool = False,
        port: int | None = None,
    ) -> None:
        self.port = port or free_port()
        workdir.mkdir(parents=True, exist_ok=True)
        rule_paths = [str(p) for p in (rule_files() if rules is None else rules)]
        config: dict[str, Any] = {
            "global": {
                "scrape_interval": scrape_interval,
                "evaluation_interval": evaluation_interval,
                "scrape_timeout": scrape_interval if agent else _timeout(scrape_interval),
            },
            "scrape_configs": list(scrape_configs),
        }
        if external_labels:
            config["global"]["external_labels"] = dict(external_labels)
        if not agent:
            config["rule_files"] = rule_paths
        if alertmanager_url:
            target = alertmanager_url.split("://", 1)[-1]
            config["alerting"] = {"alertmanagers": [{"static_configs": [{"targets": [target]}]}]}
        if remote_write:
            config["remote_write"] = [{"url": u} for u in remote_write]
        self.config_path = workdir / "prometheus.yml"
        self.config_path.write_text(yaml.safe_dump(config, sort_keys=False))
        argv = [
            binary("prometheus"),
            f"--config.file={self.config_path}",
            f"--web.listen-address=127.0.0.1:{self.port}",
            "--log.level=warn",
            "--web.enable-lifecycle",
        ]
        if agent:
            argv += ["--enable-feature=agent", f"--storage.agent.path={workdir / 'agent'}"]
        else:
            argv += [f"--storage.tsdb.path={workdir / 'tsdb'}"]
        argv += list(extra_args)
        super().__init__("prometheus", argv, workdir / "prometheus.log")
        self.wait_until(lambda: http_ok(f"{self.url}/-/ready"), timeout=60, what="ready")

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def api(self, path: str, **params: str) -> Any:
        query = urllib.parse.urlencode(params)
        with urllib.request.urlopen(f"{self.url}/api/v1/{path}?{query}", timeout=30) as resp:
            payload = json.loads(resp.read())
        if payload.get("status") != "success":
            raise RuntimeError(f"Prometheus API {path} failed: {payload}")
        return payload["data"]

    def query(self, expr: str) -> list[dict[str, Any]]:
        """Instant query; returns the result list (vector samples or a scalar wrapped)."""
        data = self.api("query", query=expr)
        if data["resultType"] in ("scalar", "string"):
            return [{"metric": {}, "value": data["result"]}]
        return list(data["result"])

    def wait_for(self, expr: str, timeout: float = 60.0) -> list[dict[str, Any]]:
        """Wait until `expr` returns a non-empty result."""
        end = time.monotonic() + timeout
        last: list[dict[str, Any]] = []
        while time.monotonic() < end:
            last = self.query(expr)
            if last:
                return last
            time.sleep(0.25)
        raise TimeoutError(f"query {expr!r} still empty after {timeout}s")

    def wait_for_targets_up(self, timeout: float = 60.0) -> None:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            active = self.api("targets")["activeTargets"]
            if active and all(t["health"] == "up" for t in active):
                return
            time.sleep(0.25)
        raise TimeoutError(f"targets not all up: {self.api('targets')['activeTargets']}")

    def alerts(self) -> list[dict[str, Any]]:
        return list(self.api("alerts")["alerts"])

    def wait_for_alert(
        self, name: str, state: str = "firing", timeout: float = 90.0, **labels: str
    ) -> dict[str, Any]:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            for alert in self.alerts():
                if (
                    alert["labels"].get("alertname") == name
                    and alert["state"] == state
                    and all(alert["labels"].get(k) == v for k, v in labels.items())
                ):
                    return alert
            time.sleep(0.25)
        raise TimeoutError(
            f"alert {name} {labels} not {state} after {timeout}s; "
            f"alerts: {[a['labels'] for a in self.alerts()]}"
        )


class Alertmanager(ServiceProcess):
    """A real Alertmanager with the given config, clustering off."""

    def __init__(self, workdir: Path, config: Path, port: int | None = None) -> None:
        self.port = port or free_port()
        workdir.mkdir(parents=True, exist_ok=True)
        argv = [
            binary("prometheus-alertmanager"),
            f"--config.file={config}",
            f"--web.listen-address=127.0.0.1:{self.port}",
            "--cluster.listen-address=",
            f"--storage.path={workdir / 'am-data'}",
            "--log.level=warn",
        ]
        super().__init__("alertmanager", argv, workdir / "alertmanager.log")
        self.wait_until(lambda: http_ok(f"{self.url}/-/ready"), timeout=60, what="ready")

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def alerts(self) -> list[dict[str, Any]]:
        with urllib.request.urlopen(f"{self.url}/api/v2/alerts", timeout=30) as resp:
            return list(json.loads(resp.read()))


def scrape_job(
    job: str,
    targets: Sequence[str],
    metrics_path: str = "/metrics",
    params: Mapping[str, Sequence[str]] | None = None,
    labels: Mapping[str, str] | None = None,
    scrape_timeout: str | None = None,
) -> dict[str, Any]:
    """A static scrape config entry."""
    job_cfg: dict[str, Any] = {
        "job_name": job,
        "metrics_path": metrics_path,
        "static_configs": [{"targets": list(targets), "labels": dict(labels or {})}],
    }
    if params:
        job_cfg["params"] = {k: list(v) for k, v in params.items()}
    if scrape_timeout:
        job_cfg["scrape_timeout"] = scrape_timeout
    return job_cfg


def _timeout(interval: str) -> str:
    return interval


def promtool_check_metrics(text: str) -> str:
    """Run `promtool check metrics` on an exposition; returns its complaints ('' if clean)."""
    import subprocess

    result = subprocess.run(
        [binary("promtool"), "check", "metrics"],
        input=text,
        capture_output=True,
        text=True,
        check=False,
    )
    return (result.stdout + result.stderr).strip() if result.returncode != 0 else ""
