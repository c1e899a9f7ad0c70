"""The collector against the connector simulator over HTTPS: auth variants, states, privacy."""

from __future__ import annotations

import logging

import pytest

from exporters.core.logsetup import LogfmtFormatter
from exporters.ti.collector import TargetDown
from simulators.ti_connector import documents as docs
from simulators.ti_connector.model import (
    EGK_HOLDER,
    EGK_ICCSN,
    EGK_KVNR,
    ConnectorState,
    apply_scenario,
)
from tests.ti.conftest import connector_config, exposition, scrape


def _state(*scenarios: str) -> ConnectorState:
    state = ConnectorState()
    for name in scenarios:
        apply_scenario(state, name)
    return state


def test_basic_auth(connector, ti_pki) -> None:
    server = connector("rise", basic=("monitoring", "konn-geheim"))
    cfg = connector_config(server.url, ti_pki, auth="basic", username="monitoring")
    sink, _ = scrape({"connector": {**cfg, "password": "konn-geheim"}})
    assert sink.sample_value("ti_vpn_ti_connected") == 1
    with pytest.raises(TargetDown, match="HTTP 401"):
        scrape({"connector": {**cfg, "password": "falsch"}})


def test_client_certificate_pem_and_pkcs12(connector, ti_pki) -> None:
    server = connector("kocobox", client_ca=True)
    pem = connector_config(
        server.url,
        ti_pki,
        auth="certificate",
        cert_file=str(ti_pki.client_cert),
        key_file=str(ti_pki.client_key),
    )
    assert scrape({"connector": pem})[0].sample_value("ti_vpn_ti_connected") == 1
    p12 = connector_config(
        server.url,
        ti_pki,
        auth="certificate",
        pkcs12_file=str(ti_pki.client_p12),
        pkcs12_password=ti_pki.p12_password,
    )
    assert scrape({"connector": p12})[0].sample_value("ti_vpn_ti_connected") == 1
    with pytest.raises(TargetDown, match=r"client certificate|connection failed"):
        scrape({"connector": connector_config(server.url, ti_pki)})


def test_wrong_pkcs12_password_is_a_clear_setup_error(connector, ti_pki, caplog) -> None:
    server = connector("kocobox", client_ca=True)
    cfg = connector_config(
        server.url,
        ti_pki,
        auth="certificate",
        pkcs12_file=str(ti_pki.client_p12),
        pkcs12_password="wrong-password-123",
    )
    with caplog.at_level(logging.ERROR), pytest.raises(TargetDown) as info:
        scrape({"connector": cfg})
    assert "setup failed: pkcs12_file: cannot decrypt" in str(info.value)
    assert "wrong-password-123" not in str(info.value) + caplog.text


def test_unknown_ca_fails_and_insecure_skip_verify_works(connector, ti_pki) -> None:
    server = connector("secunet")
    cfg = connector_config(server.url, ti_pki)
    del cfg["ca_file"]
    with pytest.raises(TargetDown, match="certificate verification failed"):
        scrape({"connector": cfg})
    sink, _ = scrape({"connector": {**cfg, "insecure_skip_verify": True}})
    assert sink.sample_value("ti_connector_certificate_expiry_timestamp_seconds") > 0


def test_states_show_up(connector, ti_pki) -> None:
    state = _state(
        "vpn_ti_down",
        "tsl_out_of_date",
        "terminal_disconnected",
        "pin_blocked",
        "cert_expiring",
        "smck_expiring",
        "firmware_old",
    )
    server = connector("secunet", state=state)
    cfg = connector_config(server.url, ti_pki, expected_firmware="5.1.2")
    sink, _ = scrape({"connector": cfg})
    v = sink.sample_value
    assert v("ti_vpn_ti_connected") == 0 and v("ti_vpn_sis_connected") == 1
    assert v("ti_connector_error_state", {"condition": "EC_TSL_Out_Of_Date"}) == 1
    assert v("ti_connector_error_state", {"condition": "EC_No_VPN_TI_Connection"}) == 1
    assert v("ti_connector_error_state", {"condition": "EC_CRL_Out_Of_Date"}) == 0
    assert v("ti_card_terminal_connected", {"ct_id": "CT_SPRECHZ1"}) == 0
    assert v("ti_card_pin_status", {"status": "BLOCKED"}) == 1
    assert v("ti_card_pin_status", {"status": "VERIFIED"}) == 0
    assert v("ti_card_pin_left_tries") == 0
    smcb = v("ti_certificate_expiry_timestamp_seconds", {"card_type": "SMC-B"})
    smck = v("ti_certificate_expiry_timestamp_seconds", {"card_type": "gSMC-K"})
    import time

    assert smcb - time.time() < 21 * 86400 and 50 * 86400 < smck - time.time() < 61 * 86400
    assert v("ti_connector_firmware_as_expected", {"fw_version": "4.9.3"}) == 0


