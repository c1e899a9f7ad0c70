"""Shared pieces of the operations-pack tests: a webhook receiver that captures what
Alertmanager sends, test copies of the example Alertmanager config and of the rule files."""

from __future__ import annotations

import datetime as dt
import json
import threading
import time
import urllib.parse
import urllib.request
from collections.abc import Iterable, Mapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import yaml

from devkit.ports import free_port
from devkit.procs import ServiceProcess, http_ok
from devkit.prometheus import REPO, RULES_DIR, binary

ALERTMANAGER_YML = RULES_DIR / "alertmanager.yml"
DOCKER = REPO / "docker"
WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]


class WebhookReceiver:
    """Captures Alertmanager webhook notifications: {receiver path: [payload, ...]}."""

    def __init__(self) -> None:
        self.notifications: list[tuple[str, dict[str, Any]]] = []
        self._lock = threading.Lock()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                with outer._lock:
                    outer.notifications.append((self.path.strip("/"), json.loads(body)))
                self.send_response(200)
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def url(self, receiver: str) -> str:
        return f"http://127.0.0.1:{self.port}/{receiver}"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def alerts(self, receiver: str, status: str = "firing") -> list[dict[str, Any]]:
        """Every alert the receiver got (in any notification) with that status."""
        with self._lock:
            return [
                alert
                for path, payload in self.notifications
                if path == receiver
                for alert in payload["alerts"]
                if alert["status"] == status
            ]

    def receivers_of(self, alertname: str, **labels: str) -> set[str]:
        with self._lock:
            return {
                path
                for path, payload in self.notifications
                for alert in payload["alerts"]
                if alert["labels"].get("alertname") == alertname
                and all(alert["labels"].get(k) == v for k, v in labels.items())
            }

    def wait_for(
        self, receiver: str, alertname: str, timeout: float = 60.0, **labels: str
    ) -> dict[str, Any]:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            for alert in self.alerts(receiver):
                if alert["labels"].get("alertname") == alertname and all(
                    alert["labels"].get(k) == v for k, v in labels.items()
                ):
                    return alert
            time.sleep(0.1)
        with self._lock:
            seen = sorted(
                {
                    (p, a["labels"].get("alertname", ""))
                    for p, n in self.notifications
                    for a in n["alerts"]
                }
            )
        raise TimeoutError(f"{alertname} {labels} never reached {receiver}; got {seen}")


def alertmanager_test_config(
    workdir: Path, receiver: WebhookReceiver, practice_hours: str | None = None
) -> Path:
    """The example config with every receiver pointed at `receiver`, short group timings,
    and optionally the practice hours replaced by "now" (`"open"`) or by a day that is not
    today (`"closed"`), keeping the Europe/Berlin location."""
    config = yaml.safe_load(ALERTMANAGER_YML.read_text())
    for rcv in config["receivers"]:
        for hook in rcv.get("webhook_configs", []):
            hook["url"] = receiver.url(rcv["name"])
    config["route"].update(group_wait="1s", group_interval="1s", repeat_interval="1h")
    for route in config["route"]["routes"]:
        route.pop("repeat_interval", None)
        route.update(group_wait="1s", group_interval="1s")
    if practice_hours is not None:
        # "open": every day, so a run that crosses midnight stays inside practice hours;
        # "closed": a day three days away, which a run crossing midnight cannot reach.
        today = dt.datetime.now(ZoneInfo("Europe/Berlin")).weekday()
        days = ["sunday:saturday"] if practice_hours == "open" else [WEEKDAYS[(today + 3) % 7]]
        (interval,) = config["time_intervals"]
        interval["time_intervals"] = [
            {
                "weekdays": days,
                "times": [{"start_time": "00:00", "end_time": "24:00"}],
                "location": "Europe/Berlin",
            }
        ]
    path = workdir / "alertmanager.yml"
    workdir.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(config, sort_keys=False))
    return path


def post_alerts(alertmanager_url: str, alerts: Iterable[Mapping[str, str]]) -> None:
    """Send alerts (label sets) to Alertmanager's API as firing now."""
    body = [
        {"labels": dict(labels), "annotations": {"summary": labels.get("alertname", "")}}
        for labels in alerts
    ]
    req = urllib.request.Request(
        f"{alertmanager_url}/api/v2/alerts",
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(req, timeout=10) as resp:
        assert resp.status == 200


def fast_rules(workdir: Path, files: Iterable[Path], for_: str = "0s") -> list[Path]:
    """Copies of rule files with every `for:` shortened (long durations are covered by the
    promtool unit tests)."""
    workdir.mkdir(parents=True, exist_ok=True)
    out = []
    for path in files:
        data = yaml.safe_load(path.read_text())
        for group in data["groups"]:
            for rule in group["rules"]:
                if "for" in rule:
                    rule["for"] = for_
        copy = workdir / path.name
        copy.write_text(yaml.safe_dump(data, sort_keys=False))
        out.append(copy)
    return out


class PrometheusFromConfig(ServiceProcess):
    """A real Prometheus (or agent) started from a config dict: used to run the docker/
    Prometheus configs with only the addresses changed."""

    def __init__(
        self,
        workdir: Path,
        config: dict[str, Any],
        agent: bool = False,
        extra_args: Iterable[str] = (),
        port: int | None = None,
    ) -> None:
        self.port = port or free_port()
        workdir.mkdir(parents=True, exist_ok=True)
        self.config_path = workdir / "prometheus.yml"
        self.config_path.write_text(yaml.safe_dump(config, sort_keys=False))
        argv = [
            binary("prometheus"),
            f"--config.file={self.config_path}",
            f"--web.listen-address=127.0.0.1:{self.port}",
            "--log.level=warn",
        ]
        if agent:
            argv += ["--enable-feature=agent", f"--storage.agent.path={workdir / 'wal'}"]
        else:
            argv += [f"--storage.tsdb.path={workdir / 'tsdb'}"]
        super().__init__("prometheus", [*argv, *extra_args], workdir / "prometheus.log")
        self.wait_until(lambda: http_ok(f"{self.url}/-/ready"), timeout=60, what="ready")

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def query(self, expr: str) -> list[dict[str, Any]]:
        query = urllib.parse.urlencode({"query": expr})
        with urllib.request.urlopen(f"{self.url}/api/v1/query?{query}", timeout=30) as resp:
            payload = json.loads(resp.read())
        assert payload["status"] == "success", payload
        data = payload["data"]
        if data["resultType"] in ("scalar", "string"):
            return [{"metric": {}, "value": data["result"]}]
        return list(data["result"])

    def wait_for(self, expr: str, check: Any = bool, timeout: float = 60.0) -> list[dict[str, Any]]:
        """Wait until check(result of expr) is true."""
        end = time.monotonic() + timeout
        result: list[dict[str, Any]] = []
        while time.monotonic() < end:
            result = self.query(expr)
            if check(result):
                return result
            time.sleep(0.5)
        raise TimeoutError(f"{expr!r}: condition not met after {timeout}s; last: {result}")


def sites_of(result: list[dict[str, Any]]) -> set[str]:
    return {r["metric"].get("site", "") for r in result}


class StaticExporter:
    """Serves a fixed exposition text on /metrics (stands in for exporters whose real
    process is not part of a test)."""

    def __init__(self, text: str) -> None:
        self.text = text
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                body = outer.text.encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/plain; version=0.0.4")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
