"""Pure summaries of X.509 certificates: names, SANs, key, signature, serial and dates.

Shared by the certificate and TI exporters so that both label certificates alike. Reads
the DER itself (`core.der`), without `cryptography`: importing that costs ~11 MiB of RSS
and parsing through it several objects per field, for a handful of fields. The results
equal what `cryptography` reports (tests/core/test_x509_equivalence.py). Summaries are
cached by the certificate's SHA-256, so a chain seen on every scrape is parsed once.
Nothing here does I/O.
"""

from __future__ import annotations

import hashlib
import ipaddress
import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass

from exporters.core import der
from exporters.core.der import DERError, Element

__all__ = ["CertSummary", "DERError", "hostname_matches", "summarize", "summarize_chain"]


@dataclass(frozen=True)
class CertSummary:
    """What an operator needs to know about one certificate (never the key itself)."""

    subject: str  # RFC 4514 string
    subject_cn: str  # "" when the subject has no CN
    issuer: str
    issuer_cn: str
    serial: str  # lower-case hex, no leading zeros
    not_before: float  # Unix timestamp
    not_after: float
    sans: tuple[str, ...]  # "DNS:name", "IP:addr", "email:...", "URI:..."
    key_type: str  # rsa, ec, ed25519, ed448, dsa, unknown
    key_bits: int  # modulus or curve size; 0 when unknown
    key_curve: str  # EC curve name, "" otherwise
    signature_algorithm: str  # e.g. sha256WithRSAEncryption, ecdsa-with-SHA256
    is_ca: bool
    self_signed: bool  # subject == issuer (signature not checked)
    fingerprint_sha256: str  # lower-case hex

    @property
    def dns_names(self) -> tuple[str, ...]:
        return tuple(s[4:] for s in self.sans if s.startswith("DNS:"))

    @property
    def ip_addresses(self) -> tuple[str, ...]:
        return tuple(s[3:] for s in self.sans if s.startswith("IP:"))


CACHE_SIZE = 512
"""Summaries kept (by SHA-256 of the DER): far more than a practice has certificates."""
_cache: OrderedDict[bytes, CertSummary] = OrderedDict()
_cache_lock = threading.Lock()


def summarize(cert_der: bytes) -> CertSummary:
    """Summarise one DER certificate; `DERError` (a ValueError) says why it does not parse.

    Tolerant of odd but well-formed certificates (no CN, unknown algorithms or curves)."""
    digest = hashlib.sha256(cert_der).digest()
    with _cache_lock:
        cached = _cache.get(digest)
        if cached is not None:
            _cache.move_to_end(digest)
            return cached
    summary = _parse(cert_der, digest.hex())
    with _cache_lock:
        _cache[digest] = summary
        while len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)
    return summary


def summarize_chain(chain: Sequence[bytes]) -> list[CertSummary]:
    """Summaries of several DER certificates; the error names the one that is bad."""
    out = []
    for position, cert_der in enumerate(chain):
        try:
            out.append(summarize(cert_der))
        except DERError as exc:
            raise DERError(f"certificate {position}: {exc}") from None
    return out


# -- parsing -------------------------------------------------------------------------------

Name = tuple[tuple[tuple[str, str | bytes], ...], ...]
"""RDNs in certificate order, each a tuple of (attribute OID, value)."""

_CN = "2.5.4.3"
_SAN = "2.5.29.17"
_BASIC_CONSTRAINTS = "2.5.29.19"
_RSA, _RSA_PSS = "1.2.840.113549.1.1.1", "1.2.840.113549.1.1.10"
_EC, _DSA = "1.2.840.10045.2.1", "1.2.840.10040.4.1"
_ED25519, _ED448 = "1.3.101.112", "1.3.101.113"


