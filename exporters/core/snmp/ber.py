"""SNMP v1/v2c messages in BER, encoded and decoded here (RFC 3416, RFC 1157, X.690).

A v1/v2c request is a community string and one PDU; what an exporter sends (GET,
GETNEXT, GETBULK with numeric OIDs) and reads (a Response PDU) is a small, fixed subset
of BER. Doing it here instead of through pysnmp/pyasn1 costs a fraction of the CPU per
scrape (pyasn1 builds a typed object per value) and keeps pysnmp out of the process when
no target uses SNMPv3. Every length is checked against the datagram: a malformed or
hostile answer raises `BerError`, never reads past the end.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

from exporters.core.snmp.values import Oid, SnmpValue

GET, GETNEXT, RESPONSE, GETBULK = 0xA0, 0xA1, 0xA2, 0xA5
_INTEGER, _OCTETS, _NULL, _OID, _SEQUENCE = 0x02, 0x04, 0x05, 0x06, 0x30
_IPADDRESS, _COUNTER32, _GAUGE32, _TIMETICKS, _OPAQUE, _COUNTER64 = (
    0x40,
    0x41,
    0x42,
    0x43,
    0x44,
    0x46,
)
_UNSIGNED = frozenset((_COUNTER32, _GAUGE32, _TIMETICKS, _COUNTER64))
_NO_VALUE = frozenset((_NULL, 0x80, 0x81, 0x82))  # Null, noSuchObject/Instance, endOfMibView
VERSIONS = {"1": 0, "2c": 1}


class BerError(ValueError):
    """A datagram that is no well-formed SNMP v1/v2c message."""


# -- encoding --------------------------------------------------------------------------------


def _length(n: int) -> bytes:
    if n < 0x80:
        return bytes((n,))
    raw = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes((0x80 | len(raw),)) + raw


def _tlv(tag: int, body: bytes) -> bytes:
    return bytes((tag,)) + _length(len(body)) + body


def _integer(value: int) -> bytes:
    return _tlv(_INTEGER, value.to_bytes(max(1, (value.bit_length() + 8) // 8), "big", signed=True))


def encode_oid(oid: str) -> bytes:
    """A dotted OID (`1.3.6.1...`, leading dot allowed) as BER contents with its tag."""
    try:
        arcs = [int(part) for part in oid.strip(".").split(".")]
    except ValueError:
        raise BerError(f"not a numeric OID: {oid!r}") from None
    if len(arcs) < 2 or arcs[0] > 2 or (arcs[0] < 2 and arcs[1] > 39) or min(arcs) < 0:
        raise BerError(f"not a valid OID: {oid!r}")
    out = bytearray()
    for arc in [arcs[0] * 40 + arcs[1], *arcs[2:]]:
        chunk = [arc & 0x7F]
        arc >>= 7
        while arc:
            chunk.append(0x80 | (arc & 0x7F))
            arc >>= 7
        out += bytes(reversed(chunk))
    return _tlv(_OID, bytes(out))


def encode_request(
    version: str,
    community: bytes,
    pdu_type: int,
    request_id: int,
    oids: Sequence[str],
    repetitions: int = 0,
) -> bytes:
    """A GET/GETNEXT (error fields 0) or GETBULK (non-repeaters 0, max-repetitions)
    message asking `oids` with Null values."""
    bindings = _bindings(tuple(oids))
    second = repetitions if pdu_type == GETBULK else 0
    pdu = _tlv(
        pdu_type,
        _integer(request_id) + _integer(0) + _integer(second) + _tlv(_SEQUENCE, bindings),
    )
    return _tlv(_SEQUENCE, _integer(VERSIONS[version]) + _tlv(_OCTETS, community) + pdu)


@lru_cache(maxsize=512)
def _bindings(oids: tuple[str, ...]) -> bytes:
    """The varbind list asking `oids`; an exporter asks the same lists every scrape."""
    return b"".join(_tlv(_SEQUENCE, encode_oid(oid) + b"\x05\x00") for oid in oids)


# -- decoding --------------------------------------------------------------------------------


def _read(data: bytes, at: int, end: int) -> tuple[int, int, int]:
    """(tag, start of contents, end of contents) of the TLV at `at`, within `end`."""
    if at + 2 > end:
        raise BerError("truncated")
    tag = data[at]
    first = data[at + 1]
    at += 2
    if first < 0x80:
        size = first
    else:
        count = first & 0x7F
        if count == 0 or count > 4 or at + count > end:
            raise BerError("bad length")
        size = int.from_bytes(data[at : at + count], "big")
        at += count
    if at + size > end:
        raise BerError("length past the end")
    return tag, at, at + size


def _expect(data: bytes, at: int, end: int, tag: int) -> tuple[int, int]:
    got, start, stop = _read(data, at, end)
    if got != tag:
        raise BerError(f"expected tag 0x{tag:02x}, got 0x{got:02x}")
    return start, stop


def _int(data: bytes, at: int, end: int) -> tuple[int, int]:
    start, stop = _expect(data, at, end, _INTEGER)
    if stop == start or stop - start > 9:
        raise BerError("bad integer")
    return int.from_bytes(data[start:stop], "big", signed=True), stop


def decode_oid(body: bytes) -> str:
    if not body or body[-1] & 0x80:
        raise BerError("bad OID")
    first = body[0]
    if first < 80 and max(body) < 0x80:  # every arc below 128: one byte each (the usual)
        prefix = "0." if first < 40 else "1."
        return prefix + ".".join(map(str, (first % 40, *body[1:])))
    arcs: list[int] = []
    value = 0
    for byte in body:
        value = (value << 7) | (byte & 0x7F)
        if not byte & 0x80:
            arcs.append(value)
            value = 0
    first = arcs[0]
    head = [0, first] if first < 40 else [1, first - 40] if first < 80 else [2, first - 80]
    return ".".join(map(str, head + arcs[1:]))


def _value(tag: int, body: bytes) -> SnmpValue | None:
    """As the pysnmp path decodes: integers as int, strings and addresses as bytes, OIDs as
    `Oid`, the no-value markers as None."""
    if tag == _INTEGER:
        if not body:
            raise BerError("empty integer")
        return int.from_bytes(body, "big", signed=True)
    if tag in _UNSIGNED:
        if not body:
            raise BerError("empty integer")
        return int.from_bytes(body, "big", signed=False)
    if tag in (_OCTETS, _IPADDRESS, _OPAQUE):
        return bytes(body)
    if tag == _OID:
        return Oid(decode_oid(body))
    if tag in _NO_VALUE:
        return None
    return None  # a type this exporter never reads (e.g. BITS in an Opaque)


def decode_response(
    data: bytes,
) -> tuple[int, bytes, int, int, int, list[tuple[str, SnmpValue | None]]]:
    """(version, community, request-id, error-status, error-index, varbinds) of a
    Response message; `BerError` for anything else."""
    end = len(data)
    start, stop = _expect(data, 0, end, _SEQUENCE)
    version, at = _int(data, start, stop)
    c_start, at = _expect(data, at, stop, _OCTETS)
    community = data[c_start:at]
    tag, p_start, p_stop = _read(data, at, stop)
    if tag != RESPONSE:
        raise BerError(f"not a Response PDU (0x{tag:02x})")
    request_id, at = _int(data, p_start, p_stop)
    status, at = _int(data, at, p_stop)
    index, at = _int(data, at, p_stop)
    at, v_stop = _expect(data, at, p_stop, _SEQUENCE)
    bindings: list[tuple[str, SnmpValue | None]] = []
    while at < v_stop:
        # the usual varbind: every length in short form; checked as `_read` would
        if at + 2 <= v_stop and data[at] == _SEQUENCE and data[at + 1] < 0x80:
            b_stop = at + 2 + data[at + 1]
            o_start = at + 4
            if b_stop <= v_stop and o_start <= b_stop and data[at + 2] == _OID:
                o_stop = o_start + data[at + 3]
                if data[at + 3] < 0x80 and o_stop + 2 <= b_stop and data[o_stop + 1] < 0x80:
                    x_start = o_stop + 2
                    x_stop = x_start + data[o_stop + 1]
                    if x_stop <= b_stop:
                        oid = decode_oid(data[o_start:o_stop])
                        bindings.append((oid, _value(data[o_stop], data[x_start:x_stop])))
                        at = b_stop
                        continue
        b_start, b_stop = _expect(data, at, v_stop, _SEQUENCE)
        o_start, o_stop = _expect(data, b_start, b_stop, _OID)
        tag, x_start, x_stop = _read(data, o_stop, b_stop)
        bindings.append((decode_oid(data[o_start:o_stop]), _value(tag, data[x_start:x_stop])))
        at = b_stop
    return version, bytes(community), request_id, status, index, bindings
