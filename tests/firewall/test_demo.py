"""The demo's firewall part with a real Prometheus and all rule files: every panel of the
Firewall board has data, and the seed story's FortiGate raises exactly the licence and the
signature alert (pending: the demo keeps the rules' real `for:`)."""

from __future__ import annotations

from pathlib import Path

import pytest

from demo.runner import Demo
from devkit.dashboards import empty_queries
from devkit.exporter import value
from devkit.prometheus import REPO

pytestmark = pytest.mark.e2e
STORY = {"FirewallLicenceExpired", "FirewallSignaturesTooOld"}


def test_demo_firewalls_board_and_seed_story(tmp_path: Path) -> None:
    with Demo(tmp_path / "demo", parts=["firewall"], with_alertmanager=False) as demo:
        samples = demo.exporters["firewall"].metrics()
        for target in ("fortigate", "sophos", "opnsense"):
            assert value(samples, "firewall_up", target=target) == 1, target
        assert (
            value(
                samples,
                "firewall_api_up",
                target="fortigate",
                endpoint="/api/v2/monitor/license/status/select/",
            )
            == 1
        )
        prom = demo.prometheus
        assert prom is not None
        prom.wait_for('count(firewall_up{site="praxis-demo"}) == 3')
        prom.wait_for("count(firewall_scrape_duration_seconds) >= 3")
        for name in STORY:
            prom.wait_for_alert(name, state="pending", target="fortigate")
        firewall_alerts = [
            a for a in prom.alerts() if a["labels"]["alertname"].startswith("Firewall")
        ]
        assert {a["labels"]["alertname"] for a in firewall_alerts} == STORY
        assert {a["labels"]["target"] for a in firewall_alerts} == {"fortigate"}
        licence = [
            a for a in firewall_alerts if a["labels"]["alertname"] == "FirewallLicenceExpired"
        ]
        assert [a["labels"]["module"] for a in licence] == ["antivirus"]
        assert empty_queries(prom, REPO / "dashboards" / "firewall.json") == []
