"""exporters.core.tlsprobe against real loopback TLS and STARTTLS responders."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography import x509

from devkit.pki import make_ca, write_pem
from exporters.core import tlsprobe
from exporters.core.deadline import Deadline
from exporters.core.tlsprobe import ProbeError, StartTLS, probe
from simulators.mail import MailResponder

from .conftest import Pki


@pytest.mark.parametrize("protocol", ["smtp", "pop3", "imap"])
def test_starttls_reads_whole_chain_and_verifies(
    responders: dict[str, MailResponder], pki: Pki, protocol: StartTLS
) -> None:
    r = responders[f"{protocol}-starttls"]
    result = probe(
        r.host,
        r.port,
        Deadline.after(5),
        starttls=protocol,
        ca_file=str(pki.ca_file),
    )
    assert [x509.load_der_x509_certificate(d) for d in result.chain] == [
        pki.good.cert,
        pki.intermediate.cert,
    ]
    assert result.verified and result.verify_error == ""
    assert result.hostname == "127.0.0.1" and result.hostname_match
    assert result.handshakes == 1
    assert result.greeting  # the plain-text banner and capabilities
    assert result.tls_version.startswith("TLS")


@pytest.mark.parametrize("protocol", ["smtp", "pop3", "imap"])
def test_implicit_tls(responders: dict[str, MailResponder], pki: Pki, protocol: StartTLS) -> None:
    r = responders[f"{protocol}-implicit"]
    result = probe(r.host, r.port, Deadline.after(5), ca_file=str(pki.ca_file))
    assert len(result.chain) == 2 and result.verified and result.greeting == ""


def test_unknown_ca_still_reports_chain(responders: dict[str, MailResponder]) -> None:
    r = responders["smtp-implicit"]
    result = probe(r.host, r.port, Deadline.after(5))  # system store: our CA is unknown
    assert not result.verified
    assert "unable to get local issuer" in result.verify_error
    assert len(result.chain) == 2 and result.handshakes == 2


def test_server_name_mismatch_is_separate_from_verification(
    responders: dict[str, MailResponder], pki: Pki
) -> None:
    r = responders["imap-implicit"]
    ok = probe(
        r.host, r.port, Deadline.after(5), server_name="kim.praxis.test", ca_file=str(pki.ca_file)
    )
    assert ok.hostname_match and ok.verified
    wrong = probe(
        r.host, r.port, Deadline.after(5), server_name="www.example.org", ca_file=str(pki.ca_file)
    )
    assert wrong.verified and not wrong.hostname_match


def test_expired_and_self_signed_are_read(pki: Pki) -> None:
    for name, leaf, reason in [
        ("expired", pki.expired, "certificate has expired"),
        ("selfsigned", pki.self_signed, "self-signed certificate"),
    ]:
        chain = (pki.intermediate,) if name == "expired" else ()
        cert, key = pki.server_files(name, leaf, *chain)
        with MailResponder("smtp", "starttls", cert, key) as r:
            result = probe(
                r.host, r.port, Deadline.after(5), starttls="smtp", ca_file=str(pki.ca_file)
            )
        assert x509.load_der_x509_certificate(result.chain[0]) == leaf.cert
        assert not result.verified and reason in result.verify_error


@pytest.mark.parametrize("protocol", ["smtp", "pop3", "imap"])
def test_starttls_not_offered(responders: dict[str, MailResponder], protocol: StartTLS) -> None:
    r = responders[f"{protocol}-plain"]
    with pytest.raises(ProbeError, match=r"does not offer|refused"):
        probe(r.host, r.port, Deadline.after(5), starttls=protocol)


def test_plain_text_port_where_tls_expected(responders: dict[str, MailResponder]) -> None:
    r = responders["smtp-plain"]
    with pytest.raises(ProbeError, match=r"TLS handshake failed.*plain-text port"):
        probe(r.host, r.port, Deadline.after(5))


@pytest.fixture
def silent_port() -> Iterator[int]:
    """A port that accepts connections (kernel backlog) and never says a word."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(8)
    yield sock.getsockname()[1]
    sock.close()


def test_silent_port_times_out_within_deadline(silent_port: int) -> None:
    deadline = Deadline.after(0.5)
    with pytest.raises(ProbeError, match="timed out"):
        probe("127.0.0.1", silent_port, deadline)
    with pytest.raises(ProbeError, match="timed out waiting for the SMTP greeting"):
        probe("127.0.0.1", silent_port, Deadline.after(0.3), starttls="smtp")


def test_refused_port() -> None:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    with pytest.raises(ProbeError, match="connect failed"):
        probe("127.0.0.1", port, Deadline.after(2))


def test_bad_ca_file_is_a_clear_error(tmp_path, responders) -> None:  # type: ignore[no-untyped-def]
    bad = tmp_path / "ca.pem"
    bad.write_text("not a certificate")
    r = responders["smtp-implicit"]
    with pytest.raises(ProbeError, match="cannot load CA certificates"):
        probe(r.host, r.port, Deadline.after(2), ca_file=str(bad))
    with pytest.raises(ProbeError, match="ca_file"):
        probe(r.host, r.port, Deadline.after(2), ca_file=str(tmp_path / "missing.pem"))


def test_a_failing_verdict_is_remembered_for_the_same_chain(
    responders: dict[str, MailResponder], pki: Pki, tmp_path: Path
) -> None:
    r = responders["pop3-implicit"]
    other_ca = write_pem(tmp_path / "other.pem", make_ca("Some Other CA"))
    first = probe(r.host, r.port, Deadline.after(5), ca_file=str(other_ca))
    again = probe(r.host, r.port, Deadline.after(5), ca_file=str(other_ca))
    assert (first.verified, first.handshakes) == (False, 2)
    assert (again.verified, again.handshakes) == (False, 1)  # one unverified handshake
    assert again.verify_error == first.verify_error and again.chain == first.chain
    # the trust anchors change (a new version of ca_file): verified again, and it passes
    other_ca.write_bytes(pki.ca_file.read_bytes())
    trusted = probe(r.host, r.port, Deadline.after(5), ca_file=str(other_ca))
    assert (trusted.verified, trusted.handshakes) == (True, 1)


def test_a_remembered_verdict_is_checked_again_when_dates_cross(
    responders: dict[str, MailResponder], monkeypatch: pytest.MonkeyPatch
) -> None:
    r = responders["imap-implicit"]
    assert probe(r.host, r.port, Deadline.after(5)).handshakes == 2  # unknown CA
    assert probe(r.host, r.port, Deadline.after(5)).handshakes == 1
    later = time.time() + 2 * 365 * 86400  # the leaf has expired by then
    monkeypatch.setattr(tlsprobe.time, "time", lambda: later)
    result = probe(r.host, r.port, Deadline.after(5))
    assert result.handshakes == 3 and not result.verified  # unverified, verified, unverified
    monkeypatch.setattr(tlsprobe, "REVERIFY_AFTER", -1.0)
    tlsprobe.forget_verdicts()
    probe(r.host, r.port, Deadline.after(5))
    assert probe(r.host, r.port, Deadline.after(5)).handshakes == 2  # expired at once
