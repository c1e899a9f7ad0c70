"""SOAP 1.1 requests to the connector and the checks every answer must pass.

Requests are built with lxml (no string pasting of configured values) in the namespaces
of the service version picked from connector.sds; they validate against the gematik
schemas. Answers are parsed with `safexml` and reduced to the payload element, or raise
`CallFailed` with a short reason that is safe to log (no document content).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import etree

from exporters.ti import safexml

SOAP11 = "http://schemas.xmlsoap.org/soap/envelope/"
SOAP12 = "http://www.w3.org/2003/05/soap-envelope"
CONN = "http://ws.gematik.de/conn/ConnectorCommon/v5.0"
CCTX = "http://ws.gematik.de/conn/ConnectorContext/v2.0"
CARDCMN = "http://ws.gematik.de/conn/CardServiceCommon/v2.0"
XML_CONTENT_TYPES = ("text/xml", "application/soap+xml", "application/xml")


class CallFailed(Exception):
    """One connector call failed; the message is short and free of document content."""


@dataclass(frozen=True)
class CallContext:
    """The Aufrufkontext sent with every call."""

    mandant_id: str
    client_system_id: str
    workplace_id: str
    user_id: str | None = None


def service_namespace(service: str, major_minor: str) -> str:
    return f"http://ws.gematik.de/conn/{service}/v{major_minor}"


def soap_action(service: str, major_minor: str, operation: str) -> str:
    return f"{service_namespace(service, major_minor)}#{operation}"


def _context(ctx: CallContext) -> etree._Element:
    element = etree.Element(f"{{{CCTX}}}Context", nsmap={"CCTX": CCTX, "CONN": CONN})
    for name, value in (
        ("MandantId", ctx.mandant_id),
        ("ClientSystemId", ctx.client_system_id),
        ("WorkplaceId", ctx.workplace_id),
        ("UserId", ctx.user_id),
    ):
        if value is not None:
            etree.SubElement(element, f"{{{CONN}}}{name}").text = value
    return element


def build_request(
    service: str,
    major_minor: str,
    operation: str,
    ctx: CallContext,
    card_handle: str | None = None,
    pin_type: str | None = None,
) -> bytes:
    """The envelope of one call; the order of children follows the service's schema."""
    ns = service_namespace(service, major_minor)
    env = etree.Element(f"{{{SOAP11}}}Envelope", nsmap={"soap": SOAP11})
    body = etree.SubElement(env, f"{{{SOAP11}}}Body")
    op = etree.SubElement(
        body,
        f"{{{ns}}}{operation}",
        nsmap={"m": ns, "CONN": CONN, "CCTX": CCTX, "CARDCMN": CARDCMN},
    )
    handle = None
    if card_handle is not None:
        handle = etree.Element(f"{{{CONN}}}CardHandle")
        handle.text = card_handle
    if operation == "CheckCertificateExpiration" and handle is not None:
        op.append(handle)  # CertificateService puts the optional handle before the context
        handle = None
    op.append(_context(ctx))
    if handle is not None:
        op.append(handle)
    if pin_type is not None:
        etree.SubElement(op, f"{{{CARDCMN}}}PinTyp").text = pin_type
    return bytes(etree.tostring(env, xml_declaration=True, encoding="UTF-8"))


_SENSITIVE = [
    (re.compile(r"\b\d{20}\b"), "<iccsn>"),
    (re.compile(r"\b[A-Z]\d{9}\b"), "<kvnr>"),
]


def scrub(text: str, limit: int = 200) -> str:
    """Connector-supplied text for a log line: card numbers and KVNR masked, length bounded."""
    for pattern, replacement in _SENSITIVE:
        text = pattern.sub(replacement, text)
    text = " ".join(text.split())
    return text[:limit] + ("…" if len(text) > limit else "")


def check_content_type(content_type: str) -> None:
    media = content_type.split(";", 1)[0].strip().lower()
    if media not in XML_CONTENT_TYPES:
        raise CallFailed(f"unexpected content type {media or 'none'!r}")


def payload(status: int, content_type: str, body: bytes, operation: str) -> etree._Element:
    """The `<Operation>Response` element of an answer, after all checks; else CallFailed."""
    if status != 200 and status != 500:
        raise CallFailed(f"HTTP {status}")
    check_content_type(content_type)
    try:
        root = safexml.parse(body)
    except safexml.XMLRejected as exc:
        raise CallFailed(str(exc)) from None
    if safexml.local(root) != "Envelope" or etree.QName(root).namespace not in (SOAP11, SOAP12):
        raise CallFailed("answer is not a SOAP envelope")
    body_el = safexml.child(root, "Body")
    content = [c for c in body_el if isinstance(c.tag, str)] if body_el is not None else []
    if not content:
        raise CallFailed("SOAP body is empty")
    first = content[0]
    if safexml.local(first) == "Fault":
        raise CallFailed(fault_reason(first))
    if status != 200:
        raise CallFailed(f"HTTP {status} without a SOAP fault")
    if safexml.local(first) != f"{operation}Response":
        raise CallFailed(f"expected {operation}Response, got {safexml.local(first)[:64]}")
    result = safexml.text(first, "Status", "Result")
    if result not in ("OK", "Warning"):
        raise CallFailed(f"status result {scrub(result or 'missing', 32)}")
    return first


def fault_reason(fault: etree._Element) -> str:
    """'SOAP fault <gematik code> (<ErrorType>, <Severity>)' or 'SOAP fault <faultcode>'.

    The free-text parts (faultstring, ErrorText, Detail) are left out on purpose: a
    connector may name a card or its holder there, and log lines leave the practice.
    The gematik error code identifies the problem (gemSpec_Kon error tables).
    """
    for trace in safexml.descendants(fault, "Trace"):
        code = safexml.text(trace, "Code")
        if code and code.isdigit():
            kinds = [
                _word(safexml.text(trace, "ErrorType")),
                _word(safexml.text(trace, "Severity")),
            ]
            detail = ", ".join(k for k in kinds if k)
            return f"SOAP fault {code[:8]}" + (f" ({detail})" if detail else "")
    faultcode = safexml.text(fault, "faultcode") or safexml.text(fault, "Code", "Value")
    return f"SOAP fault {_word(faultcode) or 'without code'}"


def _word(value: str | None) -> str:
    """A short enum-like token (e.g. Technical, soap:Server); anything else is dropped."""
    if not value or not re.fullmatch(r"[A-Za-z][A-Za-z0-9_.:-]{0,40}", value):
        return ""
    return value
