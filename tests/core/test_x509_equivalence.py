"""core.x509info (own DER reader) reports what `cryptography` reports, field by field.

The reference below is the former `cryptography`-based summary, kept here as the oracle.
Certificates: made by devkit.pki (RSA, EC P-256/P-384/brainpool, Ed25519, SANs), built
here for the rarer cases (GeneralizedTime from 2050, Ed448, DSA, multi-valued and escaped
names, email/URI/IPv6 SANs, no extensions, v1), and every root of the system CA bundle.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import ssl
import warnings
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import dsa, ec, ed448, ed25519, rsa
from cryptography.x509.oid import NameOID

from devkit.pki import make_ca, make_cert
from exporters.certs.parsing import pem_certificates
from exporters.core.x509info import CertSummary, summarize

# -- the oracle: the summary as `cryptography` gives it -------------------------------------


def reference(cert: x509.Certificate) -> CertSummary:
    return CertSummary(
        subject=cert.subject.rfc4514_string(),
        subject_cn=_cn(cert.subject),
        issuer=cert.issuer.rfc4514_string(),
        issuer_cn=_cn(cert.issuer),
        serial=format(cert.serial_number, "x"),
        not_before=cert.not_valid_before_utc.timestamp(),
        not_after=cert.not_valid_after_utc.timestamp(),
        sans=_sans(cert),
        key_type=_key(cert)[0],
        key_bits=_key(cert)[1],
        key_curve=_key(cert)[2],
        signature_algorithm=_sig(cert),
        is_ca=_is_ca(cert),
        self_signed=cert.subject == cert.issuer,
        fingerprint_sha256=cert.fingerprint(hashes.SHA256()).hex(),
    )


def _cn(name: x509.Name) -> str:
    attrs = name.get_attributes_for_oid(NameOID.COMMON_NAME)
    if not attrs:
        return ""
    value = attrs[0].value
    return value if isinstance(value, str) else value.decode()


def _sans(cert: x509.Certificate) -> tuple[str, ...]:
    try:
        ext = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except x509.ExtensionNotFound:
        return ()
    kinds = {
        x509.DNSName: "DNS",
        x509.IPAddress: "IP",
        x509.RFC822Name: "email",
        x509.UniformResourceIdentifier: "URI",
    }
    return tuple(f"{kinds[type(n)]}:{n.value}" for n in ext if type(n) in kinds)


def _key(cert: x509.Certificate) -> tuple[str, int, str]:
    try:
        key = cert.public_key()
    except (ValueError, UnsupportedAlgorithm):
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


def _sig(cert: x509.Certificate) -> str:
    oid = cert.signature_algorithm_oid
    name = getattr(oid, "_name", None)
    return name if isinstance(name, str) and name != "Unknown OID" else oid.dotted_string


def _is_ca(cert: x509.Certificate) -> bool:
    try:
        return bool(cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca)
    except x509.ExtensionNotFound:
        return False


def der_of(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.DER)


# -- certificates ---------------------------------------------------------------------------

UTC = dt.UTC


def build(
    subject: x509.Name,
    key: object,
    *,
    signer: object | None = None,
    issuer: x509.Name | None = None,
    not_before: dt.datetime = dt.datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC),
    not_after: dt.datetime = dt.datetime(2034, 1, 2, 3, 4, 5, tzinfo=UTC),
    extensions: list[tuple[x509.ExtensionType, bool]] = (),  # type: ignore[assignment]
    serial: int = 0x1234567890ABCDEF,
) -> x509.Certificate:
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer or subject)
        .public_key(key.public_key())  # type: ignore[attr-defined]
        .serial_number(serial)
        .not_valid_before(not_before)
        .not_valid_after(not_after)
    )
    for ext, critical in extensions:
        builder = builder.add_extension(ext, critical)
    signer = signer or key
    algorithm = (
        None
        if isinstance(signer, ed25519.Ed25519PrivateKey | ed448.Ed448PrivateKey)
        else hashes.SHA256()
    )
    return builder.sign(signer, algorithm)  # type: ignore[arg-type]


def _name(*attrs: tuple[x509.ObjectIdentifier, str]) -> x509.Name:
    return x509.Name([x509.NameAttribute(oid, value) for oid, value in attrs])


def built_certificates() -> dict[str, x509.Certificate]:
    ec_key = ec.generate_private_key(ec.SECP256R1())
    out: dict[str, x509.Certificate] = {}
    out["generalized time 2050+"] = build(
        _name((NameOID.COMMON_NAME, "lang.praxis.test")),
        ec_key,
        not_before=dt.datetime(1999, 12, 31, 23, 59, 59, tzinfo=UTC),
        not_after=dt.datetime(2051, 6, 30, 12, 0, 0, tzinfo=UTC),
    )
    out["utctime 1950-1999"] = build(
        _name((NameOID.COMMON_NAME, "alt")),
        ec_key,
        not_before=dt.datetime(1950, 1, 1, tzinfo=UTC),
        not_after=dt.datetime(2049, 12, 31, 23, 59, 59, tzinfo=UTC),
    )
    out["ed448"] = build(_name((NameOID.COMMON_NAME, "ed448")), ed448.Ed448PrivateKey.generate())
    out["dsa key, ec signer"] = build(
        _name((NameOID.COMMON_NAME, "dsa")),
        dsa.generate_private_key(2048),
        signer=ec_key,
        issuer=_name((NameOID.COMMON_NAME, "EC CA")),
    )
    out["p521 + secp256k1 signer"] = build(
        _name((NameOID.COMMON_NAME, "p521")),
        ec.generate_private_key(ec.SECP521R1()),
        signer=ec.generate_private_key(ec.SECP256K1()),
        issuer=_name((NameOID.COMMON_NAME, "k1")),
    )
    out["rsa 3072 sha256"] = build(
        _name((NameOID.COMMON_NAME, "rsa3072")), rsa.generate_private_key(65537, 3072)
    )
    out["no extensions, empty subject"] = build(x509.Name([]), ec_key)
    out["escaped and multi-valued name"] = build(
        x509.Name(
            [
                x509.RelativeDistinguishedName(
                    [
                        x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, "Empfang+Labor"),
                        x509.NameAttribute(NameOID.COMMON_NAME, ' #Dr. "Müller", <MVZ>; '),
                    ]
                ),
                x509.RelativeDistinguishedName([x509.NameAttribute(NameOID.COUNTRY_NAME, "DE")]),
                x509.RelativeDistinguishedName(
                    [x509.NameAttribute(NameOID.EMAIL_ADDRESS, "praxis@example.test")]
                ),
                x509.RelativeDistinguishedName(
                    [x509.NameAttribute(NameOID.DOMAIN_COMPONENT, "praxis")]
                ),
                x509.RelativeDistinguishedName(
                    [x509.NameAttribute(NameOID.SERIAL_NUMBER, "80276883110000012345")]
                ),
                x509.RelativeDistinguishedName(
                    [x509.NameAttribute(NameOID.ORGANIZATION_NAME, "BMP", _type=_BMP)]
                ),
                x509.RelativeDistinguishedName(
                    [x509.NameAttribute(NameOID.X500_UNIQUE_IDENTIFIER, b"\x01\x02", _type=_BITS)]
                ),
            ]
        ),
        ec_key,
    )
    out["all SAN kinds, CA false"] = build(
        _name((NameOID.COMMON_NAME, "sans")),
        ec_key,
        extensions=[
            (
                x509.SubjectAlternativeName(
                    [
                        x509.DNSName("kim.praxis.test"),
                        x509.IPAddress(ipaddress.ip_address("2001:db8::1")),
                        x509.RFC822Name("kim@praxis.test"),
                        x509.UniformResourceIdentifier("https://praxis.test/x"),
                        x509.DirectoryName(_name((NameOID.COMMON_NAME, "dir"))),
                        x509.RegisteredID(NameOID.COMMON_NAME),
                        x509.DNSName("*.praxis.test"),
                        x509.IPAddress(ipaddress.ip_address("10.1.2.3")),
                    ]
                ),
                False,
            ),
            (x509.BasicConstraints(ca=False, path_length=None), True),
        ],
    )
    out["CA with path length"] = build(
        _name((NameOID.COMMON_NAME, "CA")),
        ec_key,
        extensions=[(x509.BasicConstraints(ca=True, path_length=0), True)],
        serial=1,
    )
    out["small serial with high bit"] = build(
        _name((NameOID.COMMON_NAME, "serial")), ec_key, serial=0x80
    )
    return out


_BMP = x509.name._ASN1Type.BMPString
_BITS = x509.name._ASN1Type.BitString


def devkit_certificates() -> dict[str, x509.Certificate]:
    root = make_ca("Praxis Root", key_type="rsa")
    inter = make_ca("Issuing CA", issuer=root)
    return {
        "rsa root": root.cert,
        "ec intermediate": inter.cert,
        "rsa leaf with SANs": make_cert(
            "pvs.praxis.test",
            issuer=inter,
            sans=["pvs.praxis.test", "10.0.0.5", "::1"],
            key_type="rsa",
            organization="Praxis Dr. Müller",
        ).cert,
        "ec p-384": make_cert("p384", curve="secp384r1").cert,
        "brainpool": make_cert("smcb", curve="brainpoolP256r1").cert,
        "ed25519": make_cert("ed", key_type="ed25519").cert,
        "rsa 1024 self-signed": make_cert("fw", key_type="rsa", key_size=1024).cert,
    }


def system_roots() -> dict[str, x509.Certificate]:
    """Every root in the system bundle (real-world names, keys and encodings)."""
    cafile = ssl.get_default_verify_paths().cafile
    if not cafile or not Path(cafile).is_file():
        return {}
    data = Path(cafile).read_bytes()
    with warnings.catch_warnings():  # some old roots have negative serials
        warnings.simplefilter("ignore")
        return {
            f"system root {i}": x509.load_der_x509_certificate(der)
            for i, der in enumerate(pem_certificates(data))
        }


CERTS = {**devkit_certificates(), **built_certificates(), **system_roots()}


@pytest.mark.filterwarnings("ignore:Parsed a serial number")
@pytest.mark.parametrize("name", list(CERTS))
def test_summary_equals_cryptography(name: str) -> None:
    cert = CERTS[name]
    assert summarize(der_of(cert)) == reference(cert)


def test_the_rare_cases_are_really_covered() -> None:
    """The built certificates exercise what they claim (guards the oracle comparison)."""
    s = {name: summarize(der_of(cert)) for name, cert in built_certificates().items()}
    assert (
        s["generalized time 2050+"].not_after
        == dt.datetime(2051, 6, 30, 12, tzinfo=UTC).timestamp()
    )
    assert s["ed448"].key_type == "ed448" and s["ed448"].signature_algorithm == "ed448"
    assert s["dsa key, ec signer"].key_type == "dsa" and s["dsa key, ec signer"].key_bits == 2048
    assert s["p521 + secp256k1 signer"].key_curve == "secp521r1"
    assert "\\+" in s["escaped and multi-valued name"].subject
    assert s["all SAN kinds, CA false"].ip_addresses == ("2001:db8::1", "10.1.2.3")
    assert s["CA with path length"].is_ca and s["CA with path length"].self_signed
    assert s["small serial with high bit"].serial == "80"
    assert s["no extensions, empty subject"].subject == ""
