"""Real VictoriaMetrics (Debian `victoria-metrics`, 1.79) on free loopback ports: the single
node store, vmauth (one credential per site in front of the write path), vmagent (the
documented alternative to a Prometheus agent at a site) and vmalert (the central rules).

Used by the central-stack tests and the fleet benchmark. The store is queried through its
Prometheus API, so the same helpers work against Prometheus and VictoriaMetrics."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import yaml
from prometheus_client.parser import text_string_to_metric_families

from devkit.ports import free_port
from devkit.procs import ServiceProcess, http_ok
from devkit.prometheus import binary


class _VMService(ServiceProcess):
    """A VictoriaMetrics component listening on its own port (all of them serve /metrics)."""

    port: int

    def __init__(self, name: str, argv: Sequence[str], workdir: Path) -> None:
        workdir.mkdir(parents=True, exist_ok=True)
        super().__init__(name, argv, workdir / f"{name}.log")
        self.wait_until(lambda: http_ok(f"{self.url}/health"), timeout=60, what="healthy")

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def metrics_text(self) -> str:
        with urllib.request.urlopen(f"{self.url}/metrics", timeout=30) as resp:
            return str(resp.read().decode())

    def metric(self, name: str, **labels: str) -> float:
        """Sum of the component's own metric `name` over the series matching `labels`."""
        total = 0.0
        for family in text_string_to_metric_families(self.metrics_text()):
            for sample in family.samples:
                if sample.name == name and all(
                    sample.labels.get(k) == v for k, v in labels.items()
                ):
                    total += sample.value
        return total


class VictoriaMetrics(_VMService):
    """The single node store: Prometheus query API, /api/v1/write, /api/v1/import/prometheus.

    `latency_offset` is how far back from now queries stop (VictoriaMetrics hides the last
    30 s by default so that late samples do not change answers); tests set it near zero."""

    def __init__(
        self,
        workdir: Path,
        latency_offset: str = "1s",
        extra_args: Sequence[str] = (),
        retention: str = "100y",
    ) -> None:
        self.port = free_port()
        self.data_path = workdir / "data"
        argv = [
            binary("victoria-metrics"),
            f"-storageDataPath={self.data_path}",
            f"-httpListenAddr=127.0.0.1:{self.port}",
            f"-retentionPeriod={retention}",
            f"-search.latencyOffset={latency_offset}",
            "-loggerLevel=WARN",
            *extra_args,
        ]
        super().__init__("victoria-metrics", argv, workdir)

    def api(self, path: str, **params: str) -> Any:
        query = urllib.parse.urlencode(params)
        with urllib.request.urlopen(f"{self.url}/api/v1/{path}?{query}", timeout=60) as resp:
            payload = json.loads(resp.read())
        if payload.get("status") != "success":
            raise RuntimeError(f"VictoriaMetrics API {path} failed: {payload}")
        return payload["data"]

    def query(self, expr: str, at: float | None = None) -> list[dict[str, Any]]:
        """Instant query (Prometheus API); a scalar comes back wrapped like a vector."""
        params = {"query": expr}
        if at is not None:
            params["time"] = f"{at:.3f}"
        data = self.api("query", **params)
        if data["resultType"] in ("scalar", "string"):
            return [{"metric": {}, "value": data["result"]}]
        return list(data["result"])

    def wait_for(
        self, expr: str, check: Callable[[list[dict[str, Any]]], bool] = bool, timeout: float = 60
    ) -> list[dict[str, Any]]:
        """Poll until check(result of expr) is true."""
        end = time.monotonic() + timeout
        result: list[dict[str, Any]] = []
        while time.monotonic() < end:
            result = self.query(expr)
            if check(result):
                return result
            time.sleep(0.5)
        raise TimeoutError(f"{expr!r}: condition not met after {timeout}s; last: {result}")

    def import_prometheus(self, text: str, extra_label: Mapping[str, str] | None = None) -> None:
        """Import exposition text (with or without sample timestamps, in milliseconds)."""
        params = urllib.parse.urlencode(
            [("extra_label", f"{k}={v}") for k, v in (extra_label or {}).items()]
        )
        req = urllib.request.Request(
            f"{self.url}/api/v1/import/prometheus?{params}", data=text.encode(), method="POST"
        )
        with urllib.request.urlopen(req, timeout=300) as resp:
            if resp.status not in (200, 204):
                raise RuntimeError(f"import failed: {resp.status}")

    def flush(self) -> None:
        """Make just-written samples searchable now (normally within about a second)."""
        with urllib.request.urlopen(f"{self.url}/internal/force_flush", timeout=60) as resp:
            resp.read()


