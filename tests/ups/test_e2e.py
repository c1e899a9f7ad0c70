"""End to end: the exporter as a process, scraped by a real Prometheus with a `site` label."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from devkit.apcupsd import Apcupsd
from devkit.dashboards import empty_queries
from devkit.exporter import ExporterProcess, parse_samples, value
from devkit.nut import NutServer
from devkit.prometheus import REPO, Prometheus, promtool_check_metrics, scrape_job
from devkit.snmpsim import SnmpSim
from tests.ups.conftest import WATCHED

pytestmark = pytest.mark.e2e
# target name -> community (recording); names must not contain the community: the core
# redacts secrets (communities are secrets) wherever they appear, labels included.
TARGETS = {
    "e93": "eaton-93e-80",
    "smart": "apc-smartups",
    "hp": "apc-hp-only",
    "x-alarms": "eaton-xups-alarms",
    "testfail": "apc-test-failed",
}


def config(agent: SnmpSim, nut: NutServer, apcupsd: Apcupsd) -> str:
    lines = ["timeout: 5s", "targets:"]
    for name, community in TARGETS.items():
        lines += [
            f"  {name}:",
            f"    address: {agent.address}",
            f"    snmp: {{version: 2c, community: {community}}}",
        ]
    lines += [
        "  usb-nut:",
        f"    nut: {{address: '{nut.address}', ups: {WATCHED}}}",
        "    expected_shutdown_clients: [127.0.0.1, 192.0.2.10]",
        "    shutdown_seconds_needed: 8m",
        "  usb-apcupsd:",
        f"    apcupsd: {{address: '{apcupsd.address}'}}",
        "    shutdown_seconds_needed: 8m",
        "  unreachable:",
        "    address: 127.0.0.1:9",
        "    timeout: 1s",
        "    snmp: {version: 2c, community: public}",
    ]
    return "\n".join(lines) + "\n"


def test_prometheus_scrapes_the_exporter_and_every_dashboard_query_has_data(
    agent: SnmpSim,
    nut: NutServer,
    daemon: tuple[Apcupsd, SnmpSim],
    start_exporter: Callable[..., ExporterProcess],
    start_prometheus: Callable[..., Prometheus],
) -> None:
    exporter = start_exporter("ups", config(agent, nut, daemon[0]))
    text = exporter.get("/metrics")
    assert promtool_check_metrics(text) == ""
    samples = parse_samples(text)
    for name in [*TARGETS, "usb-nut", "usb-apcupsd"]:
        assert value(samples, "ups_up", target=name) == 1, name
    assert value(samples, "ups_up", target="unreachable") == 0
    probe = parse_samples(exporter.get("/probe?target=smart"))
    assert value(probe, "ups_battery_runtime_seconds", target="smart") == 2520
    assert value(probe, "ups_up", target="e93") is None

    prom = start_prometheus(
        [scrape_job("praxis-ups", [exporter.url.split("//")[1]], labels={"site": "praxis-a"})]
    )
    prom.wait_for('ups_up{site="praxis-a", target="smart"} == 1')
    prom.wait_for("count(ups_snmp_packets_sent) >= 5")
    prom.wait_for("count(ups_shutdown_client_attached) >= 2")
    prom.wait_for("count(increase(ups_transfers_total[1d])) >= 1")  # two samples
    prom.wait_for("count(changes(ups_on_battery[1h])) >= 6")  # hp has no output source
    assert empty_queries(prom, REPO / "dashboards" / "ups.json") == []
    # the rules loaded into this Prometheus see the failed self-test scenario
    alert = prom.wait_for_alert(
        "UpsSelfTestFailed", state="pending", target="testfail", site="praxis-a"
    )
    assert alert["labels"]["severity"] == "warning"
    # the NUT target's second expected server has no shutdown client attached
    alert = prom.wait_for_alert(
        "UpsShutdownClientNotAttached", state="pending", client="192.0.2.10"
    )
    assert alert["labels"]["target"] == "usb-nut"
    # the practice overview's UPS tile: on mains (0) + 2 * chain broken = 2 (red)
    tile = prom.query(
        'max(ups_on_battery{site=~"praxis-a"}) + 2 * (max(ups_shutdown_client_attached'
        '{site=~"praxis-a"} == bool 0) or vector(0))'
    )
    assert float(tile[0]["value"][1]) == 2


def test_invalid_config_exits_2_naming_the_key(tmp_path: Path) -> None:
    import subprocess
    import sys

    bad = tmp_path / "ups.yml"
    bad.write_text("targets:\n  u:\n    address: h\n    snmp: {version: 3, username: x}\n")
    result = subprocess.run(
        [sys.executable, "-m", "exporters.ups", f"--config.file={bad}"],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert "targets.u.snmp" in result.stderr and "auth_password" in result.stderr