def _parse(data: bytes, fingerprint: str) -> CertSummary:
    cert = der.read_whole(data)
    parts = list(cert.children())
    if len(parts) != 3:
        raise DERError(f"a certificate has 3 parts, this one {len(parts)}")
    tbs_el, sig_alg_el, sig_value = parts
    signature_oid = _algorithm(sig_alg_el)[0]
    der.bit_string(sig_value)
    fields = list(tbs_el.expect(der.SEQUENCE).children())
    if fields and fields[0].tag == 0xA0:  # [0] EXPLICIT version
        fields = fields[1:]
    if len(fields) < 6:
        raise DERError(f"the TBSCertificate has {len(fields)} fields, at least 6 needed")
    serial_el, _sig, issuer_el, validity_el, subject_el, spki_el, *rest = fields
    validity = list(validity_el.expect(der.SEQUENCE).children())
    if len(validity) != 2:
        raise DERError("validity is not (notBefore, notAfter)")
    issuer, subject = _name(issuer_el), _name(subject_el)
    extensions = _extensions(rest)
    key_type, key_bits, curve = _key_info(spki_el)
    return CertSummary(
        subject=rfc4514(subject),
        subject_cn=_common_name(subject),
        issuer=rfc4514(issuer),
        issuer_cn=_common_name(issuer),
        serial=format(der.integer(serial_el), "x"),
        not_before=der.time(validity[0]).timestamp(),
        not_after=der.time(validity[1]).timestamp(),
        sans=_sans(extensions.get(_SAN)),
        key_type=key_type,
        key_bits=key_bits,
        key_curve=curve,
        signature_algorithm=SIGNATURE_NAMES.get(signature_oid, signature_oid),
        is_ca=_is_ca(extensions.get(_BASIC_CONSTRAINTS)),
        self_signed=_same_name(subject, issuer),
        fingerprint_sha256=fingerprint,
    )


def _algorithm(element: Element) -> tuple[str, Element | None]:
    """(OID, parameters or None) of an AlgorithmIdentifier."""
    items = list(element.expect(der.SEQUENCE).children())
    if not items:
        raise DERError(f"empty AlgorithmIdentifier at byte {element.head}")
    return der.oid(items[0]), items[1] if len(items) > 1 else None


def _name(element: Element) -> Name:
    rdns = []
    for rdn in element.expect(der.SEQUENCE).children():
        attrs = []
        for attr in rdn.expect(der.SET).children():
            items = list(attr.expect(der.SEQUENCE).children())
            if len(items) != 2:
                raise DERError(f"bad name attribute at byte {attr.head}")
            attrs.append((der.oid(items[0]), der.text(items[1])))
        rdns.append(tuple(attrs))
    return tuple(rdns)


def _extensions(rest: list[Element]) -> dict[str, Element]:
    """extnValue contents by OID; {} when a duplicate makes them ambiguous (as
    `cryptography` refuses such a certificate's extensions)."""
    wrapper = next((e for e in rest if e.tag == 0xA3), None)
    if wrapper is None:
        return {}
    out: dict[str, Element] = {}
    duplicate = False
    for outer in wrapper.children():
        for ext in outer.expect(der.SEQUENCE).children():
            items = list(ext.expect(der.SEQUENCE).children())
            if len(items) not in (2, 3):
                raise DERError(f"bad extension at byte {ext.head}")
            ext_oid = der.oid(items[0])
            value = items[-1].expect(der.OCTET_STRING)
            duplicate = duplicate or ext_oid in out
            out[ext_oid] = value
    return {} if duplicate else out


def _sans(value: Element | None) -> tuple[str, ...]:
    """SANs as `DNS:`, `IP:`, `email:` and `URI:` strings, in certificate order."""
    if value is None:
        return ()
    try:
        names = der.read_whole(value.contents)
        out: list[str] = []
        for name in names.children():
            raw = name.contents
            if name.tag == 0x82:
                out.append("DNS:" + raw.decode("utf-8", "replace"))
            elif name.tag == 0x87:
                out.append(f"IP:{ipaddress.ip_address(raw)}")
            elif name.tag == 0x81:
                out.append("email:" + raw.decode("utf-8", "replace"))
            elif name.tag == 0x86:
                out.append("URI:" + raw.decode("utf-8", "replace"))
        return tuple(out)
    except ValueError:  # a broken SAN costs the SANs, not the certificate's dates
        return ()


