"""Validation against the gematik connector schemas (copied unchanged into `schemas/`).

One umbrella schema imports the service schemas, so any payload element (a request, a
response, a connector.sds, a fault detail) validates with a single `XMLSchema`.
"""

from __future__ import annotations

import functools
from pathlib import Path

from lxml import etree

SCHEMA_DIR = Path(__file__).resolve().parent / "schemas"

_IMPORTS = {
    "http://ws.gematik.de/conn/EventService/v7.2": "conn/EventService.xsd",
    "http://ws.gematik.de/conn/CardService/v8.1": "conn/CardService.xsd",
    "http://ws.gematik.de/conn/CertificateService/v6.0": "conn/CertificateService.xsd",
    "http://ws.gematik.de/conn/ServiceDirectory/v3.1": "conn/ServiceDirectory.xsd",
    "http://ws.gematik.de/tel/error/v2.0": "tel/error/TelematikError.xsd",
}


@functools.cache
def umbrella() -> etree.XMLSchema:
    """The combined schema; loaded once (no network, local files only)."""
    imports = "".join(
        f'<xs:import namespace="{ns}" schemaLocation="{(SCHEMA_DIR / loc).as_uri()}"/>'
        for ns, loc in _IMPORTS.items()
    )
    text = f'<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">{imports}</xs:schema>'
    parser = etree.XMLParser(no_network=True, resolve_entities=False)
    return etree.XMLSchema(etree.fromstring(text.encode(), parser, base_url=str(SCHEMA_DIR) + "/"))


def problems(element: etree._Element) -> list[str]:
    """Schema violations of `element` (a payload root, not a SOAP envelope); [] if valid."""
    schema = umbrella()
    doc = etree.fromstring(etree.tostring(element))
    if schema.validate(doc):
        return []
    return [f"line {e.line}: {e.message}" for e in schema.error_log]  # type: ignore[attr-defined]


SOAP_ENV = "http://schemas.xmlsoap.org/soap/envelope/"


def payloads(document: bytes) -> list[etree._Element]:
    """The elements of a message that the gematik schemas describe.

    A connector.sds is its own payload; a SOAP envelope carries the Body's child, and a
    fault carries the GERROR:Error inside `detail`.
    """
    parser = etree.XMLParser(no_network=True, resolve_entities=False, load_dtd=False)
    root = etree.fromstring(document, parser)
    if root.tag != f"{{{SOAP_ENV}}}Envelope":
        return [root]
    body = root.find(f"{{{SOAP_ENV}}}Body")
    if body is None or len(body) != 1:
        raise ValueError("SOAP envelope without exactly one Body child")
    child = body[0]
    if child.tag == f"{{{SOAP_ENV}}}Fault":
        detail = child.find("detail")
        return list(detail) if detail is not None else []
    return [child]


def document_problems(document: bytes) -> list[str]:
    """Schema violations of every payload in a sent or received message."""
    out: list[str] = []
    for element in payloads(document):
        out.extend(problems(element))
    return out
