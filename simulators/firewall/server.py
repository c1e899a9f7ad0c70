"""REST doubles of the FortiGate monitor API and the OPNsense API, over HTTPS.

Built from the documented JSON (sources below), not from captures of a device:

- FortiGate `GET /api/v2/monitor/license/status/select/` (FortiOS REST API, monitor
  `license/status`): the monitor envelope `http_method`, `results`, `vdom`, `path`, `name`,
  `action`, `status`, `serial`, `version`, `build` as in the captured answer kept by
  prometheus-community/fortigate_exporter (`pkg/probe/testdata/license-status.jsonnet`,
  Apache-2.0; copied to `tests/firewall/fixtures/`), and per service `type`, `status`,
  `expires`, `last_update` (Unix seconds) and `version` as the FortiOS monitor reference
  and PowerFGT's `Get-FGTMonitorLicenseStatus` ("status, version and last_update") name
  them. Auth: an API token as `Authorization: Bearer <token>` (or `?access_token=`).
- OPNsense (key/secret as HTTP basic auth, docs.opnsense.org "Use the API"):
  `GET /api/core/firmware/status` (opnsense/core FirmwareController::statusAction:
  `status` none/update/upgrade/error, `status_msg`, `status_reboot`, `needs_reboot`,
  `upgrade_needs_reboot`, `product_version`, `product`, `updates`, `connection`,
  `repository`, `last_check`), `GET /api/ids/settings/listRulesets` (IDS
  SettingsController::listRulesetsAction: `rows` of `description`, `filename`,
  `documentation_url`, `enabled`, `modified_local` as `Y/m/d G:i`, `filter_str`; `rowCount`,
  `total`, `current`), `GET /api/routes/gateway/status` (Routes GatewayController:
  `items` of `name`, `address`, `status`, `status_translated`, `loss`, `delay`, `stddev`,
  `monitor`; `status` "ok").

Faults a test can switch on per path (`server.faults[path] = ...`): `500`, `slow` (answers
after `slow_seconds`), `drip` (the body one byte at a time), `huge` (a 64 MiB body),
`malformed` (not JSON), `wrong_shape` (JSON without the documented keys), `redirect` (302 to
another host). `server.calls` counts requests by method and path, so a test can prove the
exporter never POSTs (e.g. to `/api/core/firmware/check`, which starts a check).
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import secrets
import ssl
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

FORTIGATE_LICENCE = "/api/v2/monitor/license/status/select/"
OPN_FIRMWARE = "/api/core/firmware/status"
OPN_RULESETS = "/api/ids/settings/listRulesets"
OPN_GATEWAYS = "/api/routes/gateway/status"


def fortigate_licence_status(now: float, av_expires: float, av_updated: float) -> dict[str, Any]:
    """A FortiGate 60F on FortiOS 7.2 with FortiCare, IPS and an AV subscription."""
    year = 365 * 86400
    return {
        "http_method": "GET",
        "results": {
            "forticare": {"type": "forticare", "status": "registered", "expires": int(now + year)},
            "fortiguard": {
                "type": "fortiguard_subscription",
                "status": "licensed",
                "expires": int(now + year),
            },
            "antivirus": {
                "type": "downloaded",
                "status": "licensed" if av_expires > now else "expired",
                "expires": int(av_expires),
                "version": "92.07583",
                "last_update": int(av_updated),
            },
            "ips": {
                "type": "downloaded",
                "status": "licensed",
                "expires": int(now + year),
                "version": "27.00841",
                "last_update": int(now - 4 * 3600),
            },
            "appctrl": {
                "type": "downloaded",
                "status": "licensed",
                "expires": int(now + year),
                "version": "27.00841",
                "last_update": int(now - 4 * 3600),
            },
            "web_filtering": {
                "type": "cloud_service",
                "status": "licensed",
                "expires": int(now + year),
            },
            "antispam": {"type": "cloud_service", "status": "no_license"},
            "vdom": {"type": "platform", "can_upgrade": False, "used": 1, "max": 10},
        },
        "vdom": "root",
        "path": "license",
        "name": "status",
        "action": "select",
        "status": "success",
        "serial": "FGT60FTK21000001",
        "version": "v7.2.8",
        "build": 1639,
    }


def opnsense_firmware(updates: int = 2, reboot: bool = False) -> dict[str, Any]:
    status = "update" if updates else "none"
    return {
        "api_version": "1",
        "connection": "ok",
        "repository": "ok",
        "product_version": "24.7.9",
        "product": {
            "product_name": "OPNsense",
            "product_version": "24.7.9",
            "product_mirror": "https://pkg.opnsense.org/${ABI}/24.7/latest",
        },
        "last_check": "Tue Dec  1 06:00:00 CET 2026",
        "needs_reboot": "1" if reboot else "0",
        "upgrade_needs_reboot": "0",
        "status": status,
        "status_reboot": "1" if reboot else "0",
        "updates": str(updates),
        "status_msg": (
            f"There are {updates} updates available, total download size is 12.3MiB."
            if updates
            else "There are no updates available on the selected mirror."
        ),
    }


def opnsense_rulesets(modified: dt.datetime) -> dict[str, Any]:
    stamp = f"{modified:%Y/%m/%d} {modified.hour}:{modified:%M}"
    rows = [
        {
            "description": "ET open/emerging-malware",
            "filename": "emerging-malware.rules",
            "documentation_url": "http://docs.emergingthreats.net/",
            "documentation": None,
            "modified_local": stamp,
            "enabled": "1",
            "filter": {},
            "filter_str": "",
        },
        {
            "description": "ET open/emerging-scan",
            "filename": "emerging-scan.rules",
            "documentation_url": "http://docs.emergingthreats.net/",
            "documentation": None,
            "modified_local": None,
            "enabled": "0",
            "filter": {},
            "filter_str": "",
        },
    ]
    return {"rows": rows, "rowCount": len(rows), "total": len(rows), "current": 1}


def opnsense_gateways() -> dict[str, Any]:
    return {
        "items": [
            {
                "name": "WAN_DHCP",
                "address": "192.0.2.1",
                "status": "none",
                "status_translated": "Online",
                "loss": "0.0 %",
                "delay": "8.1 ms",
                "stddev": "0.4 ms",
                "monitor": "192.0.2.1",
            },
            {
                "name": "WAN_LTE",
                "address": "198.51.100.1",
                "status": "down",
                "status_translated": "Offline",
                "loss": "100.0 %",
                "delay": "0.0 ms",
                "stddev": "0.0 ms",
                "monitor": "198.51.100.1",
            },
        ],
        "status": "ok",
    }


@dataclass
class SimState:
    kind: str  # "fortigate" or "opnsense"
    token: str = ""
    key: str = ""
    secret: str = ""
    documents: dict[str, dict[str, Any]] = field(default_factory=dict)
    faults: dict[str, str] = field(default_factory=dict)
    slow_seconds: float = 5.0
    calls: Counter[str] = field(default_factory=Counter)
    lock: threading.Lock = field(default_factory=threading.Lock)


class _Handler(BaseHTTPRequestHandler):
    server: FirewallApiServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _send(self, status: int, body: bytes, content_type: str = "application/json") -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _authorized(self, query: dict[str, str]) -> bool:
        st = self.server.state
        header = self.headers.get("Authorization") or ""
        if st.kind == "fortigate":
            given = (
                header[7:]
                if header.lower().startswith("bearer ")
                else query.get("access_token", "")
            )
            return bool(st.token) and secrets.compare_digest(given.encode(), st.token.encode())
        if not header.lower().startswith("basic "):
            return False
        try:
            pair = base64.b64decode(header[6:]).decode()
        except ValueError:
            return False
        return secrets.compare_digest(pair.encode(), f"{st.key}:{st.secret}".encode())

    def do_POST(self) -> None:
        with self.server.state.lock:
            self.server.state.calls[f"POST {urlsplit(self.path).path}"] += 1
        self._send(405, b'{"status": "failure"}')

    def do_GET(self) -> None:
        st = self.server.state
        url = urlsplit(self.path)
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
        with st.lock:
            st.calls[f"GET {url.path}"] += 1
        if not self._authorized(query):
            body = b'{"status": 401, "message": "Authentication Failed"}'
            self._send(401, body if st.kind == "opnsense" else b"")
            return
        doc = st.documents.get(url.path)
        if doc is None:
            self._send(404, b'{"errorMessage": "Endpoint not found"}')
            return
        fault = st.faults.get(url.path, "")
        if fault == "500":
            self._send(500, b'{"status": "error", "message": "Internal Server Error"}')
        elif fault == "slow":
            time.sleep(st.slow_seconds)
            self._send(200, json.dumps(doc).encode())
        elif fault == "drip":
            body = json.dumps(doc).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            for i in range(len(body)):
                self.wfile.write(body[i : i + 1])
                self.wfile.flush()
                time.sleep(0.2)
        elif fault == "huge":
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()  # no length: read until closed
            self.close_connection = True
            chunk = b" " * 65536
            try:
                self.wfile.write(b'{"results": {"pad": "')
                for _ in range(1024):
                    self.wfile.write(chunk)
            except OSError:
                return
        elif fault == "malformed":
            self._send(200, b'{"results": {"antivirus": ')
        elif fault == "wrong_shape":
            self._send(200, b'{"hello": "world"}')
        elif fault == "redirect":
            self.send_response(302)
            self.send_header("Location", "https://203.0.113.9/steal")
            self.send_header("Content-Length", "0")
            self.end_headers()
        else:
            self._send(200, json.dumps(doc).encode())


class FirewallApiServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(
        self, address: tuple[str, int], state: SimState, ssl_context: ssl.SSLContext | None
    ) -> None:
        super().__init__(address, _Handler)
        self.state = state
        if ssl_context is not None:
            self.socket = ssl_context.wrap_socket(self.socket, server_side=True)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that gave up (deadline) is expected here: no traceback on stderr."""

    @property
    def url(self) -> str:
        return f"https://127.0.0.1:{self.server_address[1]}"


def serve(host: str, port: int, state: SimState, cert: str, key: str) -> FirewallApiServer:
    """An HTTPS server (not yet serving: call serve_forever in a thread)."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    return FirewallApiServer((host, port), state, context)


def start(state: SimState, cert: str, key: str, port: int = 0) -> FirewallApiServer:
    server = serve("127.0.0.1", port, state, cert, key)
    threading.Thread(target=server.serve_forever, name="firewall-api-sim", daemon=True).start()
    return server
