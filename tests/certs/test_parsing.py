"""Certificate file formats: PEM chains, DER, PKCS#12 with and without password; bad files."""

from __future__ import annotations

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.serialization import pkcs12

from devkit.pki import write_der, write_pem, write_pkcs12
from exporters.certs.parsing import CertFileError, NoCertificateError, parse_certificates

from .conftest import Pki


def test_pem_chain_in_file_order(pki: Pki) -> None:
    path = write_pem(pki.dir / "p-chain.pem", pki.good, pki.intermediate, pki.root)
    assert parse_certificates(path.read_bytes()) == [
        pki.good.cert_der,
        pki.intermediate.cert_der,
        pki.root.cert_der,
    ]


def test_pem_with_key_and_text_around(pki: Pki) -> None:
    data = b"subject=CN = kim\n" + pki.good.cert_pem + pki.good.key_pem + b"\n"
    assert parse_certificates(data) == [pki.good.cert_der]


def test_der(pki: Pki) -> None:
    path = write_der(pki.dir / "p.cer", pki.soon)
    assert parse_certificates(path.read_bytes()) == [pki.soon.cert_der]


def test_pkcs12_with_password(pki: Pki) -> None:
    path = write_pkcs12(pki.dir / "p.p12", pki.good, [pki.intermediate], password="Geheim-1")
    assert parse_certificates(path.read_bytes(), b"Geheim-1") == [
        pki.good.cert_der,
        pki.intermediate.cert_der,
    ]
    with pytest.raises(CertFileError, match="wrong password") as info:
        parse_certificates(path.read_bytes(), b"falsch")
    assert "falsch" not in str(info.value)
    with pytest.raises(CertFileError, match="needs a password"):
        parse_certificates(path.read_bytes())


def test_pkcs12_without_password_and_legacy_3des(pki: Pki) -> None:
    path = write_pkcs12(pki.dir / "open.pfx", pki.good)
    assert parse_certificates(path.read_bytes()) == [pki.good.cert_der]
    # what older Windows exports and many Konnektor client certificates use
    legacy = (
        serialization.PrivateFormat.PKCS12.encryption_builder()
        .key_cert_algorithm(pkcs12.PBES.PBESv1SHA1And3KeyTripleDESCBC)
        .hmac_hash(hashes.SHA1())  # noqa: S303 (the legacy format under test)
        .build(b"123456")
    )
    blob = pkcs12.serialize_key_and_certificates(
        b"konnektor",
        pki.good.key,
        pki.good.cert,
        [pki.root.cert],
        legacy,
    )
    assert parse_certificates(blob, b"123456") == [pki.good.cert_der, pki.root.cert_der]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"   \n", "empty"),
        (b"this is not a certificate", "not a PEM, DER or PKCS#12"),
        (b"\x30\x82\x01\x00garbage", "not a PEM, DER or PKCS#12"),
        (
            b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
            "damaged PEM",
        ),
    ],
)
def test_bad_content(data: bytes, message: str) -> None:
    with pytest.raises(CertFileError, match=message):
        parse_certificates(data)


def test_truncated_der_and_pkcs12(pki: Pki) -> None:
    with pytest.raises(CertFileError):
        parse_certificates(pki.good.cert_der[:100])
    blob = write_pkcs12(pki.dir / "t.p12", pki.good, password="x").read_bytes()
    with pytest.raises(CertFileError):
        parse_certificates(blob[: len(blob) // 2], b"x")


def test_key_only_pem_is_no_certificate(pki: Pki) -> None:
    with pytest.raises(NoCertificateError):
        parse_certificates(pki.good.key_pem)
