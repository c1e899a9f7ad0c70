"""The certificates of a PKCS#12 file (RFC 7292) without `cryptography`, where possible.

What modern tools write - OpenSSL 3, Windows 10+, `cryptography`: certificate bags in
plain `data` or PBES2-encrypted (PBKDF2 with HMAC-SHA-1/2, AES-CBC) content, an HMAC over
it keyed by the PKCS#12 KDF - is read here with `hashlib`, `hmac` and `certs.aes`. Private
keys are never decrypted; the key's certificate is found by its `localKeyId`.

Anything else (legacy 3DES/RC2 encryption, BER with indefinite lengths, public-key
privacy mode, a key without a matching `localKeyId`) raises `Unsupported`, and the caller
hands the file to `cryptography`. A wrong password is `WrongPassword` (the MAC does not
verify), and is never confused with an unsupported file.
"""

from __future__ import annotations

import hashlib
import hmac

from exporters.certs import aes
from exporters.core import der
from exporters.core.der import DERError, Element

_DATA, _ENCRYPTED_DATA = "1.2.840.113549.1.7.1", "1.2.840.113549.1.7.6"
_KEY_BAG, _SHROUDED_KEY_BAG = "1.2.840.113549.1.12.10.1.1", "1.2.840.113549.1.12.10.1.2"
_CERT_BAG, _X509_CERT = "1.2.840.113549.1.12.10.1.3", "1.2.840.113549.1.9.22.1"
_LOCAL_KEY_ID = "1.2.840.113549.1.9.21"
_PBES2, _PBKDF2 = "1.2.840.113549.1.5.13", "1.2.840.113549.1.5.12"
_HASHES = {
    "1.3.14.3.2.26": "sha1",
    "2.16.840.1.101.3.4.2.4": "sha224",
    "2.16.840.1.101.3.4.2.1": "sha256",
    "2.16.840.1.101.3.4.2.2": "sha384",
    "2.16.840.1.101.3.4.2.3": "sha512",
}
_HMACS = {
    "1.2.840.113549.2.7": "sha1",
    "1.2.840.113549.2.8": "sha224",
    "1.2.840.113549.2.9": "sha256",
    "1.2.840.113549.2.10": "sha384",
    "1.2.840.113549.2.11": "sha512",
}
_AES_CBC = {
    "2.16.840.1.101.3.4.1.2": 16,
    "2.16.840.1.101.3.4.1.22": 24,
    "2.16.840.1.101.3.4.1.42": 32,
}
MAX_ITERATIONS = 10_000_000
"""More PBKDF/MAC iterations than this are refused (a hostile file could stall a scrape)."""


class Unsupported(Exception):
    """A PKCS#12 variant this reader does not handle; `cryptography` may."""


class WrongPassword(Exception):
    """The MAC does not verify with this password (or the file is damaged)."""


def certificates(data: bytes, password: bytes | None) -> tuple[bytes | None, list[bytes]]:
    """(the key's certificate or None, the other certificates in file order), all DER.

    `password` None or b"": whichever of no password and the empty one the MAC takes."""
    try:
        return _certificates(data, password)
    except (DERError, ValueError, IndexError, StopIteration) as exc:
        raise Unsupported(f"{type(exc).__name__}: {exc}") from None


def _certificates(data: bytes, password: bytes | None) -> tuple[bytes | None, list[bytes]]:
    pfx = list(der.read_whole(data).children())
    if len(pfx) < 2 or der.integer(pfx[0]) != 3:
        raise Unsupported("not a version 3 PFX")
    auth_safe = _data_content(pfx[1])
    if len(pfx) > 2:
        password = _check_mac(pfx[2], auth_safe, password)
    bags: list[tuple[str, Element]] = []
    for info in der.read_whole(auth_safe).children():
        kind, content = _content_info(info)
        if kind == _DATA:
            bags += _safe_bags(der.read_whole(content, der.OCTET_STRING).contents)
        elif kind == _ENCRYPTED_DATA:
            bags += _safe_bags(_decrypt(content, password))
        else:
            raise Unsupported(f"content type {kind}")
    key_ids = [_local_key_id(bag) for kind, bag in bags if kind in (_KEY_BAG, _SHROUDED_KEY_BAG)]
    if len(key_ids) > 1 or key_ids == [None]:
        raise Unsupported("several keys, or a key without localKeyId")
    leaf: bytes | None = None
    others: list[bytes] = []
    for kind, bag in bags:
        if kind != _CERT_BAG:
            continue
        cert = _cert_of(bag)
        if leaf is None and key_ids and _local_key_id(bag) == key_ids[0]:
            leaf = cert
        else:
            others.append(cert)
    if key_ids and leaf is None:
        raise Unsupported("no certificate carries the key's localKeyId")
    return leaf, others


def _content_info(info: Element) -> tuple[str, bytes]:
    """(content type, the encoded content inside [0] EXPLICIT)."""
    items = list(info.expect(der.SEQUENCE).children())
    if len(items) != 2 or items[1].tag != 0xA0:
        raise Unsupported("ContentInfo without content")
    return der.oid(items[0]), items[1].contents


def _data_content(info: Element) -> bytes:
    kind, content = _content_info(info)
    if kind != _DATA:
        raise Unsupported("public-key integrity mode")
    return der.read_whole(content, der.OCTET_STRING).contents


