"""Test PKI: CAs, intermediates and leaf certificates with chosen dates, written to files.

Tests of the certificate and TI exporters need certificates that are expired, expire soon,
are self-signed, carry certain SANs or sit in a chain - made on the spot, never checked in.

    ca = make_ca("Praxis Test CA")
    leaf = make_cert("kim.praxis.local", issuer=ca, sans=["kim.praxis.local", "127.0.0.1"],
                     not_after=days_from_now(5))
    write_pem(tmp / "chain.pem", leaf, ca)             # leaf + CA in one file
    write_key(tmp / "kim.key", leaf)
    write_pkcs12(tmp / "kim.p12", leaf, [ca], password="geheim")

EC P-256 keys are the default (fast); `key_type="rsa"` gives RSA (2048 bits unless
`key_size` says otherwise), `"ec"` accepts `curve` ("secp256r1", "secp384r1",
"brainpoolP256r1" as on TI cards), `"ed25519"` is there too.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

PrivateKey = rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey | ed25519.Ed25519PrivateKey

_CURVES: dict[str, type[ec.EllipticCurve]] = {
    "secp256r1": ec.SECP256R1,
    "secp384r1": ec.SECP384R1,
    "brainpoolP256r1": ec.BrainpoolP256R1,
}


def now() -> dt.datetime:
    """The current time (UTC, whole seconds, as certificates store it)."""
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


def days_from_now(days: float) -> dt.datetime:
    """A point in time `days` from now (negative for the past)."""
    return now() + dt.timedelta(days=days)


@dataclass(frozen=True)
class Issued:
    """A certificate with its private key (the key signs certificates when it is a CA)."""

    cert: x509.Certificate
    key: PrivateKey

    @property
    def cert_pem(self) -> bytes:
        return self.cert.public_bytes(serialization.Encoding.PEM)

    @property
    def cert_der(self) -> bytes:
        return self.cert.public_bytes(serialization.Encoding.DER)

    @property
    def key_pem(self) -> bytes:
        return self.key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )

    @property
    def serial_hex(self) -> str:
        return format(self.cert.serial_number, "x")


def make_key(key_type: str = "ec", key_size: int = 2048, curve: str = "secp256r1") -> PrivateKey:
    """A fresh private key: "ec" (on `curve`), "rsa" (`key_size` bits) or "ed25519"."""
    if key_type == "rsa":
        return rsa.generate_private_key(public_exponent=65537, key_size=key_size)
    if key_type == "ec":
        return ec.generate_private_key(_CURVES[curve]())
    if key_type == "ed25519":
        return ed25519.Ed25519PrivateKey.generate()
    raise ValueError(f"unknown key type {key_type!r} (rsa, ec, ed25519)")


def make_ca(
    cn: str,
    issuer: Issued | None = None,
    not_before: dt.datetime | None = None,
    not_after: dt.datetime | None = None,
    key_type: str = "ec",
    key_size: int = 2048,
    serial: int | None = None,
    key: PrivateKey | None = None,
) -> Issued:
    """A CA certificate: a self-signed root, or an intermediate when `issuer` is given.

    A given `key` (with a fixed serial and dates) makes the certificate reproducible."""
    return _build(
        cn,
        issuer,
        not_before,
        not_after if not_after is not None else days_from_now(3650),
        key if key is not None else make_key(key_type, key_size),
        sans=(),
        is_ca=True,
        serial=serial,
        organization=None,
    )


def make_cert(
    cn: str,
    issuer: Issued | None = None,
    sans: Sequence[str] = (),
    not_before: dt.datetime | None = None,
    not_after: dt.datetime | None = None,
    key_type: str = "ec",
    key_size: int = 2048,
    curve: str = "secp256r1",
    serial: int | None = None,
    organization: str | None = None,
    key: PrivateKey | None = None,
) -> Issued:
    """A leaf (server/client) certificate, self-signed when `issuer` is None.

    `sans` entries that parse as IP addresses become IP SANs, the rest DNS names. Default
    validity: from one day ago to one year from now.
    """
    return _build(
        cn,
        issuer,
        not_before,
        not_after if not_after is not None else days_from_now(365),
        key if key is not None else make_key(key_type, key_size, curve),
        sans=sans,
        is_ca=False,
        serial=serial,
        organization=organization,
    )


def _build(
    cn: str,
    issuer: Issued | None,
    not_before: dt.datetime | None,
    not_after: dt.datetime,
    key: PrivateKey,
    sans: Sequence[str],
    is_ca: bool,
    serial: int | None,
    organization: str | None,
) -> Issued:
    attrs = [x509.NameAttribute(NameOID.COMMON_NAME, cn)]
    if organization:
        attrs.insert(0, x509.NameAttribute(NameOID.ORGANIZATION_NAME, organization))
    subject = x509.Name(attrs)
    signer_key = issuer.key if issuer else key
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer.cert.subject if issuer else subject)
        .public_key(key.public_key())
        .serial_number(serial if serial is not None else x509.random_serial_number())
        .not_valid_before(not_before if not_before is not None else days_from_now(-1))
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=is_ca, path_length=None), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), False)
    )
    if issuer:
        builder = builder.add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer.key.public_key()), False
        )
    if is_ca:
        builder = builder.add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
    else:
        builder = builder.add_extension(
            x509.ExtendedKeyUsage(
                [ExtendedKeyUsageOID.SERVER_AUTH, ExtendedKeyUsageOID.CLIENT_AUTH]
            ),
            critical=False,
        )
    if sans:
        builder = builder.add_extension(
            x509.SubjectAlternativeName([_general_name(s) for s in sans]), critical=False
        )
    algorithm = None if isinstance(signer_key, ed25519.Ed25519PrivateKey) else hashes.SHA256()
    return Issued(builder.sign(signer_key, algorithm), key)


def _general_name(value: str) -> x509.GeneralName:
    try:
        return x509.IPAddress(ipaddress.ip_address(value))
    except ValueError:
        return x509.DNSName(value)


# -- files ---------------------------------------------------------------------------------


def write_pem(path: Path, *certs: Issued | x509.Certificate, key: Issued | None = None) -> Path:
    """Certificates (leaf first, as servers send them) in one PEM file, optionally the key."""
    blobs = [_cert(c).public_bytes(serialization.Encoding.PEM) for c in certs]
    if key is not None:
        blobs.append(key.key_pem)
    path.write_bytes(b"".join(blobs))
    return path


def write_der(path: Path, cert: Issued | x509.Certificate) -> Path:
    """One certificate in binary DER form (Windows `.cer`)."""
    path.write_bytes(_cert(cert).public_bytes(serialization.Encoding.DER))
    return path


def write_key(path: Path, issued: Issued) -> Path:
    """The private key as unencrypted PKCS#8 PEM, readable by the owner only."""
    path.write_bytes(issued.key_pem)
    path.chmod(0o600)
    return path


def write_pkcs12(
    path: Path,
    leaf: Issued,
    chain: Iterable[Issued | x509.Certificate] = (),
    password: str | None = None,
    friendly_name: str | None = None,
) -> Path:
    """A PKCS#12 (`.p12`/`.pfx`) bundle: key, leaf and chain; encrypted if `password`."""
    encryption: serialization.KeySerializationEncryption = (
        serialization.BestAvailableEncryption(password.encode())
        if password
        else serialization.NoEncryption()
    )
    blob = pkcs12.serialize_key_and_certificates(
        friendly_name.encode() if friendly_name else None,
        leaf.key,
        leaf.cert,
        [_cert(c) for c in chain] or None,
        encryption,
    )
    path.write_bytes(blob)
    return path


def _cert(value: Issued | x509.Certificate) -> x509.Certificate:
    return value.cert if isinstance(value, Issued) else value
