"""Safe, tolerant XML reading for connector answers, on the standard library's expat.

Safe: any document with a DOCTYPE or an ENTITY declaration is refused outright (billion
laughs and external entities need one), so no entity is ever expanded and nothing is
fetched; the size and the nesting depth are bounded (a deep tree would cost recursion
elsewhere); comments and processing instructions are dropped.
Tolerant: elements are found by local name, whatever prefix or namespace - or none - a
vendor used. Tags are ElementTree's `{namespace}local` (Clark notation).
"""

from __future__ import annotations

from xml.etree.ElementTree import Element, TreeBuilder
from xml.parsers import expat

__all__ = ["Element", "XMLRejected", "child", "children", "descendants", "local", "parse"]

MAX_DOCUMENT_BYTES = 32 * 1024 * 1024
"""A second bound beside the transport's `max_response_bytes`."""
MAX_DEPTH = 256
"""libxml2's default nesting limit, which lxml applied before."""


class XMLRejected(ValueError):
    """The document is not well-formed or uses forbidden XML features."""


class _Refused(Exception):
    """Raised from inside an expat handler; ends parsing at once."""


def _clark(name: str) -> str:
    """expat's 'namespace}local' (separator '}') -> ElementTree's '{namespace}local'."""
    return "{" + name if "}" in name else name


def parse(document: bytes) -> Element:
    """Parse `document`; raise XMLRejected with a short, content-free reason."""
    if len(document) > MAX_DOCUMENT_BYTES:
        raise XMLRejected(f"document larger than {MAX_DOCUMENT_BYTES} bytes")
    if b"<!DOCTYPE" in document[:4096].upper() or b"<!ENTITY" in document.upper():
        raise XMLRejected("document has a DOCTYPE/ENTITY declaration (refused)")
    builder = TreeBuilder()
    parser = expat.ParserCreate(namespace_separator="}")
    depth = 0

    def start(name: str, attrs: dict[str, str]) -> None:
        nonlocal depth
        depth += 1
        if depth > MAX_DEPTH:
            raise _Refused(f"document nested deeper than {MAX_DEPTH} levels")
        builder.start(_clark(name), {_clark(k): v for k, v in attrs.items()})

    def end(name: str) -> None:
        nonlocal depth
        depth -= 1
        builder.end(_clark(name))

    def doctype(*_: object) -> None:
        raise _Refused("document has a DOCTYPE (refused)")

    def entity(*_: object) -> None:
        raise _Refused("document has an ENTITY declaration (refused)")

    def external(*_: object) -> int:
        raise _Refused("document refers to an external entity (refused)")

    parser.buffer_text = True
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = builder.data
    parser.StartDoctypeDeclHandler = doctype
    parser.EntityDeclHandler = entity
    parser.UnparsedEntityDeclHandler = entity
    parser.ExternalEntityRefHandler = external
    try:
        parser.Parse(document, True)
    except expat.ExpatError as exc:
        raise XMLRejected(f"malformed XML (line {exc.lineno})") from None
    except _Refused as exc:
        raise XMLRejected(str(exc)) from None
    except (UnicodeError, LookupError, ValueError):
        raise XMLRejected("malformed XML (encoding)") from None
    root: Element = builder.close()
    return root


def local(element: Element) -> str:
    """Local name of an element ('' for comments and the like)."""
    tag = element.tag
    if not isinstance(tag, str):
        return ""
    return tag.rpartition("}")[2]


def namespace(element: Element) -> str | None:
    """Namespace URI of an element, None without one."""
    tag = element.tag
    if not isinstance(tag, str) or not tag.startswith("{"):
        return None
    return tag[1:].partition("}")[0]


def children(element: Element, name: str) -> list[Element]:
    return [c for c in element if local(c) == name]


def child(element: Element | None, name: str) -> Element | None:
    if element is None:
        return None
    for c in element:
        if local(c) == name:
            return c
    return None


def path(element: Element | None, *names: str) -> Element | None:
    """Follow direct children by local names: path(card, "CardVersion", "COSVersion")."""
    for name in names:
        element = child(element, name)
    return element


def text(element: Element | None, *names: str) -> str | None:
    """Stripped text at `path(element, *names)`, None if missing or empty."""
    found = path(element, *names)
    if found is None or found.text is None:
        return None
    value = found.text.strip()
    return value or None


def descendants(element: Element, name: str) -> list[Element]:
    return [e for e in element.iter() if local(e) == name]
