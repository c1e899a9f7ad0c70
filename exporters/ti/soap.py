"""SOAP 1.1 requests to the connector and the checks every answer must pass.

Requests are written from a fixed template in the namespaces of the service version
picked from connector.sds, every configured value escaped (and refused if it cannot be
XML); they validate against the gematik schemas and are byte-identical to what lxml wrote
before (same prefixes, declarations on the same elements). Answers are parsed with
`safexml` and reduced to the payload element, or raise `CallFailed` with a short reason
that is safe to log (no document content).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from exporters.ti import safexml
from exporters.ti.safexml import Element

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


_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _escaped(value: str) -> str:
    """Element text as lxml wrote it: &, <, > and CR escaped; non-XML characters refused."""
    if _NOT_XML.search(value):
        raise ValueError("All strings must be XML compatible: no NULL bytes or control characters")
    return (
        value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")
    )


def _leaf(prefix: str, name: str, value: str) -> str:
    return f"<{prefix}:{name}>{_escaped(value)}</{prefix}:{name}>"


def _context(ctx: CallContext) -> str:
    parts = [
        _leaf("CONN", name, value)
        for name, value in (
            ("MandantId", ctx.mandant_id),
            ("ClientSystemId", ctx.client_system_id),
            ("WorkplaceId", ctx.workplace_id),
            ("UserId", ctx.user_id),
        )
        if value is not None
    ]
    return "<CCTX:Context>" + "".join(parts) + "</CCTX:Context>"


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
    if not re.fullmatch(r"[A-Za-z]+", service + operation) or not re.fullmatch(
        r"\d+\.\d+", major_minor
    ):
        raise ValueError("service, version or operation not usable in a request")
    handle = _leaf("CONN", "CardHandle", card_handle) if card_handle is not None else ""
    if operation == "CheckCertificateExpiration":
        inner = [handle, _context(ctx)]  # CertificateService puts the handle before the context
    else:
        inner = [_context(ctx), handle]
    if pin_type is not None:
        inner.append(_leaf("CARDCMN", "PinTyp", pin_type))
    document = (
        "<?xml version='1.0' encoding='UTF-8'?>\n"
        f'<soap:Envelope xmlns:soap="{SOAP11}"><soap:Body>'
        f'<m:{operation} xmlns:m="{ns}" xmlns:CONN="{CONN}" xmlns:CCTX="{CCTX}"'
        f' xmlns:CARDCMN="{CARDCMN}">'
        + "".join(inner)
        + f"</m:{operation}></soap:Body></soap:Envelope>"
    )
    return document.encode()


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


def payload(status: int, content_type: str, body: bytes, operation: str) -> Element:
    """The `<Operation>Response` element of an answer, after all checks; else CallFailed."""
    if status != 200 and status != 500:
        raise CallFailed(f"HTTP {status}")
    check_content_type(content_type)
    try:
        root = safexml.parse(body)
    except safexml.XMLRejected as exc:
        raise CallFailed(str(exc)) from None
    if safexml.local(root) != "Envelope" or safexml.namespace(root) not in (SOAP11, SOAP12):
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


def fault_reason(fault: Element) -> str:
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
