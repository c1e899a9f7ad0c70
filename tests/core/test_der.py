"""core.der and x509info on bad input: every malformed certificate is a DERError saying
what is wrong - truncated, garbage, over-long or indefinite lengths, trailing bytes,
single flipped bytes - never another exception, never a read past the end."""

from __future__ import annotations

import random

import pytest

from devkit.pki import make_ca, make_cert
from exporters.certs.parsing import CertFileError, parse_certificates
from exporters.core import der
from exporters.core.der import DERError
from exporters.core.x509info import CertSummary, summarize, summarize_chain

GOOD = make_cert("kim.praxis.test", issuer=make_ca("CA"), sans=["kim.praxis.test"]).cert_der


def test_reads_nested_elements() -> None:
    seq = der.read_whole(bytes.fromhex("3007020101020200ff"))
    assert [der.integer(e) for e in seq.children()] == [1, 255]
    assert der.oid(der.read(bytes.fromhex("06032a0304"))) == "1.2.3.4"
    long_form = b"\x04\x81\x80" + b"x" * 128
    assert der.read(long_form).contents == b"x" * 128


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "truncated"),
        (b"\x30", "truncated"),
        (b"\x30\x05\x02\x01", "claims 5 bytes, only 2 follow"),
        (b"\x30\x80\x00\x00", "indefinite length"),
        (b"\x30\x85\x01\x00\x00\x00\x00", "over-long length field"),
        (b"\x30\x84\xff\xff\xff\xff", "truncated length|claims"),
        (b"\x30\x81\x05\x02\x01\x00\x05\x00", "non-minimal length"),
        (b"\x30\x82\x00\x80" + b"\x00" * 128, "non-minimal length"),
        (b"\x1f\x81\x01\x00", "multi-byte tag"),
        (b"\x30\x00\x00", "bytes after the end"),
        (b"\x31\x00", "expected SEQUENCE"),
    ],
)
def test_malformed_tlv(data: bytes, message: str) -> None:
    with pytest.raises(DERError, match=message):
        der.read_whole(data)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"\x17\x0d991231235959X", "not in UTC"),
        (b"\x17\x0b9912312359Z", "UTCTime or GeneralizedTime"),
        (b"\x18\x0f20501332000000Z", "impossible date"),
        (b"\x18\x0f2050a230000000Z", "bad time"),
        (b"\x18\x1320500101000000.123Z", "UTCTime or GeneralizedTime"),
    ],
)
def test_bad_times(body: bytes, message: str) -> None:
    with pytest.raises(DERError, match=message):
        der.time(der.read(body))


def test_times_either_side_of_2050() -> None:
    assert der.time(der.read(b"\x17\x0d491231235959Z")).year == 2049
    assert der.time(der.read(b"\x17\x0d500101000000Z")).year == 1950
    assert der.time(der.read(b"\x18\x0f20500101000000Z")).year == 2050


def test_every_truncation_of_a_certificate_is_a_clear_error() -> None:
    for cut in range(len(GOOD)):
        with pytest.raises(DERError):
            summarize(GOOD[:cut])


def test_trailing_garbage_and_not_a_certificate() -> None:
    with pytest.raises(DERError, match="bytes after the end"):
        summarize(GOOD + b"\x00")
    with pytest.raises(DERError, match="3 parts"):
        summarize(bytes.fromhex("3003020101"))
    with pytest.raises(DERError):
        summarize(b"garbage that is no DER at all")


def test_flipped_bytes_never_crash() -> None:
    """Each byte replaced by random values: a summary or a DERError, nothing else."""
    rng = random.Random(1616)
    for position in range(len(GOOD)):
        for _ in range(3):
            mutated = bytearray(GOOD)
            mutated[position] = rng.randrange(256)
            try:
                result = summarize(bytes(mutated))
            except DERError:
                continue
            assert isinstance(result, CertSummary)


def test_chain_error_names_the_certificate() -> None:
    with pytest.raises(DERError, match=r"^certificate 1: "):
        summarize_chain([GOOD, GOOD[:-5]])


def test_over_long_length_inside_pem_is_a_file_error() -> None:
    import base64

    bad = b"\x30\x84\x7f\xff\xff\xff" + GOOD[4:]
    pem = (
        b"-----BEGIN CERTIFICATE-----\n" + base64.encodebytes(bad) + b"-----END CERTIFICATE-----\n"
    )
    with pytest.raises(CertFileError, match=r"damaged PEM certificate \(block 0\): .*claims"):
        parse_certificates(pem)
