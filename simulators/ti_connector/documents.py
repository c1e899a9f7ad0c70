"""Renders the connector's documents (connector.sds, SOAP responses, faults) as XML.

Vendors differ in how they write the same schema-valid document, and the exporter must
cope: `style` picks the gematik prefixes (CONN:, EVT:, ...), JAX-WS style numbered prefixes
(ns2:, ns3:, ...) or default namespaces re-declared per element (children without any
prefix). All three are the same infoset and validate against the gematik schemas.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from lxml import etree

from simulators.ti_connector.model import Card, ConnectorState, Terminal, utcnow

SOAP = "http://schemas.xmlsoap.org/soap/envelope/"
EVT = "http://ws.gematik.de/conn/EventService/v7.2"
CONN = "http://ws.gematik.de/conn/ConnectorCommon/v5.0"
CCTX = "http://ws.gematik.de/conn/ConnectorContext/v2.0"
CARD = "http://ws.gematik.de/conn/CardService/v8.1"
CARDCMN = "http://ws.gematik.de/conn/CardServiceCommon/v2.0"
CT = "http://ws.gematik.de/conn/CardTerminalInfo/v8.0"
CERT = "http://ws.gematik.de/conn/CertificateService/v6.0"
SDS = "http://ws.gematik.de/conn/ServiceDirectory/v3.1"
SI = "http://ws.gematik.de/conn/ServiceInformation/v2.0"
PI = "http://ws.gematik.de/int/version/ProductInformation/v1.1"
GERROR = "http://ws.gematik.de/tel/error/v2.0"

GEMATIK_PREFIXES = {
    "EVT": EVT,
    "CONN": CONN,
    "CCTX": CCTX,
    "CARD": CARD,
    "CARDCMN": CARDCMN,
    "CT": CT,
    "CERT": CERT,
    "SI": SI,
    "PI": PI,
    "GERROR": GERROR,
}
STYLES = ("gematik", "jaxws", "default")


@dataclass
class N:
    """A node to render: namespace, local name, children or text, attributes."""

    ns: str
    name: str
    children: Sequence[N] = ()
    text: str | None = None
    attrs: dict[str, str] = field(default_factory=dict)


def t(ns: str, name: str, text: object) -> N:
    return N(ns, name, text=_lexical(text))


def _lexical(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%dT%H:%M:%SZ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def render(node: N, style: str, parent: etree._Element | None = None) -> etree._Element:
    """Build the lxml element for `node` in the given prefix style."""
    tag = f"{{{node.ns}}}{node.name}"
    nsmap: dict[str | None, str] | None = None
    if parent is None:
        if style == "gematik":
            nsmap = dict(GEMATIK_PREFIXES)
        elif style == "jaxws":
            nsmap = {f"ns{i + 2}": ns for i, ns in enumerate(GEMATIK_PREFIXES.values())}
    if style == "default" and (parent is None or etree.QName(parent).namespace != node.ns):
        nsmap = {None: node.ns}
    if parent is None:
        element = etree.Element(tag, nsmap=nsmap)  # type: ignore[arg-type]
    else:
        element = etree.SubElement(parent, tag, nsmap=nsmap)  # type: ignore[arg-type]
    for key, value in node.attrs.items():
        element.set(key, value)
    if node.text is not None:
        element.text = node.text
    for child in node.children:
        render(child, style, element)
    return element


def envelope(payload: N, style: str) -> bytes:
    """A SOAP 1.1 envelope around the rendered payload."""
    env_prefix = {"gematik": "soap", "jaxws": "S", "default": "SOAP-ENV"}[style]
    env = etree.Element(f"{{{SOAP}}}Envelope", nsmap={env_prefix: SOAP})
    body = etree.SubElement(env, f"{{{SOAP}}}Body")
    body.append(render(payload, style))
    return bytes(etree.tostring(env, xml_declaration=True, encoding="UTF-8"))


def status_ok() -> N:
    return N(CONN, "Status", [t(CONN, "Result", "OK")])


# -- connector.sds ---------------------------------------------------------------------------

SERVICES: dict[str, list[str]] = {
    # service -> versions offered (oldest first, as real connectors list them)
    "EventService": ["6.1.0", "7.2.0"],
    "CardService": ["8.1.0", "8.1.2"],
    "CardTerminalService": ["1.1.0"],
    "CertificateService": ["6.0.0", "6.0.1"],
    "SignatureService": ["7.4.0", "7.5.5"],
    "AuthSignatureService": ["7.4.1"],
    "EncryptionService": ["6.1.1"],
    "VSDService": ["5.2.0"],
}


def product_information(state: ConnectorState) -> N:
    p = state.product
    return N(
        PI,
        "ProductInformation",
        [
            t(PI, "InformationDate", utcnow()),
            N(
                PI,
                "ProductTypeInformation",
                [
                    t(PI, "ProductType", p.product_type),
                    t(PI, "ProductTypeVersion", p.product_type_version),
                ],
            ),
            N(
                PI,
                "ProductIdentification",
                [
                    t(PI, "ProductVendorID", p.vendor_id),
                    t(PI, "ProductCode", p.product_code),
                    N(
                        PI,
                        "ProductVersion",
                        [
                            N(
                                PI,
                                "Local",
                                [
                                    t(PI, "HWVersion", p.hw_version),
                                    t(PI, "FWVersion", p.fw_version),
                                ],
                            )
                        ],
                    ),
                ],
            ),
            N(
                PI,
                "ProductMiscellaneous",
                [t(PI, "ProductVendorName", p.vendor_name), t(PI, "ProductName", p.product_name)],
            ),
        ],
    )


def service_directory(state: ConnectorState, endpoint_base: str, paths: dict[str, str]) -> bytes:
    """connector.sds: product information and every service with its versions/endpoints."""
    services = []
    for name, versions in SERVICES.items():
        if name in state.missing_services:
            continue
        path = paths[name]
        version_nodes = []
        for version in versions:
            major_minor = ".".join(version.split(".")[:2])
            ns = f"http://ws.gematik.de/conn/{name}/v{major_minor}"
            location = f"{endpoint_base}{path}" + (
                "" if version == versions[-1] else f"/v{major_minor}"
            )
            version_nodes.append(
                N(
                    SI,
                    "Version",
                    [
                        t(SI, "Abstract", f"{name} {version}"),
                        N(SI, "EndpointTLS", attrs={"Location": location}),
                        N(SI, "WSDL", attrs={"Location": f"{location}?wsdl"}),
                    ],
                    attrs={"TargetNamespace": ns, "Version": version},
                )
            )
        services.append(
            N(
                SI,
                "Service",
                [t(SI, "Abstract", name), N(SI, "Versions", version_nodes)],
                attrs={"Name": name},
            )
        )
    root = N(
        SDS,
        "ConnectorServices",
        [
            product_information(state),
            t(SDS, "TLSMandatory", state.tls_mandatory),
            t(SDS, "ClientAutMandatory", state.client_auth_mandatory),
            N(SI, "ServiceInformation", services),
        ],
    )
    return bytes(etree.tostring(render(root, "gematik"), xml_declaration=True, encoding="UTF-8"))


# -- EventService ----------------------------------------------------------------------------


def resource_information(state: ConnectorState) -> N:
    now = utcnow()

    def vpn(name: str, online: bool) -> N:
        return N(
            CONN,
            name,
            [
                t(CONN, "ConnectionStatus", "Online" if online else "Offline"),
                t(CONN, "Timestamp", now),
            ],
        )

    errors = [
        N(
            CONN,
            "ErrorState",
            [
                t(CONN, "ErrorCondition", e.condition),
                t(CONN, "Severity", e.severity),
                t(CONN, "Type", e.type),
                t(CONN, "Value", e.value),
                t(CONN, "ValidFrom", e.valid_from),
            ],
        )
        for e in state.error_states
    ]
    connector = N(
        CONN,
        "Connector",
        [
            vpn("VPNTIStatus", state.vpn_ti_online),
            vpn("VPNSISStatus", state.vpn_sis_online),
            N(CONN, "OperatingState", errors),
        ],
    )
    return N(EVT, "GetResourceInformationResponse", [status_ok(), connector])


def _terminal(state: ConnectorState, term: Terminal) -> N:
    return N(
        CT,
        "CardTerminal",
        [
            product_information(state),
            t(CARDCMN, "CtId", term.ct_id),
            N(CONN, "WorkplaceIds", [t(CONN, "WorkplaceId", w) for w in term.workplaces]),
            t(CT, "Name", term.name),
            t(CT, "MacAddress", term.mac),
            N(CT, "IPAddress", [t(CT, "IPV4Address", term.ip)]),
            t(CT, "Slots", term.slots),
            t(CT, "IS_PHYSICAL", True),
            t(CT, "Connected", term.connected),
        ],
    )


def card_terminals(state: ConnectorState) -> N:
    return N(
        EVT,
        "GetCardTerminalsResponse",
        [status_ok(), N(CT, "CardTerminals", [_terminal(state, x) for x in state.terminals])],
    )


def _card(card: Card) -> N:
    version = [
        N(CARD, "COSVersion", [t(CARD, "Major", 4), t(CARD, "Minor", 4), t(CARD, "Revision", 0)]),
        N(
            CARD,
            "ObjectSystemVersion",
            [t(CARD, "Major", 4), t(CARD, "Minor", 7), t(CARD, "Revision", 0)],
        ),
    ]
    children = [
        t(CONN, "CardHandle", card.handle),
        t(CARDCMN, "CardType", card.card_type),
        N(CARD, "CardVersion", version),
        t(CARDCMN, "Iccsn", card.iccsn),
        t(CARDCMN, "CtId", card.ct_id),
        t(CARDCMN, "SlotId", card.slot),
        t(CARD, "InsertTime", utcnow() - dt.timedelta(hours=3)),
    ]
    if card.holder:
        children.append(t(CARD, "CardHolderName", card.holder))
    if card.kvnr:
        children.append(t(CARD, "Kvnr", card.kvnr))
    if card.cert_expiry:
        children.append(t(CARD, "CertificateExpirationDate", card.cert_expiry))
    return N(CARD, "Card", children)


def cards(state: ConnectorState) -> N:
    return N(
        EVT, "GetCardsResponse", [status_ok(), N(CARD, "Cards", [_card(c) for c in state.cards])]
    )


# -- CardService / CertificateService --------------------------------------------------------


def pin_status(card: Card) -> N:
    children = [status_ok(), t(CARD, "PinStatus", card.pin_status)]
    children.append(t(CARD, "LeftTries", card.left_tries))
    return N(CARD, "GetPinStatusResponse", children)


CERT_CARD_TYPES = ("SMC-B", "HBA", "HBA-qSig", "HBAx", "SM-B", "HSM-B")


def certificate_expiration(state: ConnectorState) -> N:
    """The gSMC-K of the connector plus the mandant's institution/professional cards."""
    entries = [
        N(
            CERT,
            "CertificateExpiration",
            [
                t(CERT, "CtID", ""),
                t(CONN, "CardHandle", "SMCK-INTERNAL"),
                t(CERT, "ICCSN", state.smck_iccsn),
                t(CERT, "subject_commonName", "Konnektor gSMC-K"),
                t(CERT, "serialNumber", "7F00AA01"),
                t(CERT, "validity", state.smck_expiry),
            ],
        )
    ]
    for card in state.cards:
        if card.card_type in CERT_CARD_TYPES and card.cert_expiry:
            entries.append(
                N(
                    CERT,
                    "CertificateExpiration",
                    [
                        t(CERT, "CtID", card.ct_id),
                        t(CONN, "CardHandle", card.handle),
                        t(CERT, "ICCSN", card.iccsn),
                        t(CERT, "subject_commonName", card.holder or card.card_type),
                        t(CERT, "serialNumber", card.cert_serial),
                        t(CERT, "validity", card.cert_expiry),
                    ],
                )
            )
    return N(CERT, "CheckCertificateExpirationResponse", [status_ok(), *entries])


