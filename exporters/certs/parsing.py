"""Pure parsing of certificate files: PEM (several certificates, chains), DER, PKCS#12.

The format is recognised from the content, not the file name; the name is only used in
messages. Errors are `CertFileError` with a message that never contains the password.
"""

from __future__ import annotations

from cryptography import x509
from cryptography.hazmat.primitives.serialization import pkcs12

PEM_MARKER = b"-----BEGIN"


class CertFileError(Exception):
    """The file is not a readable certificate file; the message says why."""


class NoCertificateError(CertFileError):
    """A well-formed PEM file without certificates (a key or request): skipped in globs."""


def parse_certificates(data: bytes, password: bytes | None = None) -> list[x509.Certificate]:
    """All certificates in `data`, in file order (PKCS#12: the key's certificate first)."""
    if not data.strip():
        raise CertFileError("file is empty")
    if PEM_MARKER in data:
        return _pem(data)
    try:
        return [x509.load_der_x509_certificate(data)]
    except ValueError:
        pass
    if _looks_like_pkcs12(data):
        return _pkcs12(data, password)
    raise CertFileError("not a PEM, DER or PKCS#12 certificate file")


def _pem(data: bytes) -> list[x509.Certificate]:
    if b"-----BEGIN CERTIFICATE-----" not in data and b"-----BEGIN TRUSTED CERTIFICATE" not in (
        data
    ):
        raise NoCertificateError("PEM file holds no CERTIFICATE block (only keys or requests?)")
    try:
        return x509.load_pem_x509_certificates(data)
    except ValueError as exc:
        raise CertFileError(f"damaged PEM certificate: {_short(exc)}") from None


def _pkcs12(data: bytes, password: bytes | None) -> list[x509.Certificate]:
    attempts = [password] if password is not None else [None, b""]
    for attempt in attempts:
        try:
            bundle = pkcs12.load_pkcs12(data, attempt)
        except ValueError:
            continue
        certs = [bundle.cert.certificate] if bundle.cert is not None else []
        certs += [c.certificate for c in bundle.additional_certs]
        if not certs:
            raise CertFileError("PKCS#12 file holds no certificate")
        return certs
    if password is None:
        raise CertFileError("PKCS#12 file needs a password (set password or password_file)")
    raise CertFileError("cannot open PKCS#12 file: wrong password or damaged file")


def _looks_like_pkcs12(data: bytes) -> bool:
    """PFX starts with SEQUENCE { INTEGER 3, ... } (DER); checked before blaming a password."""
    if len(data) < 8 or data[0] != 0x30:
        return False
    length = data[1]
    offset = 2 + (length & 0x7F if length & 0x80 else 0)
    return data[offset : offset + 3] == b"\x02\x01\x03"


def _short(exc: Exception) -> str:
    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return text[:200]