def _is_ca(value: Element | None) -> bool:
    if value is None:
        return False
    try:
        items = list(der.read_whole(value.contents).children())
        return bool(items) and items[0].tag == der.BOOLEAN and der.boolean(items[0])
    except DERError:
        return False


def _key_info(spki: Element) -> tuple[str, int, str]:
    """(key type, size in bits, curve name); ("unknown", 0, "") for what `cryptography`
    cannot load either (unknown or explicit curves, broken key encodings)."""
    try:
        items = list(spki.expect(der.SEQUENCE).children())
        if len(items) != 2:
            raise DERError("bad SubjectPublicKeyInfo")
        algorithm, params = _algorithm(items[0])
        key = der.bit_string(items[1])
        if algorithm in (_RSA, _RSA_PSS):
            modulus = der.integer(next(der.read_whole(key).children()))
            return ("rsa", modulus.bit_length(), "")
        if algorithm == _EC and params is not None and params.tag == der.OID:
            curve = CURVES.get(der.oid(params))
            if curve is not None:
                return ("ec", curve[1], curve[0])
        elif algorithm == _ED25519:
            return ("ed25519", 256, "")
        elif algorithm == _ED448:
            return ("ed448", 456, "")
        elif algorithm == _DSA and params is not None:
            prime = der.integer(next(params.expect(der.SEQUENCE).children()))
            return ("dsa", prime.bit_length(), "")
    except (DERError, StopIteration):
        pass
    return ("unknown", 0, "")


def _common_name(name: Name) -> str:
    """The (first) CN of a name, "" if there is none."""
    for rdn in name:
        for attr_oid, value in rdn:
            if attr_oid == _CN:
                return value if isinstance(value, str) else value.decode("utf-8", "replace")
    return ""


def _same_name(a: Name, b: Name) -> bool:
    """Equal as `cryptography` compares names: RDN by RDN, attributes in any order."""
    return len(a) == len(b) and all(frozenset(x) == frozenset(y) for x, y in zip(a, b, strict=True))


def rfc4514(name: Name) -> str:
    """The RFC 4514 string of a name, exactly as `cryptography` writes it (last RDN first)."""
    return ",".join(
        "+".join(f"{NAME_KEYS.get(oid_, oid_)}={_escape(value)}" for oid_, value in rdn)
        for rdn in reversed(name)
    )


def _escape(value: str | bytes) -> str:
    if not value:
        return ""
    if isinstance(value, bytes):
        return "#" + value.hex()
    for char, escaped in _ESCAPES:
        value = value.replace(char, escaped)
    if value[0] == "#" or (value[0] == " " and len(value) > 1):
        value = "\\" + value
    if value[-1] == " ":
        value = value[:-1] + "\\ "
    return value


_ESCAPES = (
    ("\\", "\\\\"),
    ('"', '\\"'),
    ("+", "\\+"),
    (",", "\\,"),
    (";", "\\;"),
    ("<", "\\<"),
    (">", "\\>"),
    ("\0", "\\00"),
)

NAME_KEYS = {
    "2.5.4.3": "CN",
    "2.5.4.7": "L",
    "2.5.4.8": "ST",
    "2.5.4.10": "O",
    "2.5.4.11": "OU",
    "2.5.4.6": "C",
    "2.5.4.9": "STREET",
    "0.9.2342.19200300.100.1.25": "DC",
    "0.9.2342.19200300.100.1.1": "UID",
}
"""Short attribute names of RFC 4514 (others appear as dotted OIDs)."""

