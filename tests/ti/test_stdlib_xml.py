"""The TI exporter reads and writes XML with the standard library (no lxml at runtime):
its requests are byte-identical to lxml's serialisation of the same tree, its parser sees
the same tree as lxml in every simulator answer of every vendor style, and it refuses
what could expand, fetch or nest without bound."""

from __future__ import annotations

import pytest
from lxml import etree

from exporters.ti import safexml, soap
from simulators.ti_connector import documents as docs
from simulators.ti_connector.model import SCENARIOS, ConnectorState, apply_scenario
from simulators.ti_connector.server import OPERATIONS, VENDORS, Simulator, handle_soap

CTX = soap.CallContext("Mandant & <1>", 'PVS "1"', "Empfang\tÄÖÜ €", "user\r1")


def _lxml_request(
    service: str, version: str, op: str, ctx: soap.CallContext, handle: str | None, pin: str | None
) -> bytes:
    """The request as the exporter built it with lxml before (reference serialisation)."""
    ns = soap.service_namespace(service, version)
    env = etree.Element(f"{{{soap.SOAP11}}}Envelope", nsmap={"soap": soap.SOAP11})
    body = etree.SubElement(env, f"{{{soap.SOAP11}}}Body")
    nsmap = {"m": ns, "CONN": soap.CONN, "CCTX": soap.CCTX, "CARDCMN": soap.CARDCMN}
    el = etree.SubElement(body, f"{{{ns}}}{op}", nsmap=nsmap)
    context = etree.Element(f"{{{soap.CCTX}}}Context", nsmap={"CCTX": soap.CCTX, "CONN": soap.CONN})
    for name, value in (
        ("MandantId", ctx.mandant_id),
        ("ClientSystemId", ctx.client_system_id),
        ("WorkplaceId", ctx.workplace_id),
        ("UserId", ctx.user_id),
    ):
        if value is not None:
            etree.SubElement(context, f"{{{soap.CONN}}}{name}").text = value
    card = None
    if handle is not None:
        card = etree.Element(f"{{{soap.CONN}}}CardHandle")
        card.text = handle
    if op == "CheckCertificateExpiration" and card is not None:
        el.append(card)
        card = None
    el.append(context)
    if card is not None:
        el.append(card)
    if pin is not None:
        etree.SubElement(el, f"{{{soap.CARDCMN}}}PinTyp").text = pin
    return bytes(etree.tostring(env, xml_declaration=True, encoding="UTF-8"))


@pytest.mark.parametrize("ctx", [CTX, soap.CallContext("M1", "C1", "W1")], ids=["odd", "plain"])
def test_requests_are_byte_identical_to_lxml(ctx: soap.CallContext) -> None:
    cases = [
        (s, v, op, "H&1" if op == "GetPinStatus" else None) for op, (s, v) in OPERATIONS.items()
    ]
    cases.append(("CertificateService", "6.0", "CheckCertificateExpiration", "SMC<B>"))
    for service, version, op, handle in cases:
        pin = "PIN.SMC" if op == "GetPinStatus" else None
        ours = soap.build_request(service, version, op, ctx, handle, pin)
        assert ours == _lxml_request(service, version, op, ctx, handle, pin), op


@pytest.mark.parametrize("value", ["\x00", "a\x01b", "\ufffe", "\ud800"])
def test_values_that_cannot_be_xml_are_refused(value: str) -> None:
    with pytest.raises(ValueError):
        soap.build_request("EventService", "7.2", "GetCards", soap.CallContext(value, "C", "W"))


def _same_tree(ours: safexml.Element, theirs: etree._Element) -> None:
    theirs_children = [c for c in theirs if isinstance(c.tag, str)]
    assert ours.tag == theirs.tag
    assert dict(ours.attrib) == dict(theirs.attrib)
    assert (ours.text or "").strip() == (theirs.text or "").strip(), ours.tag
    assert len(ours) == len(theirs_children), ours.tag
    for a, b in zip(ours, theirs_children, strict=True):
        _same_tree(a, b)


@pytest.mark.parametrize("vendor", sorted(VENDORS))
def test_answers_parse_to_the_same_tree_as_with_lxml(vendor: str) -> None:
    """Every vendor style (prefixes, default namespaces) and scenario: same Clark tags,
    attributes, texts and children as lxml saw."""
    state = ConnectorState()
    for name in SCENARIOS:
        apply_scenario(state, name)
    sim = Simulator(state=state, vendor=VENDORS[vendor])
    answers = [docs.service_directory(state, sim.advertised_base, sim.vendor.paths)]
    for op, (service, version) in OPERATIONS.items():
        handle = "SMCB-1" if op == "GetPinStatus" else None
        pin = "PIN.SMC" if op == "GetPinStatus" else None
        body = soap.build_request(service, version, op, CTX, handle, pin)
        action = f'"{soap.soap_action(service, version, op)}"'
        answers.append(handle_soap(sim, service, action, body)[1])
    state.faults.add("GetCards")
    answers.append(
        handle_soap(
            sim,
            "EventService",
            f'"{soap.soap_action("EventService", "7.2", "GetCards")}"',
            soap.build_request("EventService", "7.2", "GetCards", CTX),
        )[1]
    )
    for answer in answers:
        _same_tree(safexml.parse(answer), etree.fromstring(answer))


def test_namespace_and_local_name() -> None:
    root = safexml.parse(
        b'<e:Envelope xmlns:e="http://www.w3.org/2003/05/soap-envelope"><Body xmlns="urn:x">'
        b"<a/></Body><plain/></e:Envelope>"
    )
    assert safexml.namespace(root) == soap.SOAP12 and safexml.local(root) == "Envelope"
    body = safexml.child(root, "Body")
    assert body is not None and safexml.namespace(body) == "urn:x"
    plain = safexml.child(root, "plain")
    assert plain is not None and safexml.namespace(plain) is None


UTF16_DOCTYPE = "<?xml version='1.0' encoding='UTF-16'?><!DOCTYPE a [<!ENTITY x 'y'>]><a>&x;</a>"


@pytest.mark.parametrize(
    ("document", "reason"),
    [
        (b"<a>" * 300 + b"</a>" * 300, "nested deeper"),
        (UTF16_DOCTYPE.encode("utf-16"), "DOCTYPE"),
        (b"<a>&x;</a>", "malformed"),
        (b"<a:b/>", "malformed"),
        (b"", "malformed"),
        (b"<?xml version='1.0' encoding='no-such-codec'?><a/>", "malformed"),
    ],
    ids=["deep", "utf16-doctype", "undefined-entity", "unbound-prefix", "empty", "codec"],
)
def test_refused_documents(document: bytes, reason: str) -> None:
    with pytest.raises(safexml.XMLRejected, match=reason):
        safexml.parse(document)


def test_size_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(safexml, "MAX_DOCUMENT_BYTES", 1000)
    safexml.parse(b"<a>" + b"x" * 900 + b"</a>")
    with pytest.raises(safexml.XMLRejected, match="larger than 1000 bytes"):
        safexml.parse(b"<a>" + b"x" * 1000 + b"</a>")


def test_comments_and_processing_instructions_are_dropped() -> None:
    root = safexml.parse(b"<a><!-- c --><?pi x?><b>1</b><!-- d --></a>")
    assert [safexml.local(c) for c in root] == ["b"]
    assert safexml.text(root, "b") == "1"
