"""Pure certificate summaries (exporters.core.x509info) on certificates made by devkit.pki."""

from __future__ import annotations

import pytest

from devkit.pki import days_from_now, make_ca, make_cert
from exporters.core.x509info import hostname_matches, summarize


def test_summary_of_rsa_leaf_under_intermediate() -> None:
    root = make_ca("Root")
    inter = make_ca("Issuing CA", issuer=root)
    end = days_from_now(10)
    leaf = make_cert(
        "pvs.praxis.test",
        issuer=inter,
        sans=["pvs.praxis.test", "10.0.0.5"],
        key_type="rsa",
        not_after=end,
        serial=0x0ABC,
        organization="Praxis Dr. Müller",
    )
    s = summarize(leaf.cert_der)
    assert s.subject_cn == "pvs.praxis.test" and s.issuer_cn == "Issuing CA"
    assert s.subject == "CN=pvs.praxis.test,O=Praxis Dr. Müller"
    assert s.serial == "abc"
    assert s.not_after == end.timestamp()
    assert s.sans == ("DNS:pvs.praxis.test", "IP:10.0.0.5")
    assert (s.key_type, s.key_bits, s.key_curve) == ("rsa", 2048, "")
    assert s.signature_algorithm == "ecdsa-with-SHA256"  # signed by the EC issuing CA
    assert not s.is_ca and not s.self_signed
    assert len(s.fingerprint_sha256) == 64


def test_summary_of_ec_and_brainpool_and_ca() -> None:
    root = summarize(make_ca("Root").cert_der)
    assert root.is_ca and root.self_signed and root.key_type == "ec" and root.key_bits == 256
    assert root.signature_algorithm == "ecdsa-with-SHA256"
    bp = summarize(make_cert("smcb", curve="brainpoolP256r1").cert_der)
    assert bp.key_curve == "brainpoolP256r1" and bp.sans == ()
    rsa_self = summarize(make_cert("fw", key_type="rsa", key_size=1024).cert_der)
    assert rsa_self.signature_algorithm == "sha256WithRSAEncryption"
    assert rsa_self.key_bits == 1024 and rsa_self.self_signed
    ed = summarize(make_cert("ed", key_type="ed25519").cert_der)
    assert ed.key_type == "ed25519" and ed.signature_algorithm == "ed25519"


@pytest.mark.parametrize(
    ("sans", "host", "expected"),
    [
        (["kim.praxis.test"], "kim.praxis.test", True),
        (["kim.praxis.test"], "KIM.Praxis.Test.", True),
        (["kim.praxis.test"], "pvs.praxis.test", False),
        (["*.praxis.test"], "kim.praxis.test", True),
        (["*.praxis.test"], "a.kim.praxis.test", False),
        (["*.praxis.test"], "praxis.test", False),
        (["*.test"], "praxis.test", False),
        (["k*.praxis.test"], "kim.praxis.test", False),
        (["127.0.0.1"], "127.0.0.1", True),
        (["127.0.0.1"], "127.0.0.2", False),
        (["localhost"], "127.0.0.1", False),
        (["::1"], "::1", True),
    ],
)
def test_hostname_matching(sans: list[str], host: str, expected: bool) -> None:
    assert (
        hostname_matches(summarize(make_cert("cn.praxis.test", sans=sans).cert_der), host)
        is expected
    )


def test_cn_only_used_without_sans() -> None:
    legacy = summarize(make_cert("legacy.praxis.test").cert_der)
    assert hostname_matches(legacy, "legacy.praxis.test")
    with_san = summarize(make_cert("cn.praxis.test", sans=["other.praxis.test"]).cert_der)
    assert not hostname_matches(with_san, "cn.praxis.test")