def test_smcb_missing(connector, ti_pki) -> None:
    server = connector("rise", state=_state("smcb_removed"))
    sink, _ = scrape({"connector": connector_config(server.url, ti_pki)})
    assert sink.sample_value("ti_cards_inserted", {"card_type": "SMC-B"}) == 0
    assert sink.samples("ti_card_pin_status") == []


def test_patient_data_never_leaves(connector, ti_pki, caplog) -> None:
    """An eGK with a name and KVNR is inserted; none of it appears in output or logs."""
    state = _state("egk_inserted")
    state.faults.add("GetPinStatus")  # exercise the error paths too
    leaky = f"Karte {EGK_ICCSN} von {EGK_HOLDER} ({EGK_KVNR}) gesperrt"
    state.raw_responses["CheckCertificateExpiration"] = (
        500,
        "text/xml",
        docs.fault(4021, leaky, "default"),
    )
    server = connector("kocobox", state=state)
    with caplog.at_level(logging.DEBUG):
        sink, _ = scrape({"connector": connector_config(server.url, ti_pki)})
    logs = "\n".join(LogfmtFormatter().format(r) for r in caplog.records)
    assert "GetPinStatus" in logs  # the failing calls were logged, with their fields
    assert "SOAP fault 4021" in logs
    text = exposition(sink) + logs
    assert sink.sample_value("ti_patient_cards_inserted", {"ct_id": "CT_EMPFANG"}) == 1
    for secret in (EGK_HOLDER, EGK_KVNR, EGK_ICCSN, "Mustermann", "EGK-1"):
        assert secret not in text


def test_failing_operation_does_not_blank_the_rest(connector, ti_pki) -> None:
    state = _state("no_certificate_service")
    state.faults.add("GetCardTerminals")
    server = connector("secunet", state=state)
    target = {"connector": connector_config(server.url, ti_pki)}
    sink, collector = scrape(target)
    v = sink.sample_value
    assert v("ti_operation_success", {"operation": "GetCardTerminals"}) == 0
    assert v("ti_operation_success", {"operation": "CheckCertificateExpiration"}) == 0
    assert v("ti_operation_failures_total", {"operation": "GetCardTerminals"}) == 1
    assert v("ti_vpn_ti_connected") == 1
    assert v("ti_card_pin_status", {"status": "VERIFIED"}) == 1
    assert sink.samples("ti_card_terminal_connected") == []
    sink2, _ = scrape(target, collector)
    assert sink2.sample_value("ti_operation_failures_total", {"operation": "GetCardTerminals"}) == 2
    assert sink2.sample_value("ti_operation_failures_total", {"operation": "GetCards"}) == 0


def test_rewrite_endpoints(connector, ti_pki) -> None:
    server = connector("rise")  # the SDS names konnektor.praxis.intern:8443
    cfg = connector_config(server.url, ti_pki, rewrite_endpoints=False)
    sink, _ = scrape({"connector": cfg})
    assert sink.sample_value("ti_operation_failures_total", {"operation": "GetCards"}) == 1
    assert server.sim.requests_seen == []
    direct = connector("rise", advertised_base=server.url.replace("127.0.0.1", "localhost"))
    sink, _ = scrape({"connector": connector_config(direct.url, ti_pki, rewrite_endpoints=False)})
    assert sink.sample_value("ti_operation_failures_total", {"operation": "GetCards"}) == 1
    same = connector("rise")
    same.sim.advertised_base = same.url
    sink, _ = scrape({"connector": connector_config(same.url, ti_pki, rewrite_endpoints=False)})
    assert sink.sample_value("ti_operation_failures_total", {"operation": "GetCards"}) == 0
    assert same.sim.invalid_requests == []


def test_encrypted_pem_key_fails_clearly_without_prompting(connector, ti_pki, tmp_path) -> None:
    from cryptography.hazmat.primitives import serialization

    key = serialization.load_pem_private_key(ti_pki.client_key.read_bytes(), None)
    encrypted = tmp_path / "enc.key"
    encrypted.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.BestAvailableEncryption(b"schluessel"),
        )
    )
    server = connector("secunet", client_ca=True)
    cfg = connector_config(
        server.url,
        ti_pki,
        auth="certificate",
        cert_file=str(ti_pki.client_cert),
        key_file=str(encrypted),
    )
    with pytest.raises(TargetDown, match="key_file must be unencrypted"):
        scrape({"connector": cfg})


def test_unreadable_ca_file_is_a_clear_setup_error(connector, ti_pki, tmp_path) -> None:
    server = connector("secunet")
    garbage = tmp_path / "ca.pem"
    garbage.write_text("-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n")
    for ca_file in (str(tmp_path / "missing.pem"), str(garbage)):
        cfg = {**connector_config(server.url, ti_pki), "ca_file": ca_file}
        with pytest.raises(TargetDown, match="setup failed: cannot load ca_file: ") as info:
            scrape({"connector": cfg})
        assert str(tmp_path) not in str(info.value)  # the reason, never the path
