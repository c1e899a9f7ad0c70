"""Pure parsing: connector.sds, SOAP answers in every vendor style, faults, dates."""

from __future__ import annotations

import datetime as dt

import pytest

from exporters.core import MetricSink
from exporters.ti import directory, readings, safexml, series, soap
from exporters.ti.catalogue import CATALOGUE
from simulators.ti_connector import documents as docs
from simulators.ti_connector.model import ConnectorState, apply_scenario, egk
from simulators.ti_connector.server import VENDORS

MARCH_1 = dt.datetime(2027, 3, 1, tzinfo=dt.UTC).timestamp()


def _payload(node: docs.N, style: str, op: str):
    return soap.payload(200, "text/xml; charset=utf-8", docs.envelope(node, style), op)


@pytest.mark.parametrize("style", docs.STYLES)
def test_answers_parse_the_same_in_every_prefix_style(style: str) -> None:
    state = ConnectorState()
    apply_scenario(state, "vpn_ti_down")
    apply_scenario(state, "terminal_disconnected")
    status = readings.resource_information(
        _payload(docs.resource_information(state), style, "GetResourceInformation")
    )
    assert status.vpn_ti_online is False and status.vpn_sis_online is True
    active = {e.condition for e in status.error_states if e.active}
    assert active == {"EC_No_VPN_TI_Connection"}
    terms = readings.card_terminals(_payload(docs.card_terminals(state), style, "GetCardTerminals"))
    assert [(t.ct_id, t.connected) for t in terms] == [("CT_EMPFANG", True), ("CT_SPRECHZ1", False)]
    cards = readings.cards(_payload(docs.cards(state), style, "GetCards"))
    assert [c.card_type for c in cards.own] == ["SMC-B", "HBA", "SMC-KT"]
    pin = readings.pin_status(_payload(docs.pin_status(state.cards[0]), style, "GetPinStatus"))
    assert pin.status == "VERIFIED"
    exp = readings.certificate_expiration(
        _payload(docs.certificate_expiration(state), style, "CheckCertificateExpiration")
    )
    assert exp[0].subject == "Konnektor gSMC-K" and exp[0].expiry is not None


UNQUALIFIED = b"""<?xml version="1.0"?>
<env:Envelope xmlns:env="http://schemas.xmlsoap.org/soap/envelope/">
 <env:Body>
  <ns3:GetCardTerminalsResponse xmlns:ns3="http://ws.gematik.de/conn/EventService/v7.2">
   <Status><Result>OK</Result></Status>
   <CardTerminals>
    <CardTerminal><CtId>KT-1</CtId><Name>Empfang</Name><Connected>false</Connected></CardTerminal>
   </CardTerminals>
  </ns3:GetCardTerminalsResponse>
 </env:Body>
</env:Envelope>"""


def test_unqualified_children_are_tolerated() -> None:
    """Some connectors write children without any namespace (not schema-valid, but seen)."""
    terms = readings.card_terminals(soap.payload(200, "text/xml", UNQUALIFIED, "GetCardTerminals"))
    assert terms == [readings.Terminal("KT-1", "Empfang", False)]


def test_directory_parses_versions_and_picks_highest_supported() -> None:
    state = ConnectorState()
    sim_paths = VENDORS["rise"].paths
    sds = directory.parse(docs.service_directory(state, "https://10.0.0.5:443", sim_paths))
    assert sds.product.fw_version == "5.1.2"
    assert sds.product.vendor_id == "SECUN"
    assert sds.highest("SignatureService").version == "7.5.5"
    event = sds.pick("EventService")
    assert (
        event.version == "7.2.0"
        and event.endpoint == "https://10.0.0.5:443/webservices/eventservice"
    )
    cert = sds.pick("CertificateService")
    assert cert.version == "6.0.1" and cert.major_minor == "6.0"
    assert sds.pick("SignatureService") is None  # not spoken by the exporter


def test_directory_rejects_garbage() -> None:
    with pytest.raises(directory.DirectoryError):
        directory.parse(b"<html><body>Login</body></html>")
    with pytest.raises(directory.DirectoryError):
        directory.parse(b"not xml at all")


@pytest.mark.parametrize(
    ("endpoint", "rewrite", "expected"),
    [
        ("https://10.0.0.5:443/ws/EventService", True, "https://konn:8443/ws/EventService"),
        ("http://intern/ws/Card?x=1", True, "https://konn:8443/ws/Card?x=1"),
        ("/service/eventservice", False, "https://konn:8443/service/eventservice"),
        ("http://konn:80/ws/EventService", False, "http://konn:80/ws/EventService"),
    ],
)
def test_resolve_endpoint(endpoint: str, rewrite: bool, expected: str) -> None:
    assert directory.resolve_endpoint(endpoint, "https://konn:8443", rewrite) == expected


def test_resolve_endpoint_never_sends_credentials_elsewhere() -> None:
    with pytest.raises(directory.DirectoryError, match="differs"):
        directory.resolve_endpoint("https://evil.example/ws/E", "https://konn:8443", False)
    with pytest.raises(directory.DirectoryError):
        directory.resolve_endpoint("file:///etc/passwd", "https://konn:8443", True)


