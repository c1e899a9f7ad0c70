"""Safe, tolerant XML reading for connector answers.

Safe: no entity expansion, no DTD loading, no network, no huge trees, and any document
with a DOCTYPE is refused outright (billion laughs and external entities need one).
Tolerant: elements are found by local name, whatever prefix or namespace - or none - a
vendor used.
"""

from __future__ import annotations

from lxml import etree


class XMLRejected(ValueError):
    """The document is not well-formed or uses forbidden XML features."""


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        huge_tree=False,
        load_dtd=False,
        dtd_validation=False,
        remove_comments=True,
        remove_pis=True,
    )


def parse(document: bytes) -> etree._Element:
    """Parse `document`; raise XMLRejected with a short, content-free reason."""
    if b"<!DOCTYPE" in document[:4096].upper() or b"<!ENTITY" in document.upper():
        raise XMLRejected("document has a DOCTYPE/ENTITY declaration (refused)")
    try:
        root = etree.fromstring(document, _parser())
    except etree.XMLSyntaxError as exc:
        raise XMLRejected(f"malformed XML (line {exc.lineno})") from None
    if root is None:
        raise XMLRejected("empty document")
    tree = root.getroottree()
    if tree.docinfo.doctype or tree.docinfo.internalDTD is not None:
        raise XMLRejected("document has a DOCTYPE (refused)")
    return root


def local(element: etree._Element) -> str:
    """Local name of an element ('' for comments and the like)."""
    tag = element.tag
    if not isinstance(tag, str):
        return ""
    return tag.rpartition("}")[2]


def children(element: etree._Element, name: str) -> list[etree._Element]:
    return [c for c in element if local(c) == name]


def child(element: etree._Element | None, name: str) -> etree._Element | None:
    if element is None:
        return None
    for c in element:
        if local(c) == name:
            return c
    return None


def path(element: etree._Element | None, *names: str) -> etree._Element | None:
    """Follow direct children by local names: path(card, "CardVersion", "COSVersion")."""
    for name in names:
        element = child(element, name)
    return element


def text(element: etree._Element | None, *names: str) -> str | None:
    """Stripped text at `path(element, *names)`, None if missing or empty."""
    found = path(element, *names)
    if found is None or found.text is None:
        return None
    value = found.text.strip()
    return value or None


def descendants(element: etree._Element, name: str) -> list[etree._Element]:
    return [e for e in element.iter() if local(e) == name]
