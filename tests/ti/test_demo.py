"""The demo part through the demo runner: connector and KIM come up in the told state."""

from __future__ import annotations

from pathlib import Path

import pytest

from demo.runner import Demo

pytestmark = pytest.mark.e2e


def test_demo_part(tmp_path: Path) -> None:
    with Demo(tmp_path / "demo", parts=["ti"], with_alertmanager=False) as demo:
        prom = demo.prometheus
        assert prom is not None
        prom.wait_for_targets_up(timeout=60)
        prom.wait_for('ti_up{site="praxis-demo", target="praxis"} == 1', timeout=60)
        assert prom.query('ti_vpn_ti_connected{site="praxis-demo"} == 1')
        assert prom.query('ti_patient_cards_inserted{ct_id="CT_EMPFANG"} == 1')
        assert prom.query('ti_card_terminal_connected{ct_id="CT_SPRECHZ1"} == 0')
        assert prom.query('ti_kim_up{site="praxis-demo"} == 1')
        assert len(prom.query('ti_kim_up{site="praxis-demo"}')) == 2
        assert prom.query(
            'ti_certificate_expiry_timestamp_seconds{card_type="gSMC-K"} - time() < 61 * 86400'
        )
        assert prom.query('ti_connector_firmware_as_expected{site="praxis-demo"} == 1')
        assert "TiCardTerminalDisconnected" in demo.summary()
