"""Pure functions: what the connector, KIM and TI-Lage said -> metric samples.

The one writing layer of the TI exporter: every sample goes through a declaration of
`catalogue`. Each function takes the readings of one call, so a failed call leaves out only
its own series. Labels never carry data of patient cards (see `readings`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from exporters.core import MetricSink
from exporters.ti import catalogue as m
from exporters.ti.directory import Directory
from exporters.ti.kim import KimResult
from exporters.ti.readings import (
    OWN_CARD_TYPES,
    CardList,
    CertificateExpiry,
    ConnectorStatus,
    OwnCard,
    PinStatus,
    Terminal,
)
from exporters.ti.tistatus import Snapshot


def directory(sink: MetricSink, sds: Directory, expected_firmware: str | None) -> None:
    p = sds.product
    sink.put_info(
        m.CONNECTOR_INFO,
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
            sink.put_info(m.SERVICE_INFO, {"service": service, "version": highest.version})
    if expected_firmware:
        sink.put(
            m.FIRMWARE_AS_EXPECTED,
            p.fw_version == expected_firmware,
            {"expected": expected_firmware, "fw_version": p.fw_version},
        )


def connector_status(sink: MetricSink, status: ConnectorStatus) -> None:
    sink.put(m.VPN_TI, status.vpn_ti_online)
    sink.put(m.VPN_SIS, status.vpn_sis_online)
    seen: set[tuple[str, str, str]] = set()
    for state in status.error_states:
        key = (state.condition, state.severity, state.type)
        if key in seen:
            continue
        seen.add(key)
        sink.put(
            m.ERROR_STATE,
            state.active,
            {"condition": state.condition, "severity": state.severity, "type": state.type},
        )


def terminals(sink: MetricSink, terms: Sequence[Terminal]) -> None:
    seen: set[tuple[str, str]] = set()
    for term in terms:
        if (term.ct_id, term.name) in seen:
            continue  # a terminal listed twice is one terminal
        seen.add((term.ct_id, term.name))
        sink.put(m.TERMINAL_CONNECTED, term.connected, {"ct_id": term.ct_id, "name": term.name})


def cards(sink: MetricSink, card_list: CardList, terminal_ids: Iterable[str]) -> None:
    counts = dict.fromkeys(OWN_CARD_TYPES, 0)
    for card in card_list.own:
        counts[card.card_type] = counts.get(card.card_type, 0) + 1
        sink.put(
            m.CARD_INSERTED,
            1,
            {
                "card_type": card.card_type,
                "iccsn": card.iccsn,
                "ct_id": card.ct_id,
                "slot": card.slot,
            },
        )
        if card.certificate_expiry is not None:
            sink.put(
                m.CARD_CERTIFICATE_EXPIRY,
                card.certificate_expiry,
                {"card_type": card.card_type, "iccsn": card.iccsn, "holder": card.holder},
            )
    for card_type, count in counts.items():
        sink.put(m.CARDS_INSERTED, count, {"card_type": card_type})
    per_terminal = dict.fromkeys(terminal_ids, 0)
    per_terminal.update(card_list.patient_cards_per_terminal)
    for ct_id, count in sorted(per_terminal.items()):
        sink.put(m.PATIENT_CARDS, count, {"ct_id": ct_id})


def certificate_expiry(
    sink: MetricSink, entries: Sequence[CertificateExpiry], card_list: CardList | None
) -> None:
    """CheckCertificateExpiration entries (one per certificate: a card holds several, told
    apart by `serial`); the card type comes from GetCards by handle."""
    by_handle: dict[str, OwnCard] = {c.handle: c for c in card_list.own} if card_list else {}
    by_iccsn: dict[str, OwnCard] = {c.iccsn: c for c in card_list.own} if card_list else {}
    seen: set[tuple[str, ...]] = set()
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
        labels = {
            "card_type": card_type,
            "iccsn": entry.iccsn,
            "subject": entry.subject,
            "serial": entry.serial,
        }
        key = tuple(labels.values())
        if key in seen:
            continue  # the same certificate listed twice
        seen.add(key)
        sink.put(m.CERTIFICATE_EXPIRY, entry.expiry, labels)


def pin_status(sink: MetricSink, card: OwnCard, status: PinStatus) -> None:
    labels = {"iccsn": card.iccsn, "card_type": card.card_type}
    sink.put_state(m.PIN_STATUS, status.status, labels)
    sink.put(m.PIN_LEFT_TRIES, status.left_tries, labels)


def connector_certificate(sink: MetricSink, not_after: float | None) -> None:
    sink.put(m.CONNECTOR_CERTIFICATE_EXPIRY, not_after)


def operations(sink: MetricSink, success: dict[str, bool], failures: dict[str, int]) -> None:
    for op in m.OPERATIONS:
        if op in success:
            sink.put(m.OPERATION_SUCCESS, success[op], {"operation": op})
    for op in m.OPERATIONS:
        sink.put(m.OPERATION_FAILURES, failures.get(op, 0), {"operation": op})


def kim(sink: MetricSink, service: str, result: KimResult | None) -> None:
    labels = {"service": service}
    sink.put(m.KIM_UP, result is not None, labels)
    if result is None:
        return
    sink.put(m.KIM_CERTIFICATE_EXPIRY, result.certificate_expiry, labels)
    if result.certificate_verified is not None:
        sink.put(m.KIM_CERTIFICATE_VERIFIED, result.certificate_verified, labels)


def ti_status(sink: MetricSink, snapshot: Snapshot) -> None:
    sink.put(m.STATUS_UP, snapshot.ok)
    sink.put(m.STATUS_LAST_SUCCESS, snapshot.fetched_at or None)
    for app in snapshot.apps:
        labels = {"app": app.app}
        sink.put_state(m.STATUS_OUTAGE, app.outage, labels)
        sink.put(m.STATUS_MAINTENANCE, app.maintenance, labels)
