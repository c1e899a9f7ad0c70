"""A small, strict DER reader (X.690) for what the exporters read from certificates.

X.509 certificates, PKCS#12 envelopes and keys are DER: tag, length, contents, nested.
Reading the few fields an exporter exports takes a handful of lookups here, where
`cryptography` costs ~11 MiB of RSS to import and builds an object per field. Everything
works on offsets into one `bytes` object (no copies until a value is decoded), every length
is checked against its enclosing element, and anything malformed - truncated, an
over-long or indefinite length, a wrong tag - raises `DERError` (a `ValueError`) saying
what and where, never an IndexError or a read past the end.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from exporters.core.snmp.ber import BerError, decode_oid

BOOLEAN, INTEGER, BIT_STRING, OCTET_STRING, NULL, OID = 0x01, 0x02, 0x03, 0x04, 0x05, 0x06
UTF8_STRING, PRINTABLE_STRING, T61_STRING, IA5_STRING = 0x0C, 0x13, 0x14, 0x16
UTC_TIME, GENERALIZED_TIME, UNIVERSAL_STRING, BMP_STRING = 0x17, 0x18, 0x1C, 0x1E
SEQUENCE, SET = 0x30, 0x31

MAX_LENGTH_OCTETS = 4
"""Longer length fields would describe elements of more than 4 GiB: never a certificate."""


class DERError(ValueError):
    """Bytes that are not the DER structure expected; the message says what and where."""


class Element:
    """One TLV inside `data`: `tag`, contents `data[start:stop]`, the TLV from `head`."""

    __slots__ = ("data", "head", "start", "stop", "tag")

    def __init__(self, data: bytes, tag: int, head: int, start: int, stop: int) -> None:
        self.data = data
        self.tag = tag
        self.head = head  # offset of the tag byte
        self.start = start
        self.stop = stop

    @property
    def contents(self) -> bytes:
        return self.data[self.start : self.stop]

    @property
    def encoded(self) -> bytes:
        """The whole TLV (tag and length included)."""
        return self.data[self.head : self.stop]

    @property
    def constructed(self) -> bool:
        return bool(self.tag & 0x20)

    def children(self) -> Iterator[Element]:
        """The elements inside a constructed element, in order."""
        if not self.constructed:
            raise DERError(f"{_tag_name(self.tag)} at byte {self.head} is not constructed")
        at = self.start
        while at < self.stop:
            child = read(self.data, at, self.stop)
            yield child
            at = child.stop

    def expect(self, tag: int) -> Element:
        """This element, if it has `tag`."""
        if self.tag != tag:
            raise DERError(
                f"expected {_tag_name(tag)} at byte {self.head}, found {_tag_name(self.tag)}"
            )
        return self


def read(data: bytes, at: int = 0, end: int | None = None) -> Element:
    """The element starting at `at`, which must end by `end` (default: end of `data`)."""
    end = len(data) if end is None else end
    if at + 2 > end:
        raise DERError(f"truncated at byte {at} (need a tag and a length)")
    tag = data[at]
    if tag & 0x1F == 0x1F:
        raise DERError(f"multi-byte tag at byte {at} (not used in certificates)")
    first = data[at + 1]
    pos = at + 2
    if first < 0x80:
        size = first
    elif first == 0x80:
        raise DERError(f"indefinite length at byte {at} (BER, not DER)")
    else:
        count = first & 0x7F
        if count > MAX_LENGTH_OCTETS:
            raise DERError(f"over-long length field ({count} octets) at byte {at}")
        if pos + count > end:
            raise DERError(f"truncated length at byte {at}")
        size = int.from_bytes(data[pos : pos + count], "big")
        if size < 0x80 or data[pos] == 0:
            raise DERError(f"non-minimal length at byte {at} (BER, not DER)")
        pos += count
    if pos + size > end:
        raise DERError(
            f"{_tag_name(tag)} at byte {at} claims {size} bytes, only {end - pos} follow"
        )
    return Element(data, tag, at, pos, pos + size)


def read_whole(data: bytes, tag: int = SEQUENCE) -> Element:
    """`data` as exactly one element with `tag` (trailing bytes are an error)."""
    element = read(data).expect(tag)
    if element.stop != len(data):
        raise DERError(f"{len(data) - element.stop} bytes after the end of the {_tag_name(tag)}")
    return element


def integer(element: Element) -> int:
    """A (signed) INTEGER."""
    element.expect(INTEGER)
    if element.start == element.stop:
        raise DERError(f"empty INTEGER at byte {element.head}")
    return int.from_bytes(element.contents, "big", signed=True)


def oid(element: Element) -> str:
    """An OBJECT IDENTIFIER as a dotted string."""
    element.expect(OID)
    try:
        return decode_oid(element.contents)
    except (BerError, IndexError):
        raise DERError(f"bad OBJECT IDENTIFIER at byte {element.head}") from None


def bit_string(element: Element) -> bytes:
    """The bits of a BIT STRING as bytes (the unused-bits count dropped)."""
    element.expect(BIT_STRING)
    if element.start == element.stop or element.data[element.start] > 7:
        raise DERError(f"bad BIT STRING at byte {element.head}")
    return element.data[element.start + 1 : element.stop]


def boolean(element: Element) -> bool:
    element.expect(BOOLEAN)
    if element.stop - element.start != 1:
        raise DERError(f"bad BOOLEAN at byte {element.head}")
    return element.data[element.start] != 0


def time(element: Element) -> dt.datetime:
    """A UTCTime (YYMMDDHHMMSSZ; 50-99 are 19xx) or GeneralizedTime (YYYYMMDDHHMMSSZ), UTC.

    These are the only forms RFC 5280 allows in certificates."""
    text = element.contents
    if element.tag == UTC_TIME and len(text) == 13:
        year = int(_digits(text[:2], element))
        year += 1900 if year >= 50 else 2000
        rest = text[2:]
    elif element.tag == GENERALIZED_TIME and len(text) == 15:
        year = int(_digits(text[:4], element))
        rest = text[4:]
    else:
        raise DERError(f"expected a UTCTime or GeneralizedTime at byte {element.head}")
    if rest[-1:] != b"Z":
        raise DERError(f"time at byte {element.head} is not in UTC (Z)")
    fields = _digits(rest[:-1], element)
    try:
        return dt.datetime(
            year,
            int(fields[0:2]),
            int(fields[2:4]),
            int(fields[4:6]),
            int(fields[6:8]),
            int(fields[8:10]),
            tzinfo=dt.UTC,
        )
    except ValueError:
        raise DERError(f"impossible date at byte {element.head}: {text!r}") from None


def text(element: Element) -> str | bytes:
    """A directory string as text (UTF-8, BMP and Universal strings decoded); a BIT STRING
    (x500UniqueIdentifier) as its raw contents, as `cryptography` returns it. Bytes that
    do not decode are replaced, not fatal."""
    tag = element.tag
    if tag == BIT_STRING:
        return element.contents
    raw = element.contents
    if tag == BMP_STRING:
        return raw.decode("utf-16-be", "replace")
    if tag == UNIVERSAL_STRING:
        return raw.decode("utf-32-be", "replace")
    return raw.decode("utf-8", "replace")


def _digits(raw: bytes, element: Element) -> str:
    if not raw.isdigit():
        raise DERError(f"bad time at byte {element.head}: {element.contents!r}")
    return raw.decode("ascii")


_TAG_NAMES = {
    BOOLEAN: "BOOLEAN",
    INTEGER: "INTEGER",
    BIT_STRING: "BIT STRING",
    OCTET_STRING: "OCTET STRING",
    NULL: "NULL",
    OID: "OBJECT IDENTIFIER",
    UTC_TIME: "UTCTime",
    GENERALIZED_TIME: "GeneralizedTime",
    SEQUENCE: "SEQUENCE",
    SET: "SET",
}


def _tag_name(tag: int) -> str:
    if tag in _TAG_NAMES:
        return _TAG_NAMES[tag]
    if tag & 0xC0 == 0x80:
        return f"[{tag & 0x1F}]"
    return f"tag 0x{tag:02x}"
