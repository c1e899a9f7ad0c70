"""Pure functions: what the connector, KIM and TI-Lage said -> MetricSink calls.

Each function takes the readings of one call, so a failed call leaves out only its own
series. Labels never carry data of patient cards (see `readings`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from exporters.core import MetricSink
from exporters.ti.directory import Directory
from exporters.ti.kim import KimResult
from exporters.ti.readings import (
    OWN_CARD_TYPES,
    PIN_STATES,
    CardList,
    CertificateExpiry,
    ConnectorStatus,
    OwnCard,
    PinStatus,
    Terminal,
)
from exporters.ti.tistatus import OUTAGES, Snapshot

OPERATIONS = (
    "connector.sds",
    "GetResourceInformation",
    "GetCardTerminals",
    "GetCards",
    "CheckCertificateExpiration",
    "GetPinStatus",
)


def directory(sink: MetricSink, sds: Directory, expected_firmware: str | None) -> None:
    p = sds.product
    sink.info(
        "ti_connector_info",
        "Connector product from connector.sds (value 1).",
        {
            "vendor": p.vendor_name or p.vendor_id,
            "product": p.product_name,
            "product_type_version": p.product_type_version,
            "fw_version": p.fw_version,
            "hw_version": p.hw_version,
        },
    )
    for service in sorted(sds.services):
        highest = sds.highest(service)
        if highest is not None:
            sink.info(
                "ti_connector_service_info",
                "Highest version of each service listed in connector.sds (value 1).",
                {"service": service, "version": highest.version},
            )
    if expected_firmware:
        sink.gauge(
            "ti_connector_firmware_as_expected",
            "1 if the connector's firmware equals expected_firmware from the config, else 0.",
            p.fw_version == expected_firmware,
            {"expected": expected_firmware, "fw_version": p.fw_version},
        )


def connector_status(sink: MetricSink, status: ConnectorStatus) -> None:
    sink.gauge(
        "ti_vpn_ti_connected",
        "1 if the connector reports its VPN to the TI online, else 0.",
        status.vpn_ti_online,
    )
    sink.gauge(
        "ti_vpn_sis_connected",
        "1 if the connector reports its VPN to the secure internet service online, else 0.",
        status.vpn_sis_online,
    )
    seen: set[tuple[str, str, str]] = set()
    for state in status.error_states:
        key = (state.condition, state.severity, state.type)
        if key in seen:
            continue
        seen.add(key)
        sink.gauge(
            "ti_connector_error_state",
            "1 while the connector's operating state lists this error condition as active.",
            state.active,
            {"condition": state.condition, "severity": state.severity, "type": state.type},
        )


def terminals(sink: MetricSink, terms: Sequence[Terminal]) -> None:
    for term in terms:
        sink.gauge(
            "ti_card_terminal_connected",
            "1 if the connector reports the card terminal connected, else 0.",
            term.connected,
            {"ct_id": term.ct_id, "name": term.name},
        )


def cards(sink: MetricSink, card_list: CardList, terminal_ids: Iterable[str]) -> None:
    counts = dict.fromkeys(OWN_CARD_TYPES, 0)
    for card in card_list.own:
        counts[card.card_type] = counts.get(card.card_type, 0) + 1
        sink.gauge(
            "ti_card_inserted",
            "1 for each of the practice's own cards (SMC-B, HBA, SM-B, SMC-KT...) inserted.",
            1,
            {
                "card_type": card.card_type,
                "iccsn": card.iccsn,
                "ct_id": card.ct_id,
                "slot": card.slot,
            },
        )
        if card.certificate_expiry is not None:
            sink.gauge(
                "ti_card_certificate_expiry_timestamp_seconds",
                "Certificate expiry of an own card as GetCards reports it (00:00 UTC of the day).",
                card.certificate_expiry,
                {"card_type": card.card_type, "iccsn": card.iccsn, "holder": card.holder},
            )
    for card_type, count in counts.items():
        sink.gauge(
            "ti_cards_inserted",
            "Number of the practice's own cards inserted, by card type.",
            count,
            {"card_type": card_type},
        )
    per_terminal = dict.fromkeys(terminal_ids, 0)
    per_terminal.update(card_list.patient_cards_per_terminal)
    for ct_id, count in sorted(per_terminal.items()):
        sink.gauge(
            "ti_patient_cards_inserted",
            "Patient cards (eGK, KVK, unknown types) inserted; only counted, never shown.",
            count,
            {"ct_id": ct_id},
        )


def certificate_expiry(
    sink: MetricSink, entries: Sequence[CertificateExpiry], card_list: CardList | None
) -> None:
    """CheckCertificateExpiration entries; the card type comes from GetCards by handle."""
    by_handle: dict[str, OwnCard] = {c.handle: c for c in card_list.own} if card_list else {}
    by_iccsn: dict[str, OwnCard] = {c.iccsn: c for c in card_list.own} if card_list else {}
    for entry in entries:
        if card_list is not None and entry.handle in card_list.patient_handles:
            continue  # a patient card has no business here; never show it
        own = by_handle.get(entry.handle) or by_iccsn.get(entry.iccsn)
        if own is not None:
            card_type = own.card_type
        elif card_list is not None and not entry.ct_id:
            card_type = "gSMC-K"  # the connector's own card sits in no terminal
        else:
            card_type = "unknown"
        sink.gauge(
            "ti_certificate_expiry_timestamp_seconds",
            "Certificate expiry from CheckCertificateExpiration (gSMC-K, SMC-B, HBA...).",
            entry.expiry,
            {"card_type": card_type, "iccsn": entry.iccsn, "subject": entry.subject},
        )


def pin_status(sink: MetricSink, card: OwnCard, status: PinStatus) -> None:
    labels = {"iccsn": card.iccsn, "card_type": card.card_type}
    sink.state_set(
        "ti_card_pin_status",
        "PIN status of an own card (PIN.SMC of the SMC-B) as a state set.",
        "status",
        PIN_STATES,
        status.status,
        labels,
    )
    sink.gauge(
        "ti_card_pin_left_tries",
        "PIN tries left before the card's PIN blocks (when the connector reports it).",
        status.left_tries,
        labels,
    )


def connector_certificate(sink: MetricSink, not_after: float | None) -> None:
    sink.gauge(
        "ti_connector_certificate_expiry_timestamp_seconds",
        "Expiry of the TLS certificate the connector presents.",
        not_after,
    )


def operations(sink: MetricSink, success: dict[str, bool], failures: dict[str, int]) -> None:
    for op in OPERATIONS:
        if op in success:
            sink.gauge(
                "ti_operation_success",
                "1 if the last call of this operation in this scrape succeeded, else 0.",
                success[op],
                {"operation": op},
            )
    sink.declare("ti_operation_failures_total", "counter", "Failed connector calls, by operation.")
    for op in OPERATIONS:
        sink.counter(
            "ti_operation_failures_total",
            "Failed connector calls, by operation.",
            failures.get(op, 0),
            {"operation": op},
        )


def kim(sink: MetricSink, service: str, result: KimResult | None) -> None:
    sink.gauge(
        "ti_kim_up",
        "1 if the KIM endpoint answered its greeting (and TLS handshake), else 0.",
        result is not None,
        {"service": service},
    )
    if result is None:
        return
    sink.gauge(
        "ti_kim_certificate_expiry_timestamp_seconds",
        "Expiry of the TLS certificate the KIM endpoint presents.",
        result.certificate_expiry,
        {"service": service},
    )
    if result.certificate_verified is not None:
        sink.gauge(
            "ti_kim_certificate_verified",
            "1 if the KIM endpoint's certificate verifies (chain and name), else 0.",
            result.certificate_verified,
            {"service": service},
        )


def ti_status(sink: MetricSink, snapshot: Snapshot) -> None:
    sink.gauge("ti_status_up", "1 if the last TI-Lage fetch succeeded, else 0.", snapshot.ok)
    sink.gauge(
        "ti_status_last_success_timestamp_seconds",
        "When the TI-Lage was last fetched successfully (cached; fetched at most every 5 min).",
        snapshot.fetched_at or None,
    )
    for app in snapshot.apps:
        sink.state_set(
            "ti_status_outage",
            "gematik TI-Lage outage per application (none/partial/full), cached up to 5 minutes.",
            "outage",
            OUTAGES,
            app.outage,
            {"app": app.app},
        )
        sink.gauge(
            "ti_status_maintenance",
            "1 if gematik reports the application's limitation as maintenance.",
            app.maintenance,
            {"app": app.app},
        )
