"""NUT over STARTTLS against a real upsd with a certificate (Debian's upsd: NSS database)."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from devkit.nut import NutServer, dev_file, nss_certificate_db
from devkit.pki import make_ca, make_cert, write_pem, write_pkcs12
from exporters.core.metrics import MetricSink
from tests.ups.conftest import Scraper

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def tls_nut(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[NutServer, Path]]:
    work = tmp_path_factory.mktemp("nut-tls")
    ca = make_ca("Praxis NUT Test CA", key_type="rsa")
    leaf = make_cert("127.0.0.1", ca, sans=["127.0.0.1", "localhost"], key_type="rsa")
    p12 = write_pkcs12(work / "upsd.p12", leaf, [ca], password="p12-secret", friendly_name="upsd")
    extra = nss_certificate_db(work / "nss", p12, "p12-secret")
    server = NutServer(
        work / "nut", {"ellipse": dev_file("eaton-ellipse-pro-650")}, upsd_extra=extra
    )
    try:
        yield server, write_pem(work / "ca.pem", ca)
    finally:
        server.stop()


def config(address: str, ca_file: Path | str) -> str:
    return f"""
timeout: 5s
targets:
  ups:
    nut: {{address: "{address}", ups: ellipse, tls: starttls, ca_file: "{ca_file}"}}
"""


def value(sink: MetricSink, name: str) -> float | None:
    return sink.sample_value(name, {"target": "ups"})


def logged(caplog: pytest.LogCaptureFixture) -> str:
    return " ".join(str(getattr(r, "praxis_fields", "")) for r in caplog.records)


def test_starttls_with_the_right_ca(
    tls_nut: tuple[NutServer, Path], scraper: type[Scraper]
) -> None:
    server, ca_file = tls_nut
    sink = scraper(config(server.address, ca_file)).scrape()
    assert value(sink, "ups_up") == 1
    assert value(sink, "ups_battery_runtime_seconds") == 1620
    assert "SSL handshake done successfully" in server.upsd.log_text()


def test_starttls_with_another_ca_is_down(
    tls_nut: tuple[NutServer, Path],
    scraper: type[Scraper],
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.WARNING)
    server, _ = tls_nut
    other = write_pem(tmp_path / "other.pem", make_ca("Someone Else", key_type="rsa"))
    sink = scraper(config(server.address, other)).scrape()
    assert value(sink, "ups_up") == 0
    assert "not trusted" in logged(caplog)


def test_starttls_to_an_upsd_without_tls_is_down(
    nut: NutServer, scraper: type[Scraper], tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    ca = write_pem(tmp_path / "ca.pem", make_ca("Unused", key_type="rsa"))
    text = config(nut.address, ca).replace("ups: ellipse", "ups: eaton-ellipse-pro-650")
    sink = scraper(text).scrape()
    assert value(sink, "ups_up") == 0
    assert "ERR FEATURE-NOT-CONFIGURED" in logged(caplog)
