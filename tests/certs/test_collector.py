"""The collector against real files and loopback TLS/STARTTLS responders (no mocks)."""

from __future__ import annotations

import datetime as dt
import logging
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from devkit.pki import days_from_now, make_cert, write_der, write_pem, write_pkcs12
from exporters.certs.catalogue import CATALOGUE
from exporters.certs.collector import CertsCollector
from exporters.certs.config import CertsConfig
from exporters.certs.series import expiry_timestamp
from exporters.core.config import parse_config
from exporters.core.metrics import MetricSink
from exporters.core.scrape import ScrapeRunner
from simulators.mail import MailResponder

from .conftest import Pki


def scrape(text: str, base: Path, timeout: float | None = None) -> MetricSink:
    config = parse_config(text, CertsConfig, base_dir=base)
    runner = ScrapeRunner("cert", config, CertsCollector(config), catalogue=CATALOGUE)
    try:
        return runner.scrape(runner.target_names(), scrape_timeout=timeout)
    finally:
        runner.close()


def logged(caplog: pytest.LogCaptureFixture) -> str:
    """Messages and structured fields of the captured log records."""
    return "\n".join(f"{r.getMessage()} {getattr(r, 'praxis_fields', {})}" for r in caplog.records)


def up(sink: MetricSink, target: str) -> float | None:
    return sink.sample_value("cert_up", {"target": target})


def not_after(sink: MetricSink, **labels: str) -> float | None:
    return sink.sample_value("cert_not_after_timestamp_seconds", labels)


def test_files_of_every_format(pki: Pki, tmp_path: Path) -> None:
    write_pem(tmp_path / "chain.pem", pki.good, pki.intermediate)
    write_der(tmp_path / "soon.cer", pki.soon)
    write_pkcs12(tmp_path / "client.p12", pki.expired, [pki.intermediate], password="pw 1")
    (tmp_path / "p12.pass").write_text("pw 1\n")
    sink = scrape(
        """
targets:
  pem: {file: chain.pem}
  der: {file: soon.cer}
  p12: {file: client.p12, password_file: p12.pass}
""",
        tmp_path,
    )
    assert [up(sink, t) for t in ("pem", "der", "p12")] == [1, 1, 1]
    pem = str(tmp_path / "chain.pem")
    assert not_after(sink, target="pem", source=pem, position="0") == (
        pki.good.cert.not_valid_after_utc.timestamp()
    )
    assert not_after(sink, target="pem", position="1", subject_cn="Praxis Test Issuing CA")
    assert not_after(sink, target="der", subject_cn="soon.praxis.test") == (
        pki.soon.cert.not_valid_after_utc.timestamp()
    )
    assert not_after(sink, target="p12", position="0", serial=pki.expired.serial_hex) == (
        pki.expired.cert.not_valid_after_utc.timestamp()
    )
    assert sink.sample_value("cert_certificates", {"target": "p12"}) == 2
    info = sink.samples("cert_info")
    leaf = next(s for s in info if s.labels["target"] == "pem" and s.labels["position"] == "0")
    assert leaf.labels["sans"] == "DNS:kim.praxis.test,IP:127.0.0.1"
    assert leaf.labels["key_type"] == "ec" and leaf.labels["is_ca"] == "false"


