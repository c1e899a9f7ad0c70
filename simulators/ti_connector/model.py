"""The simulated connector's state: product, VPN, error states, terminals, cards, PINs.

Tests and the demo switch it with named scenarios (`apply_scenario`) or by editing the
dataclasses directly when the simulator runs in-process.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


def in_days(days: int) -> dt.date:
    return (utcnow() + dt.timedelta(days=days)).date()


@dataclass
class Product:
    vendor_id: str = "SECUN"
    product_code: str = "KONN"
    vendor_name: str = "secunet Security Networks AG"
    product_name: str = "secunet konnektor 2.1.0"
    product_type: str = "Konnektor"
    product_type_version: str = "5.1.2"
    hw_version: str = "2.1.0"
    fw_version: str = "5.1.2"


@dataclass
class Terminal:
    ct_id: str
    name: str
    connected: bool = True
    mac: str = "00-0D-F8-12-34-56"
    ip: str = "192.168.1.40"
    slots: int = 4
    workplaces: list[str] = field(default_factory=lambda: ["Empfang"])


@dataclass
class Card:
    handle: str
    card_type: str  # CardTypeType of CardServiceCommon.xsd (SMC-B, HBA, EGK, KVK, ...)
    iccsn: str  # 20 digits
    ct_id: str
    slot: int
    holder: str | None = None
    kvnr: str | None = None  # only eGK/KVK carry it; the exporter must never show it
    cert_expiry: dt.date | None = None
    cert_serial: str = "0123456789ABCDEF"
    pin_status: str = "VERIFIED"
    left_tries: int = 3


@dataclass
class ErrorState:
    condition: str
    severity: str  # Fatal | Error | Warning | Info
    type: str  # Operation | Security | Infrastructure
    value: bool = False
    valid_from: dt.datetime = field(default_factory=utcnow)


def _default_error_states() -> list[ErrorState]:
    return [
        ErrorState("EC_TSL_Out_Of_Date_Within_Grace_Period", "Warning", "Security"),
        ErrorState("EC_TSL_Out_Of_Date", "Error", "Security"),
        ErrorState("EC_CRL_Out_Of_Date", "Error", "Security"),
        ErrorState("EC_Time_Sync_Not_Successful", "Warning", "Operation"),
        ErrorState("EC_CardTerminal_Software_Out_Of_Date", "Warning", "Operation"),
        ErrorState("EC_Software_Out_Of_Date", "Warning", "Operation"),
        ErrorState("EC_No_VPN_TI_Connection", "Error", "Infrastructure"),
        ErrorState("EC_No_VPN_SIS_Connection", "Warning", "Infrastructure"),
        ErrorState("EC_FW_Not_Valid_Status_Blocked", "Fatal", "Operation"),
    ]


def _default_terminals() -> list[Terminal]:
    return [
        Terminal("CT_EMPFANG", "ORGA 6141 Empfang", mac="00-0D-F8-12-34-56", ip="192.168.1.40"),
        Terminal(
            "CT_SPRECHZ1",
            "Cherry ST-1506 Sprechzimmer 1",
            mac="00-19-55-AA-BB-01",
            ip="192.168.1.41",
            workplaces=["Sprechzimmer1"],
        ),
    ]


def _default_cards() -> list[Card]:
    return [
        Card(
            "SMCB-1",
            "SMC-B",
            "80276883110000117621",
            "CT_EMPFANG",
            1,
            holder="Praxis Dr. Sommer",
            cert_expiry=in_days(700),
            cert_serial="1A2B3C4D",
        ),
        Card(
            "HBA-1",
            "HBA",
            "80276883110000125563",
            "CT_SPRECHZ1",
            2,
            holder="Dr. med. Anna Sommer",
            cert_expiry=in_days(400),
            cert_serial="5E6F7081",
        ),
        Card(
            "SMCKT-1",
            "SMC-KT",
            "80276883110000200011",
            "CT_EMPFANG",
            4,
            cert_expiry=in_days(900),
        ),
    ]


@dataclass
class ConnectorState:
    product: Product = field(default_factory=Product)
    tls_mandatory: bool = True
    client_auth_mandatory: bool = False
    vpn_ti_online: bool = True
    vpn_sis_online: bool = True
    error_states: list[ErrorState] = field(default_factory=_default_error_states)
    terminals: list[Terminal] = field(default_factory=_default_terminals)
    cards: list[Card] = field(default_factory=_default_cards)
    smck_iccsn: str = "80276883110000300099"
    smck_expiry: dt.date = field(default_factory=lambda: in_days(1200))
    missing_services: set[str] = field(default_factory=set)
    """Services left out of connector.sds (a connector without e.g. CertificateService)."""
    faults: set[str] = field(default_factory=set)
    """Operations answered with a SOAP fault (GERROR:Error in the detail)."""
    raw_responses: dict[str, tuple[int, str, bytes]] = field(default_factory=dict)
    """Hostile-input tests only: operation -> (HTTP status, content type, body) sent as is."""

    def card(self, handle: str) -> Card | None:
        return next((c for c in self.cards if c.handle == handle), None)

    def error_state(self, condition: str) -> ErrorState:
        for state in self.error_states:
            if state.condition == condition:
                return state
        raise KeyError(condition)


EGK_HOLDER = "Erika Mustermann"
EGK_KVNR = "X110411675"
EGK_ICCSN = "80276001011699901234"


def egk(ct_id: str = "CT_EMPFANG", slot: int = 2) -> Card:
    """A patient card with a name and a KVNR: patient data the exporter must not show."""
    return Card(
        "EGK-1",
        "EGK",
        EGK_ICCSN,
        ct_id,
        slot,
        holder=EGK_HOLDER,
        kvnr=EGK_KVNR,
        cert_expiry=in_days(1500),
        pin_status="VERIFIABLE",
    )


def _set_error(state: ConnectorState, condition: str) -> None:
    state.error_state(condition).value = True
    state.error_state(condition).valid_from = utcnow()


SCENARIOS = {
    "vpn_ti_down": lambda s: (
        setattr(s, "vpn_ti_online", False),
        _set_error(s, "EC_No_VPN_TI_Connection"),
    ),
    "vpn_sis_down": lambda s: (
        setattr(s, "vpn_sis_online", False),
        _set_error(s, "EC_No_VPN_SIS_Connection"),
    ),
    "tsl_out_of_date": lambda s: _set_error(s, "EC_TSL_Out_Of_Date"),
    "terminal_disconnected": lambda s: setattr(s.terminals[1], "connected", False),
    "pin_blocked": lambda s: (
        setattr(s.cards[0], "pin_status", "BLOCKED"),
        setattr(s.cards[0], "left_tries", 0),
    ),
    "pin_not_verified": lambda s: setattr(s.cards[0], "pin_status", "VERIFIABLE"),
    "smcb_removed": lambda s: setattr(s, "cards", [c for c in s.cards if c.card_type != "SMC-B"]),
    "cert_expiring": lambda s: setattr(s.cards[0], "cert_expiry", in_days(20)),
    "smck_expiring": lambda s: setattr(s, "smck_expiry", in_days(60)),
    "egk_inserted": lambda s: s.cards.append(egk()),
    "firmware_old": lambda s: setattr(s.product, "fw_version", "4.9.3"),
    "no_certificate_service": lambda s: s.missing_services.add("CertificateService"),
}


def apply_scenario(state: ConnectorState, name: str) -> None:
    """Switch the simulated connector into a named state (see SCENARIOS)."""
    if name not in SCENARIOS:
        raise KeyError(f"unknown scenario {name!r}; known: {sorted(SCENARIOS)}")
    SCENARIOS[name](state)
