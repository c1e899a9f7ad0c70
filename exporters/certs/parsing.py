"""Pure parsing of certificate files: PEM (several certificates, chains), DER, PKCS#12.

The format is recognised from the content, not the file name; the name is only used in
messages. Certificates come back as DER bytes (summarised by `core.x509info`). PEM and DER
are split and checked here, and modern PKCS#12 (PBES2/AES) is decrypted by `certs.pkcs12`,
all without `cryptography`; only legacy PKCS#12 (3DES, RC2, BER) imports it, on first use.
Errors are `CertFileError` with a message that never contains the password.
"""

from __future__ import annotations

import binascii
import hashlib
import re
import threading
from collections import OrderedDict

from exporters.certs import pkcs12
from exporters.core import der
from exporters.core.der import DERError
from exporters.core.x509info import summarize

PEM_MARKER = b"-----BEGIN"
_PEM_BLOCK = re.compile(
    rb"-----BEGIN ((?:X509 |TRUSTED )?CERTIFICATE)-----(.*?)-----END \1-----", re.DOTALL
)
_PEM_BEGIN = re.compile(rb"-----BEGIN (?:X509 |TRUSTED )?CERTIFICATE-----")
PKCS12_CACHE_SIZE = 64
"""PKCS#12 outcomes kept: decrypting one costs milliseconds of PBKDF work per scrape."""
_pkcs12_cache: OrderedDict[bytes, list[bytes] | str] = OrderedDict()
_pkcs12_lock = threading.Lock()


class CertFileError(Exception):
    """The file is not a readable certificate file; the message says why."""


class NoCertificateError(CertFileError):
    """A well-formed PEM file without certificates (a key or request): skipped in globs."""


def parse_certificates(data: bytes, password: bytes | None = None) -> list[bytes]:
    """All certificates in `data` as DER, in file order (PKCS#12: the key's certificate
    first). Each is checked by summarising it (`x509info` caches the summary)."""
    if not data.strip():
        raise CertFileError("file is empty")
    if PEM_MARKER in data:
        return pem_certificates(data)
    if looks_like_pkcs12(data):
        return _pkcs12(data, password)
    try:
        summarize(data)
    except DERError as exc:
        raise CertFileError(f"not a PEM, DER or PKCS#12 certificate file ({exc})") from None
    return [data]


def pem_certificates(data: bytes) -> list[bytes]:
    """The DER of every CERTIFICATE block (also `X509 CERTIFICATE`; of a `TRUSTED
    CERTIFICATE` the certificate without OpenSSL's trust settings after it)."""
    blocks = _PEM_BLOCK.findall(data)
    if not blocks and _PEM_BEGIN.search(data):
        raise CertFileError("damaged PEM certificate: no END line")
    if not blocks:
        raise NoCertificateError("PEM file holds no CERTIFICATE block (only keys or requests?)")
    out = []
    for position, (kind, body) in enumerate(blocks):
        try:
            raw = binascii.a2b_base64(body)
            if kind == b"TRUSTED CERTIFICATE":
                raw = der.read(raw).encoded  # the X509_AUX trust settings follow
            summarize(raw)
        except (binascii.Error, DERError) as exc:
            raise CertFileError(f"damaged PEM certificate (block {position}): {exc}") from None
        out.append(raw)
    return out


def _pkcs12(data: bytes, password: bytes | None) -> list[bytes]:
    """Decrypt once per (content, password): the outcome (certificates or the error) is
    cached under a SHA-256 of both, so an unchanged file costs a hash per scrape, and a
    changed file (or password) is decrypted again without any staleness."""
    key = hashlib.sha256(
        b"%d:" % (-1 if password is None else len(password)) + (password or b"") + data
    ).digest()
    with _pkcs12_lock:
        outcome = _pkcs12_cache.get(key)
    if outcome is None:
        try:
            outcome = _decrypt_pkcs12(data, password)
        except CertFileError as exc:
            outcome = str(exc)
        with _pkcs12_lock:
            _pkcs12_cache[key] = outcome
            while len(_pkcs12_cache) > PKCS12_CACHE_SIZE:
                _pkcs12_cache.popitem(last=False)
    if isinstance(outcome, str):
        raise CertFileError(outcome)
    return list(outcome)


def _decrypt_pkcs12(data: bytes, password: bytes | None) -> list[bytes]:
    """Modern files here (`certs.pkcs12`), the rest through `cryptography`."""
    try:
        leaf, others = pkcs12.certificates(data, password)
    except pkcs12.WrongPassword:
        raise _password_error(password) from None
    except pkcs12.Unsupported:
        return _with_cryptography(data, [password] if password is not None else [None, b""])
    return _non_empty(([leaf] if leaf is not None else []) + others)


def _with_cryptography(data: bytes, attempts: list[bytes | None]) -> list[bytes]:
    # imported here: ~11 MiB of RSS, for legacy PKCS#12 (3DES, RC2, BER) only
    try:
        from cryptography.hazmat.primitives.serialization import Encoding
        from cryptography.hazmat.primitives.serialization import pkcs12 as crypto_pkcs12
    except ImportError:
        raise CertFileError(
            "legacy PKCS#12 file (3DES/RC2 or BER): reading it needs the `cryptography` "
            "package (pip install 'praxis-exporters[certs]'), or export it again with AES"
        ) from None

    for attempt in attempts:
        try:
            bundle = crypto_pkcs12.load_pkcs12(data, attempt)
        except ValueError:
            continue
        certs = [bundle.cert.certificate] if bundle.cert is not None else []
        certs += [c.certificate for c in bundle.additional_certs]
        return _non_empty([c.public_bytes(Encoding.DER) for c in certs])
    raise _password_error(attempts[0] if len(attempts) == 1 else None)


def _non_empty(certs: list[bytes]) -> list[bytes]:
    if not certs:
        raise CertFileError("PKCS#12 file holds no certificate")
    return certs


def _password_error(password: bytes | None) -> CertFileError:
    if password is None:
        return CertFileError("PKCS#12 file needs a password (set password or password_file)")
    return CertFileError("cannot open PKCS#12 file: wrong password or damaged file")


def looks_like_pkcs12(data: bytes) -> bool:
    """PFX starts with SEQUENCE { INTEGER 3, ... } (DER); checked before blaming a password.

    A certificate starts with SEQUENCE { SEQUENCE (TBSCertificate) ... } instead."""
    if len(data) < 8 or data[0] != 0x30:
        return False
    length = data[1]
    offset = 2 + (length & 0x7F if length & 0x80 else 0)
    return data[offset : offset + 3] == b"\x02\x01\x03"