def test_glob_flags_bad_file_and_skips_keys(
    pki: Pki, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    d = tmp_path / "ssl"
    d.mkdir()
    write_pem(d / "a.pem", pki.good)
    write_pem(d / "b.pem", pki.soon)
    (d / "broken.pem").write_text("-----BEGIN CERTIFICATE-----\nxx\n-----END CERTIFICATE-----\n")
    (d / "server.key.pem").write_bytes(pki.good.key_pem)
    with caplog.at_level(logging.WARNING):
        sink = scrape("targets:\n  g: {file: 'ssl/*.pem'}\n  none: {file: 'x/*.crt'}\n", tmp_path)
    assert up(sink, "g") == 1
    assert sink.sample_value("cert_source_readable", {"source": str(d / "broken.pem")}) == 0
    assert sink.sample_value("cert_source_readable", {"source": str(d / "a.pem")}) == 1
    assert sink.sample_value("cert_source_readable", {"source": str(d / "server.key.pem")}) is None
    assert len(sink.samples("cert_not_after_timestamp_seconds")) == 2
    assert "broken.pem: damaged PEM" in logged(caplog)
    assert up(sink, "none") == 0 and "no file matches" in logged(caplog)


def test_bad_sources_are_down_with_a_log_line(
    pki: Pki, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    (tmp_path / "corrupt.pem").write_bytes(b"\x00\x01garbage" * 20)
    write_pkcs12(tmp_path / "k.p12", pki.good, password="richtig")
    (tmp_path / "key.pem").write_bytes(pki.good.key_pem)
    with caplog.at_level(logging.WARNING):
        sink = scrape(
            """
targets:
  corrupt: {file: corrupt.pem}
  wrong_pw: {file: k.p12, password: falsch-geheim}
  no_pw: {file: k.p12}
  missing: {file: nothere.pem}
  key_only: {file: key.pem}
""",
            tmp_path,
        )
    for target in ("corrupt", "wrong_pw", "no_pw", "missing", "key_only"):
        assert up(sink, target) == 0, target
    assert "not a PEM, DER or PKCS#12" in logged(caplog)
    assert "wrong password or damaged file" in logged(caplog)
    assert "needs a password" in logged(caplog)
    assert "nothere.pem: cannot read: No such file" in logged(caplog)
    assert "falsch-geheim" not in logged(caplog) and "richtig" not in logged(caplog)
    assert sink.samples("cert_not_after_timestamp_seconds") == []


def test_expires_item(tmp_path: Path) -> None:
    sink = scrape(
        "targets:\n  lic: {expires: 2020-02-29, description: 'Sophos Lizenz'}\n"
        "  plain: {expires: 2031-01-01}\n",
        tmp_path,
    )
    assert not_after(sink, target="lic", source="expires", description="Sophos Lizenz") == (
        dt.datetime(2020, 2, 29, tzinfo=dt.UTC).timestamp()
    )
    assert not_after(sink, target="plain", description="plain") == expiry_timestamp(
        dt.date(2031, 1, 1)
    )


def test_certificates_and_dated_items_share_one_label_set(pki: Pki, tmp_path: Path) -> None:
    """Issue 16: one scrape held cert_not_after_timestamp_seconds with two label sets
    (certificate labels vs source/description), which Prometheus' Go client refuses."""
    write_pem(tmp_path / "chain.pem", pki.good, pki.intermediate)
    sink = scrape("targets:\n  web: {file: chain.pem}\n  lic: {expires: 2031-01-01}\n", tmp_path)
    samples = sink.samples("cert_not_after_timestamp_seconds")
    assert len(samples) == 3
    assert len({frozenset(s.labels) for s in samples}) == 1
    item = next(s for s in samples if s.labels["target"] == "lic")
    assert item.labels["source"] == "expires" and item.labels["subject_cn"] == ""


@pytest.mark.parametrize("protocol", ["smtp", "pop3", "imap"])
def test_starttls_endpoints(
    responders: dict[str, MailResponder], pki: Pki, tmp_path: Path, protocol: str
) -> None:
    r = responders[f"{protocol}-starttls"]
    sink = scrape(
        f"""
targets:
  trusted: {{address: "{r.address}", starttls: {protocol}, ca_file: {pki.ca_file}}}
  untrusted: {{address: "{r.address}", starttls: {protocol}}}
  wrong_name: {{address: "{r.address}", starttls: {protocol}, ca_file: {pki.ca_file},
                server_name: www.example.org}}
""",
        tmp_path,
    )
    assert [up(sink, t) for t in ("trusted", "untrusted", "wrong_name")] == [1, 1, 1]
    assert sink.sample_value("cert_verified", {"target": "trusted"}) == 1
    assert sink.sample_value("cert_verified", {"target": "untrusted"}) == 0
    assert sink.sample_value("cert_hostname_match", {"target": "trusted"}) == 1
    assert sink.sample_value("cert_hostname_match", {"target": "wrong_name"}) == 0
    for target in ("trusted", "untrusted"):  # dates are read either way
        assert not_after(sink, target=target, position="0", source=r.address) == (
            pki.good.cert.not_valid_after_utc.timestamp()
        )
        assert not_after(sink, target=target, position="1", subject_cn="Praxis Test Issuing CA")


def test_expired_self_signed_endpoint_still_reports_dates(pki: Pki, tmp_path: Path) -> None:
    leaf = make_cert(
        "fw.praxis.test",
        sans=["127.0.0.1"],
        not_before=days_from_now(-800),
        not_after=days_from_now(-3),
        key_type="rsa",
    )
    cert, key = pki.server_files("fw", leaf)
    with MailResponder("imap", "implicit", cert, key) as r:
        sink = scrape(f'targets:\n  fw: {{address: "{r.address}"}}\n', tmp_path)
    assert up(sink, "fw") == 1
    assert sink.sample_value("cert_verified", {"target": "fw"}) == 0
    assert not_after(sink, target="fw") == leaf.cert.not_valid_after_utc.timestamp()
    info = sink.samples("cert_info")[0].labels
    assert info["self_signed"] == "true" and info["key_bits"] == "2048"


@pytest.fixture
def silent_port() -> Iterator[int]:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(8)
    yield sock.getsockname()[1]
    sock.close()


def test_unreachable_endpoints_are_down_in_time(
    responders: dict[str, MailResponder],
    silent_port: int,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    plain = responders["smtp-plain"]
    with caplog.at_level(logging.WARNING):
        sink = scrape(
            f"""
timeout: 1s
targets:
  silent: {{address: "127.0.0.1:{silent_port}"}}
  silent_starttls: {{address: "127.0.0.1:{silent_port}", starttls: smtp}}
  plaintext: {{address: "{plain.address}"}}
  no_starttls: {{address: "{plain.address}", starttls: smtp}}
""",
            tmp_path,
        )
    for target in ("silent", "silent_starttls", "plaintext", "no_starttls"):
        assert up(sink, target) == 0, target
        duration = sink.sample_value("cert_scrape_duration_seconds", {"target": target})
        assert duration is not None and duration <= 1.0
    by_target = {
        getattr(r, "praxis_fields", {}).get(
            "target"
        ): f"{r.getMessage()} {getattr(r, 'praxis_fields', {})}"
        for r in caplog.records
    }
    # the probe's own timeout or the core's, whichever notices first: both say so
    assert "timed out" in by_target["silent"]
    assert "timed out" in by_target["silent_starttls"]
    assert "plain-text port" in logged(caplog)
    assert "does not offer STARTTLS" in logged(caplog)


def test_labels_are_stable_between_scrapes(
    responders: dict[str, MailResponder], pki: Pki, tmp_path: Path
) -> None:
    write_pem(tmp_path / "chain.pem", pki.good, pki.intermediate, pki.root)
    address = responders["pop3-implicit"].address
    text = (
        f'targets:\n  f: {{file: chain.pem}}\n  e: {{address: "{address}"}}\n'
        "  d: {expires: 2030-01-01}\n"
    )

    def label_sets() -> set[frozenset[tuple[str, str]]]:
        sink = scrape(text, tmp_path)
        return {
            frozenset(s.labels.items())
            for name in ("cert_not_after_timestamp_seconds", "cert_info")
            for s in sink.samples(name)
        }

    first = label_sets()
    assert len(first) == 2 * (3 + 2) + 1
    assert label_sets() == first
