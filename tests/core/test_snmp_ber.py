"""Our SNMP v1/v2c BER codec against pysnmp/pyasn1 (an implementation nobody here wrote):
requests we encode decode there as the same PDU, responses encoded there decode here to
the values the pysnmp path gave; malformed datagrams only ever raise BerError."""

from __future__ import annotations

import random
import subprocess
import sys

import pytest
from pyasn1.codec.ber import decoder, encoder
from pysnmp.proto import api, rfc1902, rfc1905

from exporters.core.snmp import ber
from exporters.core.snmp.client import decode
from exporters.core.snmp.values import Oid

OIDS = [
    "1.3.6.1.2.1.1.2.0",
    "1.3.6.1.2.1.33.1.2.3.0",
    "1.3.6.1.4.1.318.1.1.1.1.1.1.0",
    "1.3.6.1.4.1.12356.101.4.6.3.1.2.1.4294967295",  # a large arc
    "2.999.1",  # a top arc beyond 39 under 2
    "0.0",
]


@pytest.mark.parametrize(
    ("version", "kind"),
    # SNMPv1 has no GETBULK (the session sends GETNEXT there)
    [("1", ber.GET), ("1", ber.GETNEXT), ("2c", ber.GET), ("2c", ber.GETNEXT), ("2c", ber.GETBULK)],
)
def test_requests_decode_in_pysnmp_as_sent(version: str, kind: int) -> None:
    p_mod = api.PROTOCOL_MODULES[api.SNMP_VERSION_1 if version == "1" else api.SNMP_VERSION_2C]
    data = ber.encode_request(version, b"pu\xb6lic", kind, 2**31 - 1, OIDS, repetitions=25)
    message, rest = decoder.decode(data, asn1Spec=p_mod.Message())
    assert rest == b""
    assert int(p_mod.apiMessage.get_version(message)) == (0 if version == "1" else 1)
    assert bytes(p_mod.apiMessage.get_community(message)) == b"pu\xb6lic"
    pdu = p_mod.apiMessage.get_pdu(message)
    expected = {ber.GET: "GetRequestPDU", ber.GETNEXT: "GetNextRequestPDU"}
    expected[ber.GETBULK] = "GetBulkRequestPDU"
    assert pdu.__class__.__name__ == expected[kind]
    assert int(p_mod.apiPDU.get_request_id(pdu)) == 2**31 - 1
    assert [str(o) for o, _ in p_mod.apiPDU.get_varbinds(pdu)] == OIDS
    if kind == ber.GETBULK:
        assert int(p_mod.apiBulkPDU.get_max_repetitions(pdu)) == 25
        assert int(p_mod.apiBulkPDU.get_non_repeaters(pdu)) == 0


VALUES = [
    rfc1902.Integer32(-2147483648),
    rfc1902.Integer32(0),
    rfc1902.Integer32(1092),
    rfc1902.Integer32(-1),
    rfc1902.Counter32(4294967295),
    rfc1902.Gauge32(2**31),
    rfc1902.TimeTicks(123456789),
    rfc1902.Counter64(2**64 - 1),
    rfc1902.OctetString(b"EATON 93E 80"),
    rfc1902.OctetString(b""),
    rfc1902.OctetString(bytes(range(256))),
    rfc1902.IpAddress("192.0.2.20"),
    rfc1902.ObjectName("1.3.6.1.4.1.705.1"),
    rfc1905.NoSuchObject(""),
    rfc1905.NoSuchInstance(""),
    rfc1905.EndOfMibView(""),
    rfc1902.Null(""),
]


def pysnmp_response(request_id: int, status: int, index: int, varbinds: list) -> bytes:
    p_mod = api.PROTOCOL_MODULES[api.SNMP_VERSION_2C]
    pdu = p_mod.GetResponsePDU()
    p_mod.apiPDU.set_defaults(pdu)
    p_mod.apiPDU.set_request_id(pdu, request_id)
    p_mod.apiPDU.set_error_status(pdu, status)
    p_mod.apiPDU.set_error_index(pdu, index)
    p_mod.apiPDU.set_varbinds(pdu, varbinds)
    message = p_mod.Message()
    p_mod.apiMessage.set_defaults(message)
    p_mod.apiMessage.set_community(message, "praxis")
    p_mod.apiMessage.set_pdu(message, pdu)
    return bytes(encoder.encode(message))


def test_responses_from_pysnmp_decode_to_what_the_pysnmp_path_gave() -> None:
    varbinds = [(f"1.3.6.1.2.1.33.1.{i}.0", v) for i, v in enumerate(VALUES)]
    data = pysnmp_response(77, 0, 0, varbinds)
    version, community, request_id, status, index, got = ber.decode_response(data)
    assert (version, community, request_id, status, index) == (1, b"praxis", 77, 0, 0)
    assert [oid for oid, _ in got] == [oid for oid, _ in varbinds]
    for (_, ours), (_, value) in zip(got, varbinds, strict=True):
        theirs = decode(value)
        assert ours == theirs and type(ours) is type(theirs), (ours, theirs)
    assert isinstance(got[12][1], Oid)


def test_error_status_and_index_come_through() -> None:
    data = pysnmp_response(5, 2, 3, [("1.3.6.1.2.1.1.1.0", rfc1902.Null(""))])
    assert ber.decode_response(data)[3:5] == (2, 3)


def test_long_lengths_decode() -> None:
    big = [(f"1.3.6.1.2.1.2.2.1.2.{i}", rfc1902.OctetString(b"x" * 300)) for i in range(300)]
    data = pysnmp_response(9, 0, 0, big)
    assert len(data) > 65536 // 2
    assert len(ber.decode_response(data)[5]) == 300


def test_malformed_datagrams_only_raise_ber_error() -> None:
    good = pysnmp_response(1, 0, 0, [(f"1.3.6.1.2.1.33.1.{i}.0", v) for i, v in enumerate(VALUES)])
    rng = random.Random(16)
    cases = [b"", b"\x30", b"\x30\x84\xff\xff\xff\xff", b"\x30\x80", good[:-1], good + b"\x00"]
    cases += [good[:n] for n in range(0, len(good), 7)]
    for _ in range(2000):
        data = bytearray(good)
        for _ in range(rng.randint(1, 4)):
            data[rng.randrange(len(data))] = rng.randrange(256)
        cases.append(bytes(data))
    cases.append(ber.encode_request("2c", b"x", ber.GET, 1, ["1.3.6"]))  # a request
    for data in cases:
        try:
            ber.decode_response(data)
        except ber.BerError:
            pass


def test_bad_oids_are_refused_before_sending() -> None:
    for oid in ("", "1", "1.3.x", "3.1", "1.40", "1.3.-1"):
        with pytest.raises(ber.BerError):
            ber.encode_oid(oid)


def test_a_v2c_session_never_imports_pysnmp() -> None:
    code = (
        "import sys\n"
        "from exporters.core.snmp.session import open_session\n"
        "from exporters.core.snmp.settings import SnmpSettings\n"
        "open_session('127.0.0.1', 161, SnmpSettings(version='2c', community='c'), 1)\n"
        "import exporters.ups.collector, exporters.firewall.collector\n"
        "print(sorted(m for m in sys.modules if m.startswith(('pysnmp', 'pyasn1'))))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert out.stdout.strip() == "[]"
