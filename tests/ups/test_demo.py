"""The demo's UPS part: starts, is scraped, and can be switched to battery with snmpset."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from demo.runner import Demo
from devkit.exporter import value

pytestmark = pytest.mark.e2e


def test_demo_ups_switches_to_battery(tmp_path: Path) -> None:
    with Demo(tmp_path / "demo", parts=["ups"], with_alertmanager=False) as demo:
        exporter = demo.exporters["ups"]
        samples = exporter.metrics()
        for target in ("usv-server", "usv-empfang", "usv-technik", "usv-usb"):
            assert value(samples, "ups_up", target=target) == 1, target
        usb = {"target": "usv-usb"}
        assert value(samples, "ups_shutdown_client_attached", client="127.0.0.1", **usb) == 1
        assert value(samples, "ups_shutdown_client_attached", client="192.0.2.20", **usb) == 0
        assert value(samples, "ups_shutdown_threshold_runtime_seconds", **usb) == 120
        assert value(samples, "ups_battery_replace_needed", target="usv-empfang") == 1
        assert value(samples, "ups_on_battery", target="usv-server") == 0
        story = next(line for line in demo.started[0].story if "snmpset" in line)
        command = story.split(": ", 1)[1].split("   ")[0]  # "snmpset ... i 3"
        subprocess.run(command.split(), check=True, capture_output=True)
        assert value(exporter.metrics(), "ups_on_battery", target="usv-server") == 1
        assert demo.prometheus is not None
        demo.prometheus.wait_for('ups_on_battery{site="praxis-demo", target="usv-server"} == 1')
        # the second server has no shutdown client on the USB UPS: the new alert is on its way
        demo.prometheus.wait_for_alert(
            "UpsShutdownClientNotAttached", state="pending", client="192.0.2.20"
        )
