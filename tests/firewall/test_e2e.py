"""The exporter as a process: /metrics, /probe, and the version state across SIGKILL."""

from __future__ import annotations

import json
import signal
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from devkit.exporter import ExporterProcess
from devkit.snmpsim import SnmpSim

pytestmark = pytest.mark.integration


def _config(agent: SnmpSim, state: Path) -> str:
    return (
        f"timeout: 5s\nstate_file: {state}\ntargets:\n"
        f"  fortigate:\n    address: {agent.address}\n    snmp: {{community: firewall-fortigate}}\n"
        f"  sophos:\n    address: {agent.address}\n    snmp: {{community: firewall-sophos}}\n"
    )


def test_metrics_probe_and_state_across_sigkill(
    agent: SnmpSim, tmp_path: Path, start_exporter: Callable[..., ExporterProcess]
) -> None:
    state = tmp_path / "state" / "firewall-state.json"
    exporter = start_exporter("firewall", _config(agent, state))
    text = exporter.get("/metrics")
    check = subprocess.run(
        ["promtool", "check", "metrics"], input=text, capture_output=True, text=True, timeout=60
    )
    assert check.returncode == 0, check.stdout + check.stderr
    samples = exporter.metrics()
    assert samples[("firewall_up", frozenset({("target", "fortigate")}))] == 1
    assert samples[("firewall_up", frozenset({("target", "sophos")}))] == 1
    changed = "firewall_signature_version_changed_timestamp_seconds"
    key = (changed, frozenset({("target", "sophos"), ("engine", "ips")}))
    first_seen = samples[key]
    probe = exporter.metrics("/probe?target=sophos")
    assert probe[key] == first_seen
    assert not [k for k in probe if ("target", "fortigate") in k[1]]
    saved = json.loads(state.read_text())
    assert saved["targets"]["sophos"]["ips"]["current"] == "9.17.21"

    exporter.send_signal(signal.SIGKILL)
    exporter.proc.wait(timeout=30)
    again = start_exporter("firewall", _config(agent, state))
    assert again.metrics()[key] == first_seen  # not reset by the restart
