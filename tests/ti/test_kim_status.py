"""KIM module checks against the KIM stand-in, and the cached TI-Lage against a local copy."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from devkit import pki
from devkit.listeners import BlackHole, Greeter
from exporters.core import Deadline
from exporters.core.tlsprobe import LineReader
from exporters.ti import kim, tistatus
from exporters.ti.config import KimEndpoint
from simulators.kim import KimModule
from tests.ti.conftest import scrape


@pytest.fixture(scope="module")
def kim_cert(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, str, str, float]:
    d = tmp_path_factory.mktemp("kim")
    ca = pki.make_ca("KIM Test CA")
    leaf = pki.make_cert(
        "kim-clientmodul.praxis.test",
        issuer=ca,
        sans=["127.0.0.1", "kim-clientmodul.praxis.test"],
        not_after=pki.days_from_now(25),
    )
    return (
        str(pki.write_pem(d / "kim.pem", leaf, ca)),
        str(pki.write_key(d / "kim.key", leaf)),
        str(pki.write_pem(d / "ca.pem", ca)),
        leaf.cert.not_valid_after_utc.timestamp(),
    )


@pytest.mark.parametrize(
    ("smtp_mode", "pop3_mode"), [("implicit", "starttls"), ("starttls", "implicit")]
)
def test_kim_up_with_certificate_expiry(kim_cert, smtp_mode: str, pop3_mode: str) -> None:
    cert, key, ca, not_after = kim_cert
    with KimModule(cert, key, smtp_mode, pop3_mode) as module:
        target = {
            "kim": {
                "smtp": {"address": module.smtp.address, "tls": smtp_mode},
                "pop3": {"address": module.pop3.address, "tls": pop3_mode},
                "ca_file": ca,
            }
        }
        sink, _ = scrape(target)
    for service in ("smtp", "pop3"):
        assert sink.sample_value("ti_kim_up", {"service": service}) == 1
        assert sink.sample_value("ti_kim_certificate_verified", {"service": service}) == 1
        expiry = sink.sample_value(
            "ti_kim_certificate_expiry_timestamp_seconds", {"service": service}
        )
        assert expiry == not_after


def test_kim_plain_and_down(kim_cert) -> None:
    cert, key, _, _ = kim_cert
    with KimModule(cert, key, "plain", "plain") as module, BlackHole() as hole:
        target = {
            "kim": {
                "smtp": {"address": module.smtp.address, "tls": "none"},
                "pop3": {"address": hole.address, "tls": "implicit"},
            }
        }
        sink, _ = scrape(target, deadline=1.5)
    assert sink.sample_value("ti_kim_up", {"service": "smtp"}) == 1
    assert sink.sample_value("ti_kim_up", {"service": "pop3"}) == 0
    assert sink.samples("ti_kim_certificate_expiry_timestamp_seconds") == []


def test_kim_wrong_protocol_is_down() -> None:
    with Greeter(b"SSH-2.0-OpenSSH_9.2\r\n") as greeter:
        endpoint = KimEndpoint(address=greeter.address, tls="none")
        with pytest.raises(kim.KimCheckFailed, match="SMTP"):
            kim.check("smtp", endpoint, Deadline.after(2), None)


class _FakeSocket:
    def __init__(self, replies: list[bytes]) -> None:
        self.replies = replies
        self.sent: list[bytes] = []

    def settimeout(self, value: float) -> None:
        pass

    def recv(self, n: int) -> bytes:
        return self.replies.pop(0) if self.replies else b""

    def sendall(self, data: bytes) -> None:
        self.sent.append(data)


@pytest.mark.parametrize(
    ("service", "replies"),
    [
        ("smtp", [b"220 kim ESMTP\r\n", b"250-kim\r\n250 AUTH PLAIN\r\n", b"221 bye\r\n"]),
        ("pop3", [b"+OK ready\r\n", b"+OK caps\r\nUSER\r\n.\r\n", b"+OK bye\r\n"]),
    ],
)
def test_kim_check_never_logs_in_sends_or_fetches(service: str, replies: list[bytes]) -> None:
    sock = _FakeSocket(replies)
    kim.greet(service, LineReader(sock, Deadline.after(2), "kim"))  # type: ignore[arg-type]
    verbs = {line.split()[0] for line in b"".join(sock.sent).decode().splitlines()}
    assert verbs <= {"EHLO", "CAPA", "QUIT"}


# -- TI-Lage -------------------------------------------------------------------------------

LAGE = {
    "appStatus": {
        "erezept": {"outage": "partial", "hasMaintenance": False, "affectedFunctions": []},
        "kim": {"outage": "none", "hasMaintenance": False, "affectedFunctions": []},
        "vsdm": {"outage": "full", "hasMaintenance": True, "affectedFunctions": []},
        "tianschluss": {"outage": "none", "hasMaintenance": False, "affectedFunctions": []},
    },
    "cause": [{"ci": "CI-1", "component": "*", "service": "x", "organization": "y"}],
}


@pytest.fixture
def tilage() -> Iterator[dict]:
    """A local stand-in of the TI-Lage API that counts requests."""
    seen = {"hits": 0, "body": json.dumps(LAGE).encode(), "status": 200}

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def do_GET(self) -> None:
            seen["hits"] += 1
            self.send_response(seen["status"])
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(seen["body"])))
            self.end_headers()
            self.wfile.write(seen["body"])

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1})
    thread.start()
    seen["url"] = f"http://127.0.0.1:{server.server_address[1]}/lageapi/v2/tilage"
    yield seen
    server.shutdown()
    server.server_close()


def test_ti_status_is_fetched_once_per_interval(tilage) -> None:
    target = {"ti_status": {"url": tilage["url"]}}
    sink, collector = scrape(target)
    assert sink.sample_value("ti_status_outage", {"app": "erezept", "outage": "partial"}) == 1
    assert sink.sample_value("ti_status_outage", {"app": "vsdm", "outage": "full"}) == 1
    assert sink.sample_value("ti_status_maintenance", {"app": "vsdm"}) == 1
    assert sink.sample_value("ti_status_up") == 1
    for _ in range(3):
        sink, _ = scrape(target, collector)
    assert tilage["hits"] == 1
    assert sink.sample_value("ti_status_outage", {"app": "kim", "outage": "none"}) == 1


def test_ti_status_failure_shows_no_stale_outages(tilage) -> None:
    tilage["body"] = b"<html>"
    cache = tistatus.StatusCache()
    snap = cache.get(tilage["url"], 0.0, Deadline.after(2), None)
    assert not snap.ok and snap.apps == () and "not JSON" in snap.error
    tilage["body"] = json.dumps(LAGE).encode()
    assert cache.get(tilage["url"], 0.0, Deadline.after(2), None).ok
    tilage["status"] = 503
    snap = cache.get(tilage["url"], 0.0, Deadline.after(2), None)
    assert not snap.ok and snap.apps == () and snap.fetched_at > time.time() - 60


def test_ti_status_interval_below_five_minutes_is_refused() -> None:
    from exporters.core.config import ConfigError, parse_config
    from exporters.ti.config import TiConfig

    with pytest.raises(ConfigError, match="at least 5m"):
        parse_config("targets: {t: {ti_status: {interval: 1m}}}", TiConfig)