def test_fault_reason_uses_gematik_code_and_drops_free_text() -> None:
    body = docs.fault(4101, "Karte 80276001011699901234 von Erika Mustermann ungültig", "jaxws")
    with pytest.raises(soap.CallFailed) as info:
        soap.payload(500, "text/xml", body, "GetCards")
    assert str(info.value) == "SOAP fault 4101 (Technical, Error)"


def test_fault_without_gematik_error_uses_faultcode() -> None:
    body = (
        b'<e:Envelope xmlns:e="http://www.w3.org/2003/05/soap-envelope"><e:Body><e:Fault>'
        b"<e:Code><e:Value>e:Receiver</e:Value></e:Code><e:Reason><e:Text>Herr X110411675"
        b"</e:Text></e:Reason></e:Fault></e:Body></e:Envelope>"
    )
    with pytest.raises(soap.CallFailed) as info:
        soap.payload(500, "application/soap+xml", body, "GetCards")
    assert str(info.value) == "SOAP fault e:Receiver"


def test_scrub_masks_card_numbers_and_kvnr() -> None:
    assert soap.scrub("ICCSN 80276001011699901234 KVNR X110411675") == "ICCSN <iccsn> KVNR <kvnr>"


def test_status_result_must_be_ok() -> None:
    body = docs.envelope(
        docs.N(
            docs.EVT,
            "GetCardsResponse",
            [docs.N(docs.CONN, "Status", [docs.t(docs.CONN, "Result", "ERROR")])],
        ),
        "gematik",
    )
    with pytest.raises(soap.CallFailed, match="status result"):
        soap.payload(200, "text/xml", body, "GetCards")


def test_wrong_response_element_is_a_failure() -> None:
    body = docs.envelope(docs.cards(ConnectorState()), "gematik")
    with pytest.raises(soap.CallFailed, match="expected GetCardTerminalsResponse"):
        soap.payload(200, "text/xml", body, "GetCardTerminals")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2027-03-01", MARCH_1),
        ("2027-03-01Z", MARCH_1),
        ("2027-03-01T12:00:00Z", MARCH_1 + 43200),
        ("garbage", None),
        (None, None),
    ],
)
def test_date_timestamp(value, expected) -> None:
    assert readings.date_timestamp(value) == expected


def test_patient_cards_are_reduced_to_counts() -> None:
    state = ConnectorState()
    state.cards.append(egk("CT_EMPFANG", 2))
    card_list = readings.cards(_payload(docs.cards(state), "default", "GetCards"))
    assert card_list.patient_cards_per_terminal == {"CT_EMPFANG": 1}
    assert all(c.card_type != "EGK" for c in card_list.own)
    sink = MetricSink({"target": "t"}, CATALOGUE)
    series.cards(sink, card_list, ["CT_EMPFANG", "CT_SPRECHZ1"])
    assert sink.sample_value("ti_patient_cards_inserted", {"ct_id": "CT_EMPFANG"}) == 1
    assert sink.sample_value("ti_patient_cards_inserted", {"ct_id": "CT_SPRECHZ1"}) == 0


def test_certificate_expiry_drops_patient_cards_and_types_gsmck() -> None:
    state = ConnectorState()
    state.cards.append(egk())
    card_list = readings.cards(_payload(docs.cards(state), "gematik", "GetCards"))
    hostile = readings.CertificateExpiry(
        "CT_EMPFANG", "EGK-1", "80276001011699901234", "Erika", "01", 1.0
    )
    entries = [
        readings.CertificateExpiry("", "SMCK", "80276883110000300099", "gSMC-K", "0A", 2.0),
        readings.CertificateExpiry(
            "CT_EMPFANG", "SMCB-1", "80276883110000117621", "Praxis", "0B", 3.0
        ),
        hostile,
    ]
    sink = MetricSink({"target": "t"}, CATALOGUE)
    series.certificate_expiry(sink, entries, card_list)
    labels = [s.labels for s in sink.samples("ti_certificate_expiry_timestamp_seconds")]
    assert [(x["card_type"], x["iccsn"]) for x in labels] == [
        ("gSMC-K", "80276883110000300099"),
        ("SMC-B", "80276883110000117621"),
    ]


def test_each_certificate_of_a_card_is_its_own_series() -> None:
    """A real connector lists every certificate of a card (C.HCI.AUT, .ENC, .OSIG of an
    SMC-B share ICCSN and subject): the serial tells them apart, a repeated entry is one."""
    card = "80276883110000117621"
    entries = [
        readings.CertificateExpiry("CT_EMPFANG", "SMCB-1", card, "Praxis", "0A", 1.0),
        readings.CertificateExpiry("CT_EMPFANG", "SMCB-1", card, "Praxis", "0B", 2.0),
        readings.CertificateExpiry("CT_EMPFANG", "SMCB-1", card, "Praxis", "0B", 2.0),
    ]
    sink = MetricSink({"target": "t"}, CATALOGUE)
    series.certificate_expiry(sink, entries, None)
    found = sink.samples("ti_certificate_expiry_timestamp_seconds")
    assert sorted((s.labels["serial"], s.value) for s in found) == [("0A", 1.0), ("0B", 2.0)]


def test_safexml_refuses_doctype_even_late_in_the_prolog() -> None:
    doc = (
        b"<?xml version='1.0'?>"
        + b"<!-- pad -->" * 500
        + b"<!DOCTYPE a [<!ENTITY x 'y'>]><a>&x;</a>"
    )
    with pytest.raises(safexml.XMLRejected):
        safexml.parse(doc)
