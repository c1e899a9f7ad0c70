"""A test PKI made once per session, and mail/TLS responders serving its certificates."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from devkit.pki import Issued, days_from_now, make_ca, make_cert, write_key, write_pem
from exporters.core import tlsprobe
from simulators.mail import MailResponder


@pytest.fixture(autouse=True)
def _fresh_verdicts() -> Iterator[None]:
    """Each test starts without remembered verification failures (tlsprobe)."""
    tlsprobe.forget_verdicts()
    yield
    tlsprobe.forget_verdicts()


@dataclass
class Pki:
    dir: Path
    root: Issued
    intermediate: Issued
    good: Issued  # valid for a year, 127.0.0.1 + kim.praxis.test, via the intermediate
    soon: Issued  # expires in 5 days
    expired: Issued
    self_signed: Issued
    ca_file: Path  # the root only

    def server_files(self, name: str, leaf: Issued, *chain: Issued) -> tuple[Path, Path]:
        """Chain PEM (leaf first) and key file for a server presenting `leaf`."""
        cert = write_pem(self.dir / f"{name}.chain.pem", leaf, *chain)
        key = write_key(self.dir / f"{name}.key", leaf)
        return cert, key


@pytest.fixture(scope="session")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Pki:
    d = tmp_path_factory.mktemp("pki")
    root = make_ca("Praxis Test Root CA")
    inter = make_ca("Praxis Test Issuing CA", issuer=root)
    sans = ["kim.praxis.test", "127.0.0.1"]
    return Pki(
        dir=d,
        root=root,
        intermediate=inter,
        good=make_cert("kim.praxis.test", issuer=inter, sans=sans),
        soon=make_cert("soon.praxis.test", issuer=inter, sans=sans, not_after=days_from_now(5)),
        expired=make_cert(
            "old.praxis.test",
            issuer=inter,
            sans=sans,
            not_before=days_from_now(-400),
            not_after=days_from_now(-30),
        ),
        self_signed=make_cert("konnektor.praxis.test", sans=["konnektor.praxis.test"]),
        ca_file=write_pem(d / "root.pem", root),
    )


@pytest.fixture(scope="session")
def good_files(pki: Pki) -> tuple[Path, Path]:
    return pki.server_files("good", pki.good, pki.intermediate)


@pytest.fixture(scope="module")
def responders(good_files: tuple[Path, Path]) -> Iterator[dict[str, MailResponder]]:
    """Every protocol in every TLS mode, presenting the good chain."""
    cert, key = good_files
    started = {}
    for protocol in ("smtp", "pop3", "imap"):
        for mode in ("starttls", "implicit", "plain"):
            started[f"{protocol}-{mode}"] = MailResponder(protocol, mode, cert, key).start()
    yield started
    for responder in started.values():
        responder.stop()
