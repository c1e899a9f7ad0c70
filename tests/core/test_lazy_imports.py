"""The core leaves out what only some configs need (issue 16): `ssl` (~4.6 MiB) unless the
web config switches TLS on, hashlib (OpenSSL's libcrypto, ~4 MiB) unless basic auth checks
a password, asyncio unless an SNMPv3 target needs pysnmp, and http.server/http.client/email
never (the server parses HTTP itself), tempfile only for a state file or inline PEM.
Checked in a fresh interpreter serving requests."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from devkit import pki
from tests.hostile.helpers import bcrypt_hash

SCRIPT = """
import socket, sys, threading
from exporters.core.server import build_server
from exporters.core.websecurity import WebSecurity
from exporters.core.runtime import Runtime
from devkit.sample_exporter import SPEC

web = sys.argv[1] or None
security = WebSecurity(web)
runtime = Runtime(SPEC.prefix, None, SPEC.config_model, SPEC.collector_factory, 0.5,
                  SPEC.catalogue)
server = build_server("127.0.0.1:0", runtime, security, SPEC.routes, "test")
threading.Thread(target=server.serve_forever, daemon=True).start()
if not security.tls:
    with socket.create_connection(("127.0.0.1", server.server_address[1]), timeout=10) as s:
        s.sendall(b"GET /metrics HTTP/1.1\\r\\nAuthorization: Basic dTpw\\r\\n"
                  b"Connection: close\\r\\n\\r\\n")
        reply = b""
        while chunk := s.recv(65536):
            reply += chunk
    assert reply.startswith((b"HTTP/1.1 200 OK", b"HTTP/1.1 401 ")), reply[:200]
server.shutdown()
heavy = ("ssl", "http.server", "http.client", "email", "hashlib", "asyncio", "tempfile")
print(" ".join(m for m in heavy if m in sys.modules))
"""


def loaded(web_config: str) -> set[str]:
    out = subprocess.run(
        [sys.executable, "-c", SCRIPT, web_config],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return set(out.stdout.split())


def test_plain_http_core_imports_neither_ssl_nor_http_server() -> None:
    assert loaded("") == set()


def test_basic_auth_without_tls_imports_no_ssl(tmp_path: Path) -> None:
    web = tmp_path / "web.yml"
    web.write_text(f"basic_auth_users:\n  u: '{bcrypt_hash('p')}'\n")
    assert loaded(str(web)) == {"hashlib"}  # for the password check, not ssl


def test_tls_web_config_imports_ssl(tmp_path: Path) -> None:
    ca = pki.make_ca("lazy CA")
    server = pki.make_cert("localhost", ca, sans=["localhost", "127.0.0.1"])
    cert = pki.write_pem(tmp_path / "s.pem", server)
    key = pki.write_key(tmp_path / "s.key", server)
    web = tmp_path / "web.yml"
    web.write_text(f"tls_server_config:\n  cert_file: {cert}\n  key_file: {key}\n")
    assert "ssl" in loaded(str(web))


UPS_SCRIPT = """
import sys
from exporters.core.deadline import Deadline
from exporters.core.metrics import MetricSink
from exporters.ups.collector import UpsCollector
from exporters.ups.config import UpsConfig

config = UpsConfig.model_validate({"targets": {"u": {
    "address": "127.0.0.1:9", "mib": "rfc1628",
    "snmp": {"version": "2c", "community": "c", "retries": 0}}}})
collector = UpsCollector(config)
try:
    collector.collect_target("u", config.targets["u"], Deadline.after(0.3), MetricSink())
except Exception:
    pass  # nobody answers on the discard port: the request path ran all the same
collector.close()
heavy = ("ssl", "asyncio", "hashlib", "pysnmp")
print(" ".join(m for m in heavy if m in sys.modules))
"""


def test_an_snmp_v2c_ups_scrape_needs_no_event_loop_ssl_or_pysnmp() -> None:
    out = subprocess.run(
        [sys.executable, "-c", UPS_SCRIPT], capture_output=True, text=True, timeout=60, check=True
    )
    assert set(out.stdout.split()) == set()