def _check_mac(mac_data: Element, auth_safe: bytes, password: bytes | None) -> bytes | None:
    """The password the MAC verifies with; no password and an empty one are both tried
    when none is given (as OpenSSL does: tools differ in which they use)."""
    items = list(mac_data.expect(der.SEQUENCE).children())
    digest_info = list(items[0].expect(der.SEQUENCE).children())
    algorithm = _HASHES.get(der.oid(next(digest_info[0].children())))
    if algorithm is None:
        raise Unsupported("MAC digest")
    expected = digest_info[1].expect(der.OCTET_STRING).contents
    salt = items[1].expect(der.OCTET_STRING).contents
    iterations = der.integer(items[2]) if len(items) > 2 else 1
    if not 1 <= iterations <= MAX_ITERATIONS:
        raise Unsupported("MAC iteration count")
    for candidate in [password] if password else [None, b""]:
        key = _pkcs12_kdf(algorithm, _bmp(candidate), salt, 3, iterations)
        if hmac.compare_digest(hmac.new(key, auth_safe, algorithm).digest(), expected):
            return candidate
    raise WrongPassword


def _pkcs12_kdf(algorithm: str, password: bytes, salt: bytes, purpose: int, rounds: int) -> bytes:
    """RFC 7292 appendix B.2, for one digest's worth of key (all a MAC key needs)."""
    block = hashlib.new(algorithm).block_size
    diversifier = bytes((purpose,)) * block
    salt_part = _fill(salt, block)
    password_part = _fill(password, block)
    digest = hashlib.new(algorithm, diversifier + salt_part + password_part).digest()
    for _ in range(rounds - 1):
        digest = hashlib.new(algorithm, digest).digest()
    return digest


def _fill(value: bytes, block: int) -> bytes:
    if not value:
        return b""
    size = block * -(-len(value) // block)
    return (value * (size // len(value) + 1))[:size]


def _bmp(password: bytes | None) -> bytes:
    """The password as the MAC KDF takes it: BMPString with a terminating zero (none at
    all for no password)."""
    if password is None:
        return b""
    return password.decode("utf-8").encode("utf-16-be") + b"\x00\x00"


def _decrypt(content: bytes, password: bytes | None) -> bytes:
    """EncryptedData with PBES2 (PBKDF2 + AES-CBC); the password as UTF-8 bytes, as
    OpenSSL and `cryptography` use it for PBES2."""
    items = list(der.read_whole(content).children())
    info = list(items[1].expect(der.SEQUENCE).children())
    scheme, params = _algorithm(info[1])
    if scheme != _PBES2 or params is None or len(info) < 3 or info[2].tag != 0x80:
        raise Unsupported("encryption other than PBES2 (legacy 3DES or RC2?)")
    kdf, cipher = params.children()
    kdf_oid, kdf_params = _algorithm(kdf)
    cipher_oid, iv_el = _algorithm(cipher)
    if kdf_oid != _PBKDF2 or kdf_params is None or cipher_oid not in _AES_CBC or iv_el is None:
        raise Unsupported("PBES2 with a KDF or cipher other than PBKDF2 and AES-CBC")
    fields = list(kdf_params.children())
    salt = fields[0].expect(der.OCTET_STRING).contents
    iterations = der.integer(fields[1])
    prf = "sha1"
    for extra in fields[2:]:
        if extra.tag == der.SEQUENCE:
            prf_name = _HMACS.get(_algorithm(extra)[0])
            if prf_name is None:
                raise Unsupported("PBKDF2 PRF")
            prf = prf_name
    if not 1 <= iterations <= MAX_ITERATIONS:
        raise Unsupported("PBKDF2 iteration count")
    key = hashlib.pbkdf2_hmac(prf, password or b"", salt, iterations, _AES_CBC[cipher_oid])
    iv = iv_el.expect(der.OCTET_STRING).contents
    try:
        return aes.decrypt_cbc(key, iv, info[2].contents)
    except ValueError:
        raise WrongPassword from None


def _algorithm(element: Element) -> tuple[str, Element | None]:
    items = list(element.expect(der.SEQUENCE).children())
    return der.oid(items[0]), items[1] if len(items) > 1 else None


def _safe_bags(contents: bytes) -> list[tuple[str, Element]]:
    """(bag type, the SafeBag element) of a SafeContents."""
    out = []
    for bag in der.read_whole(contents).children():
        items = list(bag.expect(der.SEQUENCE).children())
        out.append((der.oid(items[0]), bag))
    return out


def _cert_of(bag: Element) -> bytes:
    items = list(bag.children())
    cert_bag = list(der.read_whole(items[1].contents).children())
    if der.oid(cert_bag[0]) != _X509_CERT:
        raise Unsupported("a certificate bag that is not X.509")
    return der.read_whole(cert_bag[1].contents, der.OCTET_STRING).contents


def _local_key_id(bag: Element) -> bytes | None:
    items = list(bag.children())
    if len(items) < 3:
        return None
    for attribute in items[2].expect(der.SET).children():
        attr_oid, values = attribute.children()
        if der.oid(attr_oid) == _LOCAL_KEY_ID:
            return next(values.children()).expect(der.OCTET_STRING).contents
    return None