SIGNATURE_NAMES = {
    "1.2.840.113549.1.1.4": "md5WithRSAEncryption",
    "1.2.840.113549.1.1.5": "sha1WithRSAEncryption",
    "1.2.840.113549.1.1.14": "sha224WithRSAEncryption",
    "1.2.840.113549.1.1.11": "sha256WithRSAEncryption",
    "1.2.840.113549.1.1.12": "sha384WithRSAEncryption",
    "1.2.840.113549.1.1.13": "sha512WithRSAEncryption",
    "1.2.840.113549.1.1.10": "rsassaPss",
    "1.2.840.10045.4.1": "ecdsa-with-SHA1",
    "1.2.840.10045.4.3.1": "ecdsa-with-SHA224",
    "1.2.840.10045.4.3.2": "ecdsa-with-SHA256",
    "1.2.840.10045.4.3.3": "ecdsa-with-SHA384",
    "1.2.840.10045.4.3.4": "ecdsa-with-SHA512",
    "1.2.840.10040.4.3": "dsa-with-sha1",
    "2.16.840.1.101.3.4.3.1": "dsa-with-sha224",
    "2.16.840.1.101.3.4.3.2": "dsa-with-sha256",
    "1.3.101.112": "ed25519",
    "1.3.101.113": "ed448",
    "2.16.840.1.101.3.4.3.17": "ML-DSA-44",
    "2.16.840.1.101.3.4.3.18": "ML-DSA-65",
    "2.16.840.1.101.3.4.3.19": "ML-DSA-87",
    "1.2.643.2.2.3": "GOST R 34.11-94 with GOST R 34.10-2001",
    "1.2.643.7.1.1.3.2": "GOST R 34.10-2012 with GOST R 34.11-2012 (256 bit)",
    "1.2.643.7.1.1.3.3": "GOST R 34.10-2012 with GOST R 34.11-2012 (512 bit)",
}
"""OpenSSL-style names as `cryptography` gives them; other OIDs are shown dotted."""

CURVES = {
    "1.2.840.10045.3.1.1": ("secp192r1", 192),
    "1.3.132.0.33": ("secp224r1", 224),
    "1.3.132.0.10": ("secp256k1", 256),
    "1.2.840.10045.3.1.7": ("secp256r1", 256),
    "1.3.132.0.34": ("secp384r1", 384),
    "1.3.132.0.35": ("secp521r1", 521),
    "1.3.36.3.3.2.8.1.1.7": ("brainpoolP256r1", 256),
    "1.3.36.3.3.2.8.1.1.11": ("brainpoolP384r1", 384),
    "1.3.36.3.3.2.8.1.1.13": ("brainpoolP512r1", 512),
}
"""Named curves `cryptography` loads: OID -> (name, size in bits)."""


# -- host names ----------------------------------------------------------------------------


def hostname_matches(summary: CertSummary, hostname: str) -> bool:
    """RFC 6125 matching as browsers do it: SANs only, one left-most `*` label allowed.

    An IP address matches only an IP SAN. The CN is used only when there is no SAN at all
    (legacy certificates, as OpenSSL does by default).
    """
    host = hostname.rstrip(".").lower()
    try:
        ip = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        ip = None
    if ip is not None:
        return any(_same_ip(ip, value) for value in summary.ip_addresses)
    names: Sequence[str] = summary.dns_names
    if not summary.sans and summary.subject_cn:
        names = (summary.subject_cn,)
    return any(_dns_match(pattern.rstrip(".").lower(), host) for pattern in names)


def _same_ip(ip: ipaddress.IPv4Address | ipaddress.IPv6Address, value: str) -> bool:
    try:
        return ipaddress.ip_address(value) == ip
    except ValueError:
        return False


def _dns_match(pattern: str, host: str) -> bool:
    if "*" not in pattern:
        return pattern == host
    first, _, rest = pattern.partition(".")
    if first != "*" or not rest or "*" in rest or rest.count(".") < 1:
        return False  # only a whole left-most wildcard label under a two-label domain
    host_first, _, host_rest = host.partition(".")
    return bool(host_first) and host_rest == rest