# -- faults ----------------------------------------------------------------------------------


def fault(code: int, text: str, style: str) -> bytes:
    """A SOAP 1.1 fault carrying a GERROR:Error, as the WSDLs' FaultMessage defines it."""
    error = N(
        GERROR,
        "Error",
        [
            t(GERROR, "MessageID", "sim-0001"),
            t(GERROR, "Timestamp", utcnow()),
            N(
                GERROR,
                "Trace",
                [
                    t(GERROR, "EventID", "1"),
                    t(GERROR, "Instance", "sim"),
                    t(GERROR, "LogReference", "sim"),
                    t(GERROR, "CompType", "KON"),
                    t(GERROR, "Code", code),
                    t(GERROR, "Severity", "Error"),
                    t(GERROR, "ErrorType", "Technical"),
                    t(GERROR, "ErrorText", text),
                ],
            ),
        ],
    )
    env_prefix = {"gematik": "soap", "jaxws": "S", "default": "SOAP-ENV"}[style]
    env = etree.Element(f"{{{SOAP}}}Envelope", nsmap={env_prefix: SOAP})
    body = etree.SubElement(env, f"{{{SOAP}}}Body")
    flt = etree.SubElement(body, f"{{{SOAP}}}Fault")
    etree.SubElement(flt, "faultcode").text = f"{env_prefix}:Server"
    etree.SubElement(flt, "faultstring").text = text
    detail = etree.SubElement(flt, "detail")
    detail.append(render(error, style))
    return bytes(etree.tostring(env, xml_declaration=True, encoding="UTF-8"))
