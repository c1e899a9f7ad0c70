"""Pure readers of the connector's answers: payload element -> plain dataclasses.

Patient cards (eGK, KVK, and any card of a type not known to belong to the practice) are
reduced to their terminal here, at the first moment the exporter holds them: their ICCSN,
holder name and KVNR are never copied out of the XML tree.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from exporters.ti.safexml import Element, child, children, descendants, text

OWN_CARD_TYPES = ("SMC-B", "HBA", "HBA-qSig", "HBAx", "SM-B", "HSM-B", "SMC-KT", "ZOD_2.0")
"""Cards of the practice and its staff; everything else counts as a patient card."""

PIN_STATES = ("VERIFIED", "TRANSPORT_PIN", "EMPTY_PIN", "BLOCKED", "VERIFIABLE", "DISABLED")


@dataclass(frozen=True)
class ErrorState:
    condition: str
    severity: str
    type: str
    active: bool


@dataclass(frozen=True)
class ConnectorStatus:
    vpn_ti_online: bool | None
    vpn_sis_online: bool | None
    error_states: tuple[ErrorState, ...]


@dataclass(frozen=True)
class Terminal:
    ct_id: str
    name: str
    connected: bool | None


@dataclass(frozen=True)
class OwnCard:
    handle: str
    card_type: str
    iccsn: str
    ct_id: str
    slot: str
    holder: str
    certificate_expiry: float | None  # Unix time, start of the expiry date (UTC)


@dataclass(frozen=True)
class CardList:
    own: tuple[OwnCard, ...]
    patient_cards_per_terminal: dict[str, int]
    patient_handles: frozenset[str]
    """Handles of patient cards: only to drop such cards from other answers."""


@dataclass(frozen=True)
class CertificateExpiry:
    ct_id: str
    handle: str
    iccsn: str
    subject: str
    serial: str
    expiry: float | None


@dataclass(frozen=True)
class PinStatus:
    status: str | None
    left_tries: int | None


def _online(element: Element | None) -> bool | None:
    value = text(element, "ConnectionStatus")
    if value is None:
        return None
    return value.lower() == "online"


def _bool(value: str | None) -> bool | None:
    if value is None:
        return None
    low = value.lower()
    if low in ("true", "1"):
        return True
    if low in ("false", "0"):
        return False
    return None


def date_timestamp(value: str | None) -> float | None:
    """xs:date or xs:dateTime -> Unix time (a date means 00:00 UTC of that day)."""
    if not value:
        return None
    raw = value.strip()
    try:
        if "T" in raw:
            parsed = dt.datetime.fromisoformat(raw.replace("Z", "+00:00"))
            if parsed.tzinfo is None:
                parsed = parsed.replace(tzinfo=dt.UTC)
            return parsed.timestamp()
        day = dt.date.fromisoformat(raw[:10])
    except ValueError:
        return None
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC).timestamp()


def resource_information(response: Element) -> ConnectorStatus:
    """GetResourceInformationResponse (without card/terminal) -> VPN and error states."""
    connector = child(response, "Connector")
    if connector is None:
        raise ValueError("GetResourceInformationResponse has no Connector element")
    states = []
    for state in descendants(connector, "ErrorState"):
        condition = text(state, "ErrorCondition")
        if not condition:
            continue
        states.append(
            ErrorState(
                condition=condition[:128],
                severity=(text(state, "Severity") or "")[:16],
                type=(text(state, "Type") or "")[:16],
                active=_bool(text(state, "Value")) is True,
            )
        )
    return ConnectorStatus(
        vpn_ti_online=_online(child(connector, "VPNTIStatus")),
        vpn_sis_online=_online(child(connector, "VPNSISStatus")),
        error_states=tuple(states),
    )


def card_terminals(response: Element) -> list[Terminal]:
    out = []
    for term in descendants(response, "CardTerminal"):
        ct_id = text(term, "CtId")
        if not ct_id:
            continue
        out.append(
            Terminal(
                ct_id=ct_id[:64],
                name=(text(term, "Name") or "")[:128],
                connected=_bool(text(term, "Connected")),
            )
        )
    return out


def cards(response: Element) -> CardList:
    """GetCardsResponse -> own cards with details, patient cards only counted."""
    own = []
    per_terminal: dict[str, int] = {}
    patient_handles = set()
    container = child(response, "Cards")
    for card in children(container, "Card") if container is not None else []:
        card_type = text(card, "CardType") or "UNKNOWN"
        ct_id = (text(card, "CtId") or "")[:64]
        handle = text(card, "CardHandle") or ""
        if card_type not in OWN_CARD_TYPES:
            per_terminal[ct_id] = per_terminal.get(ct_id, 0) + 1
            patient_handles.add(handle)
            continue
        own.append(
            OwnCard(
                handle=handle,
                card_type=card_type,
                iccsn=(text(card, "Iccsn") or "")[:20],
                ct_id=ct_id,
                slot=(text(card, "SlotId") or "")[:8],
                holder=(text(card, "CardHolderName") or "")[:128],
                certificate_expiry=date_timestamp(text(card, "CertificateExpirationDate")),
            )
        )
    return CardList(tuple(own), per_terminal, frozenset(patient_handles))


def certificate_expiration(response: Element) -> list[CertificateExpiry]:
    out = []
    for entry in children(response, "CertificateExpiration"):
        out.append(
            CertificateExpiry(
                ct_id=(text(entry, "CtID") or text(entry, "CtId") or "")[:64],
                handle=text(entry, "CardHandle") or "",
                iccsn=(text(entry, "ICCSN") or "")[:20],
                subject=(text(entry, "subject_commonName") or "")[:128],
                serial=(text(entry, "serialNumber") or "")[:64],
                expiry=date_timestamp(text(entry, "validity")),
            )
        )
    return out


def pin_status(response: Element) -> PinStatus:
    status = text(response, "PinStatus")
    tries = text(response, "LeftTries")
    return PinStatus(
        status=status[:32] if status else None,
        left_tries=int(tries) if tries and tries.isdigit() else None,
    )
