"""Every metric of the TI exporter, declared once (see `exporters.core.catalogue`).

Labels never carry data of patient cards: those are only counted per terminal.
"""

from __future__ import annotations

from exporters.core.catalogue import Catalogue, counter, gauge, info, state_set
from exporters.ti.readings import PIN_STATES
from exporters.ti.tistatus import OUTAGES

OPERATIONS = (
    "connector.sds",
    "GetResourceInformation",
    "GetCardTerminals",
    "GetCards",
    "CheckCertificateExpiration",
    "GetPinStatus",
)
"""Connector calls counted in `ti_operation_failures_total` (one series each, from 0)."""

CONNECTOR_INFO = info(
    "ti_connector_info",
    "Connector product from connector.sds (value 1).",
    "vendor",
    "product",
    "product_type_version",
    "fw_version",
    "hw_version",
)
SERVICE_INFO = info(
    "ti_connector_service_info",
    "Highest version of each service listed in connector.sds (value 1).",
    "service",
    "version",
)
FIRMWARE_AS_EXPECTED = gauge(
    "ti_connector_firmware_as_expected",
    "1 if the connector's firmware equals expected_firmware from the config, else 0.",
    "expected",
    "fw_version",
)
VPN_TI = gauge(
    "ti_vpn_ti_connected", "1 if the connector reports its VPN to the TI online, else 0."
)
VPN_SIS = gauge(
    "ti_vpn_sis_connected",
    "1 if the connector reports its VPN to the secure internet service online, else 0.",
)
ERROR_STATE = gauge(
    "ti_connector_error_state",
    "1 while the connector's operating state lists this error condition as active.",
    "condition",
    "severity",
    "type",
)
TERMINAL_CONNECTED = gauge(
    "ti_card_terminal_connected",
    "1 if the connector reports the card terminal connected, else 0.",
    "ct_id",
    "name",
)
CARD_INSERTED = gauge(
    "ti_card_inserted",
    "1 for each of the practice's own cards (SMC-B, HBA, SM-B, SMC-KT...) inserted.",
    "card_type",
    "iccsn",
    "ct_id",
    "slot",
)
CARD_CERTIFICATE_EXPIRY = gauge(
    "ti_card_certificate_expiry_timestamp_seconds",
    "Certificate expiry of an own card as GetCards reports it (00:00 UTC of the day).",
    "card_type",
    "iccsn",
    "holder",
    unit="seconds",
)
CARDS_INSERTED = gauge(
    "ti_cards_inserted",
    "Number of the practice's own cards inserted, by card type.",
    "card_type",
)
PATIENT_CARDS = gauge(
    "ti_patient_cards_inserted",
    "Patient cards (eGK, KVK, unknown types) inserted; only counted, never shown.",
    "ct_id",
)
CERTIFICATE_EXPIRY = gauge(
    "ti_certificate_expiry_timestamp_seconds",
    "Certificate expiry from CheckCertificateExpiration (gSMC-K, SMC-B, HBA...).",
    "card_type",
    "iccsn",
    "subject",
    "serial",
    unit="seconds",
)
PIN_STATUS = state_set(
    "ti_card_pin_status",
    "PIN status of an own card (PIN.SMC of the SMC-B) as a state set.",
    "status",
    PIN_STATES,
    "iccsn",
    "card_type",
)
PIN_LEFT_TRIES = gauge(
    "ti_card_pin_left_tries",
    "PIN tries left before the card's PIN blocks (when the connector reports it).",
    "iccsn",
    "card_type",
)
CONNECTOR_CERTIFICATE_EXPIRY = gauge(
    "ti_connector_certificate_expiry_timestamp_seconds",
    "Expiry of the TLS certificate the connector presents.",
    unit="seconds",
)
OPERATION_SUCCESS = gauge(
    "ti_operation_success",
    "1 if the last call of this operation in this scrape succeeded, else 0.",
    "operation",
)
OPERATION_FAILURES = counter(
    "ti_operation_failures_total", "Failed connector calls, by operation.", "operation"
)
KIM_UP = gauge(
    "ti_kim_up",
    "1 if the KIM endpoint answered its greeting (and TLS handshake), else 0.",
    "service",
)
KIM_CERTIFICATE_EXPIRY = gauge(
    "ti_kim_certificate_expiry_timestamp_seconds",
    "Expiry of the TLS certificate the KIM endpoint presents.",
    "service",
    unit="seconds",
)
KIM_CERTIFICATE_VERIFIED = gauge(
    "ti_kim_certificate_verified",
    "1 if the KIM endpoint's certificate verifies (chain and name), else 0.",
    "service",
)
STATUS_UP = gauge("ti_status_up", "1 if the last TI-Lage fetch succeeded, else 0.")
STATUS_LAST_SUCCESS = gauge(
    "ti_status_last_success_timestamp_seconds",
    "When the TI-Lage was last fetched successfully (cached; fetched at most every 5 min).",
    unit="seconds",
)
STATUS_OUTAGE = state_set(
    "ti_status_outage",
    "gematik TI-Lage outage per application (none/partial/full), cached up to 5 minutes.",
    "outage",
    OUTAGES,
    "app",
)
STATUS_MAINTENANCE = gauge(
    "ti_status_maintenance",
    "1 if gematik reports the application's limitation as maintenance.",
    "app",
)

CATALOGUE = Catalogue(
    "ti",
    [
        CONNECTOR_INFO,
        SERVICE_INFO,
        FIRMWARE_AS_EXPECTED,
        VPN_TI,
        VPN_SIS,
        ERROR_STATE,
        TERMINAL_CONNECTED,
        CARD_INSERTED,
        CARD_CERTIFICATE_EXPIRY,
        CARDS_INSERTED,
        PATIENT_CARDS,
        CERTIFICATE_EXPIRY,
        PIN_STATUS,
        PIN_LEFT_TRIES,
        CONNECTOR_CERTIFICATE_EXPIRY,
        OPERATION_SUCCESS,
        OPERATION_FAILURES,
        KIM_UP,
        KIM_CERTIFICATE_EXPIRY,
        KIM_CERTIFICATE_VERIFIED,
        STATUS_UP,
        STATUS_LAST_SUCCESS,
        STATUS_OUTAGE,
        STATUS_MAINTENANCE,
    ],
)
