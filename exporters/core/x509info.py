"""Pure summaries of X.509 certificates: names, SANs, key, signature, serial and dates.

Shared by the certificate and TI exporters so that both label certificates alike. Needs
`cryptography` (the `certs`/`ti` extras). Nothing here does I/O.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
from collections.abc import Sequence
from dataclasses import dataclass

from cryptography import x509
from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import dsa, ec, ed448, ed25519, rsa
from cryptography.x509.oid import NameOID


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


def summarize(cert: x509.Certificate) -> CertSummary:
    """Summarise `cert`; tolerant of odd certificates (missing CN, unknown algorithms)."""
    key_type, key_bits, curve = key_info(cert)
    return CertSummary(
        subject=_rfc4514(cert.subject),
        subject_cn=common_name(cert.subject),
        issuer=_rfc4514(cert.issuer),
        issuer_cn=common_name(cert.issuer),
        serial=format(cert.serial_number, "x"),
        not_before=_timestamp(cert.not_valid_before_utc),
        not_after=_timestamp(cert.not_valid_after_utc),
        sans=subject_alt_names(cert),
        key_type=key_type,
        key_bits=key_bits,
        key_curve=curve,
        signature_algorithm=signature_algorithm(cert),
        is_ca=_is_ca(cert),
        self_signed=cert.subject == cert.issuer,
        fingerprint_sha256=cert.fingerprint(hashes.SHA256()).hex(),
    )


def common_name(name: x509.Name) -> str:
    """The (first) CN of a name, "" if there is none."""
    try:
        attrs = name.get_attributes_for_oid(NameOID.COMMON_NAME)
    except ValueError:
        return ""
    if not attrs:
        return ""
    value = attrs[0].value
    return value if isinstance(value, str) else value.decode("utf-8", "replace")


def subject_alt_names(cert: x509.Certificate) -> tuple[str, ...]:
    """SANs as `DNS:`, `IP:`, `email:` and `URI:` strings, in certificate order."""
    try:
        ext = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except (x509.ExtensionNotFound, ValueError):
        return ()
    out: list[str] = []
    for name in ext:
        if isinstance(name, x509.DNSName):
            out.append(f"DNS:{name.value}")
        elif isinstance(name, x509.IPAddress):
            out.append(f"IP:{name.value}")
        elif isinstance(name, x509.RFC822Name):
            out.append(f"email:{name.value}")
        elif isinstance(name, x509.UniformResourceIdentifier):
            out.append(f"URI:{name.value}")
    return tuple(out)


def key_info(cert: x509.Certificate) -> tuple[str, int, str]:
    """(key type, size in bits, curve name) of the certificate's public key."""
    try:
        key = cert.public_key()
    except (ValueError, UnsupportedAlgorithm):  # exotic or broken key encodings
        return ("unknown", 0, "")
    if isinstance(key, rsa.RSAPublicKey):
        return ("rsa", key.key_size, "")
    if isinstance(key, ec.EllipticCurvePublicKey):
        return ("ec", key.curve.key_size, key.curve.name)
    if isinstance(key, ed25519.Ed25519PublicKey):
        return ("ed25519", 256, "")
    if isinstance(key, ed448.Ed448PublicKey):
        return ("ed448", 456, "")
    if isinstance(key, dsa.DSAPublicKey):
        return ("dsa", key.key_size, "")
    return ("unknown", 0, "")


def signature_algorithm(cert: x509.Certificate) -> str:
    """The OpenSSL-style name of the signature algorithm (the dotted OID if unnamed)."""
    oid = cert.signature_algorithm_oid
    name = getattr(oid, "_name", None)
    return name if isinstance(name, str) and name != "Unknown OID" else oid.dotted_string


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


def load_der_chain(chain: Sequence[bytes]) -> list[x509.Certificate]:
    """Parse DER certificates (as a TLS peer presented them); raises ValueError if one is bad."""
    return [x509.load_der_x509_certificate(der) for der in chain]


def _is_ca(cert: x509.Certificate) -> bool:
    try:
        return bool(cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca)
    except (x509.ExtensionNotFound, ValueError):
        return False


def _rfc4514(name: x509.Name) -> str:
    try:
        return name.rfc4514_string()
    except ValueError:
        return ""


def _timestamp(value: dt.datetime) -> float:
    return value.timestamp()
