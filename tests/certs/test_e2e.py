"""End to end: the exporter as a process, scraped by a real Prometheus with a `site` label;
every dashboard query returns data, the exposition passes `promtool check metrics`, bad
sources are down with a log line and no secret anywhere."""

from __future__ import annotations

import socket
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from devkit.dashboards import DASHBOARD_DIR, empty_queries
from devkit.exporter import ExporterProcess, parse_samples, value
from devkit.pki import days_from_now, make_cert, write_pem, write_pkcs12
from devkit.prometheus import Prometheus, promtool_check_metrics, scrape_job
from simulators.mail import MailResponder

from .conftest import Pki

pytestmark = pytest.mark.e2e
P12_PASSWORD = "Konnektor-Geheim-42"


@pytest.fixture
def silent_port() -> Iterator[int]:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(8)
    yield sock.getsockname()[1]
    sock.close()


def test_exporter_with_prometheus_and_dashboard(
    pki: Pki,
    responders: dict[str, MailResponder],
    silent_port: int,
    tmp_path: Path,
    start_exporter: Callable[..., ExporterProcess],
    start_prometheus: Callable[..., Prometheus],
) -> None:
    ssl_dir = tmp_path / "ssl"
    ssl_dir.mkdir()
    write_pem(ssl_dir / "pvs.pem", pki.good, pki.intermediate)
    (ssl_dir / "broken.pem").write_text(
        "-----BEGIN CERTIFICATE-----\nAA\n-----END CERTIFICATE-----\n"
    )
    write_pkcs12(tmp_path / "client.p12", pki.soon, [pki.intermediate], password=P12_PASSWORD)
    (tmp_path / "p12.pass").write_text(P12_PASSWORD + "\n")
    other = make_cert("other.praxis.test", sans=["other.praxis.test"], not_after=days_from_now(3))
    cert, key = pki.server_files("other", other)
    with MailResponder("pop3", "implicit", cert, key) as self_signed:
        config = f"""
timeout: 3s
targets:
  pvs_files: {{file: "ssl/*.pem"}}
  konnektor_client: {{file: client.p12, password_file: p12.pass}}
  wrong_password: {{file: client.p12, password: not-{P12_PASSWORD}}}
  kim_smtp: {{address: "{responders["smtp-starttls"].address}", starttls: smtp,
              ca_file: {pki.ca_file}, server_name: kim.praxis.test}}
  kim_imap: {{address: "{responders["imap-implicit"].address}", ca_file: {pki.ca_file}}}
  self_signed_pop3: {{address: "{self_signed.address}"}}
  plaintext: {{address: "{responders["smtp-plain"].address}"}}
  silent: {{address: "127.0.0.1:{silent_port}", timeout: 1s}}
  firewall_licence: {{expires: 2020-01-31, description: "Sophos XGS Lizenz"}}
"""
        (tmp_path / "certs.yml").write_text(config)
        exporter = start_exporter("certs", tmp_path / "certs.yml")
        text = exporter.get("/metrics")
        assert promtool_check_metrics(text) == ""
        samples = parse_samples(text)
        for target in ("pvs_files", "konnektor_client", "kim_smtp", "kim_imap"):
            assert value(samples, "cert_up", target=target) == 1, target
        for target in ("wrong_password", "plaintext", "silent"):
            assert value(samples, "cert_up", target=target) == 0, target
        assert value(samples, "cert_up", target="self_signed_pop3") == 1
        assert value(samples, "cert_verified", target="self_signed_pop3") == 0
        assert value(samples, "cert_verified", target="kim_smtp") == 1
        assert value(samples, "cert_hostname_match", target="self_signed_pop3") == 0
        assert (
            value(
                samples, "cert_not_after_timestamp_seconds", target="konnektor_client", position="0"
            )
            == pki.soon.cert.not_valid_after_utc.timestamp()
        )

        # /probe gives the same series for one configured target, and nothing unconfigured
        probe = parse_samples(exporter.get("/probe?target=kim_smtp"))
        assert value(probe, "cert_up", target="kim_smtp") == 1
        assert value(probe, "cert_certificates", target="kim_smtp") == 2
        assert value(probe, "cert_up", target="pvs_files") is None

        prom = start_prometheus(
            [
                scrape_job(
                    "praxis-certs",
                    [f"127.0.0.1:{exporter.port}"],
                    labels={"site": "praxis-e2e"},
                    scrape_timeout="4s",
                )
            ],
            scrape_interval="4s",
        )
        prom.wait_for('cert_up{site="praxis-e2e", target="firewall_licence"}')
        prom.wait_for('cert_tls_info{site="praxis-e2e"}')
        assert empty_queries(prom, DASHBOARD_DIR / "certs.json") == []
        days = prom.query(
            'min((cert_not_after_timestamp_seconds{site="praxis-e2e"} - time()) / 86400)'
        )
        assert float(days[0]["value"][1]) < -300  # the licence ran out in January 2020

    log = exporter.log_text()
    assert "wrong password or damaged file" in log
    assert "plain-text port" in log
    assert "broken.pem: damaged PEM" in log
    assert "timed out" in log
    assert P12_PASSWORD not in log and P12_PASSWORD not in text
