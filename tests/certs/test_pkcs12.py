"""certs.pkcs12 (own PKCS#12 reader, PBES2/AES) returns what `cryptography` returns, falls
back to it for legacy files, tells a wrong password apart, and survives damaged files."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.serialization import pkcs12 as crypto_pkcs12

from devkit.pki import Issued, write_key, write_pem
from exporters.certs import aes, pkcs12
from exporters.certs.parsing import CertFileError, parse_certificates

from .conftest import Pki


def der(issued: Issued) -> bytes:
    return issued.cert_der


def reference(blob: bytes, password: bytes | None) -> list[bytes]:
    bundle = crypto_pkcs12.load_pkcs12(blob, password)
    certs = [bundle.cert.certificate] if bundle.cert is not None else []
    certs += [c.certificate for c in bundle.additional_certs]
    return [c.public_bytes(serialization.Encoding.DER) for c in certs]


def ours(blob: bytes, password: bytes | None) -> list[bytes]:
    leaf, others = pkcs12.certificates(blob, password)
    return ([leaf] if leaf is not None else []) + others


def aes_sha1(password: bytes) -> serialization.KeySerializationEncryption:
    return (
        serialization.PrivateFormat.PKCS12.encryption_builder()
        .kdf_rounds(1000)
        .key_cert_algorithm(crypto_pkcs12.PBES.PBESv2SHA256AndAES256CBC)
        .hmac_hash(hashes.SHA1())  # noqa: S303 (a MAC variant found in the wild)
        .build(password)
    )


def bundles(pki: Pki, tmp: Path) -> dict[str, tuple[bytes, bytes | None]]:
    best = serialization.BestAvailableEncryption
    out = {
        "leaf + chain, AES-256": (
            crypto_pkcs12.serialize_key_and_certificates(
                b"kim",
                pki.good.key,
                pki.good.cert,
                [pki.intermediate.cert, pki.root.cert],
                best(b"Geheim-1"),
            ),
            b"Geheim-1",
        ),
        "non-ASCII password": (
            crypto_pkcs12.serialize_key_and_certificates(
                None, pki.soon.key, pki.soon.cert, None, best("Müller-ß1".encode())
            ),
            "Müller-ß1".encode(),
        ),
        "CAs only, no key": (
            crypto_pkcs12.serialize_key_and_certificates(
                None, None, None, [pki.root.cert, pki.intermediate.cert], best(b"pw")
            ),
            b"pw",
        ),
        "SHA-1 MAC, 1000 rounds": (
            crypto_pkcs12.serialize_key_and_certificates(
                b"x", pki.expired.key, pki.expired.cert, [pki.root.cert], aes_sha1(b"pw")
            ),
            b"pw",
        ),
        "no encryption": (
            crypto_pkcs12.serialize_key_and_certificates(
                None, pki.good.key, pki.good.cert, [pki.root.cert], serialization.NoEncryption()
            ),
            None,
        ),
    }
    if shutil.which("openssl"):  # what an administrator exports with OpenSSL 3
        cert = write_pem(tmp / "o.pem", pki.good, pki.intermediate)
        key = write_key(tmp / "o.key", pki.good)
        out_file = tmp / "o.p12"
        command = ["openssl", "pkcs12", "-export", "-in", str(cert), "-inkey", str(key)]
        command += ["-out", str(out_file), "-passout", "pass:openssl-pw"]
        subprocess.run(command, check=True, capture_output=True)
        out["openssl pkcs12 -export"] = ((tmp / "o.p12").read_bytes(), b"openssl-pw")
    return out


def test_same_certificates_as_cryptography(pki: Pki, tmp_path: Path) -> None:
    cases = bundles(pki, tmp_path)
    assert len(cases) >= 5
    for name, (blob, password) in cases.items():
        assert ours(blob, password) == reference(blob, password), name
        assert parse_certificates(blob, password) == reference(blob, password), name
    leaf_first = ours(*cases["leaf + chain, AES-256"])
    assert leaf_first == [der(pki.good), der(pki.intermediate), der(pki.root)]


def test_no_encryption_opens_with_or_without_empty_password(pki: Pki, tmp_path: Path) -> None:
    blob, _ = bundles(pki, tmp_path)["no encryption"]
    assert parse_certificates(blob) == [der(pki.good), der(pki.root)]


def test_wrong_password_is_told_apart(pki: Pki, tmp_path: Path) -> None:
    blob, _ = bundles(pki, tmp_path)["leaf + chain, AES-256"]
    with pytest.raises(pkcs12.WrongPassword):
        pkcs12.certificates(blob, b"falsch")
    with pytest.raises(CertFileError, match="wrong password"):
        parse_certificates(blob, b"falsch-2")
    with pytest.raises(CertFileError, match="needs a password"):
        parse_certificates(blob)


def test_legacy_3des_goes_to_cryptography(pki: Pki) -> None:
    legacy = (
        serialization.PrivateFormat.PKCS12.encryption_builder()
        .key_cert_algorithm(crypto_pkcs12.PBES.PBESv1SHA1And3KeyTripleDESCBC)
        .hmac_hash(hashes.SHA1())  # noqa: S303 (the legacy format under test)
        .build(b"123456")
    )
    blob = crypto_pkcs12.serialize_key_and_certificates(
        b"k", pki.good.key, pki.good.cert, [pki.root.cert], legacy
    )
    with pytest.raises(pkcs12.Unsupported, match="PBES2"):
        pkcs12.certificates(blob, b"123456")
    assert parse_certificates(blob, b"123456") == [
        der(pki.good),
        der(pki.root),
    ]


def test_damaged_files_are_errors_not_crashes(pki: Pki, tmp_path: Path) -> None:
    blob, password = bundles(pki, tmp_path)["leaf + chain, AES-256"]
    for cut in range(8, len(blob), 97):
        with pytest.raises(CertFileError):
            parse_certificates(blob[:cut], password)
    for position in range(30, len(blob), 211):  # flipped bytes: the MAC or DER catches it
        mutated = bytearray(blob)
        mutated[position] ^= 0x55
        try:
            parse_certificates(bytes(mutated), password)
        except CertFileError:
            continue


@pytest.mark.parametrize(
    ("key", "cipher"),
    [  # FIPS 197 appendix C: plaintext 00112233445566778899aabbccddeeff
        ("000102030405060708090a0b0c0d0e0f", "69c4e0d86a7b0430d8cdb78070b4c55a"),
        ("000102030405060708090a0b0c0d0e0f1011121314151617", "dda97ca4864cdfe06eaf70a0ec0d7191"),
        (
            "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",
            "8ea2b7ca516745bfeafc49904b496089",
        ),
    ],
)
def test_aes_known_answers(key: str, cipher: str) -> None:
    # one block, CBC with a zero IV, plus a full block of PKCS#7 padding from the real cipher
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

    plain = bytes.fromhex("00112233445566778899aabbccddeeff")
    encryptor = Cipher(algorithms.AES(bytes.fromhex(key)), modes.CBC(bytes(16))).encryptor()
    data = encryptor.update(plain + bytes((16,)) * 16) + encryptor.finalize()
    assert data[:16].hex() == cipher
    assert aes.decrypt_cbc(bytes.fromhex(key), bytes(16), data) == plain


def test_legacy_file_without_cryptography_installed_is_a_clear_error(
    pki: Pki, monkeypatch: pytest.MonkeyPatch
) -> None:
    legacy = (
        serialization.PrivateFormat.PKCS12.encryption_builder()
        .key_cert_algorithm(crypto_pkcs12.PBES.PBESv1SHA1And3KeyTripleDESCBC)
        .hmac_hash(hashes.SHA1())  # noqa: S303 (the legacy format under test)
        .build(b"123456")
    )
    blob = crypto_pkcs12.serialize_key_and_certificates(
        b"k", pki.good.key, pki.good.cert, None, legacy
    )
    for name in [m for m in sys.modules if m.split(".")[0] == "cryptography"]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "cryptography", None)  # as if not installed
    with pytest.raises(CertFileError, match="needs the `cryptography` package"):
        parse_certificates(blob, b"123456")
    with pytest.raises(CertFileError, match="wrong password"):  # the MAC says so without it
        parse_certificates(blob, b"falsch")