class VMAuth(_VMService):
    """vmauth with one basic-auth user per site, all proxied to the store's write path.

    A request without or with a wrong credential gets 401 and is counted in vmauth's own
    `vmauth_http_request_errors_total`/`vm_http_request_errors_total`; accepted requests
    count per user in `vmauth_user_requests_total{username=...}`."""

    def __init__(self, workdir: Path, users: Mapping[str, str], backend: str) -> None:
        self.port = free_port()
        workdir.mkdir(parents=True, exist_ok=True)
        self.config_path = workdir / "auth.yml"
        self.config_path.write_text(yaml.safe_dump(auth_config(users, backend), sort_keys=False))
        self.config_path.chmod(0o600)
        argv = [
            binary("vmauth"),
            f"-auth.config={self.config_path}",
            f"-httpListenAddr=127.0.0.1:{self.port}",
            "-loggerLevel=WARN",
        ]
        super().__init__("vmauth", argv, workdir)


def auth_config(users: Mapping[str, str], backend: str) -> dict[str, Any]:
    """vmauth config: each site may only write (url_map limits the paths it reaches; the
    request path is appended to `backend`, the store's base URL)."""
    return {
        "users": [
            {
                "username": user,
                "password": password,
                "url_map": [
                    {"src_paths": ["/api/v1/write"], "url_prefix": backend.rstrip("/")},
                ],
            }
            for user, password in users.items()
        ]
    }


class VMAgent(_VMService):
    """vmagent scraping with a Prometheus-style config and remote-writing to each URL.

    `remote_write` entries are (url, username, password_file) with username '' for none."""

    def __init__(
        self,
        workdir: Path,
        scrape_config: Mapping[str, Any],
        remote_write: Sequence[tuple[str, str, Path | None]],
        extra_args: Sequence[str] = (),
    ) -> None:
        self.port = free_port()
        workdir.mkdir(parents=True, exist_ok=True)
        self.config_path = workdir / "scrape.yml"
        self.config_path.write_text(yaml.safe_dump(dict(scrape_config), sort_keys=False))
        argv = [
            binary("vmagent"),
            f"-promscrape.config={self.config_path}",
            f"-httpListenAddr=127.0.0.1:{self.port}",
            f"-remoteWrite.tmpDataPath={workdir / 'queue'}",
            "-remoteWrite.flushInterval=500ms",
            "-loggerLevel=WARN",
        ]
        for url, user, password_file in remote_write:
            argv.append(f"-remoteWrite.url={url}")
            argv.append(f"-remoteWrite.basicAuth.username={user}")
            argv.append(f"-remoteWrite.basicAuth.passwordFile={password_file or ''}")
        super().__init__("vmagent", [*argv, *extra_args], workdir)


class VMAlert(_VMService):
    """vmalert evaluating rule files against the store, writing recording results and
    ALERTS back, restoring alert state from it and notifying Alertmanager."""

    def __init__(
        self,
        workdir: Path,
        rules: Sequence[Path],
        datasource: str,
        notifier: str | None = None,
        evaluation_interval: str = "1s",
        extra_args: Sequence[str] = (),
    ) -> None:
        self.port = free_port()
        argv = [
            binary("vmalert"),
            *[f"-rule={p}" for p in rules],
            f"-datasource.url={datasource}",
            f"-remoteWrite.url={datasource}",
            f"-remoteRead.url={datasource}",
            f"-evaluationInterval={evaluation_interval}",
            f"-httpListenAddr=127.0.0.1:{self.port}",
            "-loggerLevel=WARN",
        ]
        if notifier:
            argv.append(f"-notifier.url={notifier}")
        super().__init__("vmalert", [*argv, *extra_args], workdir)

    def groups(self) -> list[dict[str, Any]]:
        """The loaded groups with their rules and each rule's last error (vmalert's API)."""
        with urllib.request.urlopen(f"{self.url}/api/v1/rules", timeout=30) as resp:
            return list(json.loads(resp.read())["data"]["groups"])

    def alerts(self) -> list[dict[str, Any]]:
        with urllib.request.urlopen(f"{self.url}/api/v1/alerts", timeout=30) as resp:
            return list(json.loads(resp.read())["data"]["alerts"])


def http_status(url: str, data: bytes = b"", auth: tuple[str, str] | None = None) -> int:
    """Status of a POST to `url` (optionally with basic auth), errors included."""
    req = urllib.request.Request(url, data=data, method="POST")
    if auth:
        import base64

        token = base64.b64encode(f"{auth[0]}:{auth[1]}".encode()).decode()
        req.add_header("Authorization", f"Basic {token}")
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:
            return int(resp.status)
    except urllib.error.HTTPError as exc:
        return int(exc.code)
