"""The seed stories end to end: the demo practice's parts with real exporters, a real
Prometheus started from docker/prometheus/prometheus.yml (addresses changed, every `for:`
shortened to 5 s — the long durations are covered by the promtool unit tests), and a real
Alertmanager with the example routing (practice hours open) delivering to a local webhook
receiver. Each story must end as the right alert at the right receiver."""

from __future__ import annotations

import importlib
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from demo.runner import SITE, Demo, available_parts
from devkit.dashboards import DASHBOARD_DIR, empty_queries
from devkit.ports import free_port
from devkit.prometheus import Alertmanager, rule_files
from devkit.windows_exposition import scenario as windows_scenario
from tests.ops.helpers import (
    DOCKER,
    PrometheusFromConfig,
    WebhookReceiver,
    alertmanager_test_config,
    fast_rules,
)

pytestmark = pytest.mark.e2e
STORY_PARTS = ["backup", "certs", "firebird", "firewall", "mssql", "ti", "ups", "windows"]
PARTS = [p for p in STORY_PARTS if p in available_parts()]
# What a board query shows of each part: its metric prefix and its fleet area.
SHOWS = {
    "backup": ("backup_", 'area="backup"'),
    "certs": ("cert_", 'area="certs"'),
    "firebird": ("firebird_",),
    "firewall": ("firewall_", 'area="firewall"'),
    "mssql": ("mssql_",),
    "ti": ("ti_", 'area="ti"'),
    "ups": ("ups_", 'area="ups"'),
    "windows": ("windows_", 'area="server"'),
}


def needs(part: str) -> pytest.MarkDecorator:
    return pytest.mark.skipif(part not in PARTS, reason=f"no demo part {part} yet")


def site_prometheus_config(
    exporters: dict[str, str], alertmanager: str, rules: list[Path], port: int
) -> dict[str, Any]:
    """docker/prometheus/prometheus.yml with the demo's exporters and the test's services."""
    config: dict[str, Any] = yaml.safe_load((DOCKER / "prometheus/prometheus.yml").read_text())
    config["global"].update(
        scrape_interval="2s",
        scrape_timeout="2s",
        evaluation_interval="1s",
        external_labels={"site": SITE},
    )
    config["rule_files"] = [str(p) for p in rules]
    config["alerting"]["alertmanagers"][0]["static_configs"] = [{"targets": [alertmanager]}]
    jobs = []
    for job in config["scrape_configs"]:
        name = job["job_name"].removeprefix("praxis-")
        target = f"127.0.0.1:{port}" if name == "prometheus" else exporters.get(name)
        if target:
            job["static_configs"] = [{"targets": [target], "labels": {"site": SITE}}]
            job["scrape_timeout"] = "2s"
            jobs.append(job)
    config["scrape_configs"] = jobs
    return config


@pytest.fixture(scope="module")
def practice(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    if not PARTS:
        pytest.skip("no demo parts")
    tmp = tmp_path_factory.mktemp("stories")
    receiver = WebhookReceiver()
    mssql_part = importlib.import_module("demo.parts.mssql") if "mssql" in PARTS else None
    saved = getattr(mssql_part, "CHANGE_AFTER_SECONDS", None)
    if mssql_part is not None:
        # the "Windows update" comes once our Prometheus scrapes
        setattr(mssql_part, "CHANGE_AFTER_SECONDS", 30)  # noqa: B010
    demo = Demo(tmp / "demo", parts=PARTS, scrape_interval="10s", with_alertmanager=False)
    am = prom = None
    try:
        demo.start()
        assert demo.prometheus is not None
        demo.prometheus.stop()  # replaced by the docker/ site config with short `for:`
        am = Alertmanager(
            tmp / "am", alertmanager_test_config(tmp / "am", receiver, practice_hours="open")
        )
        port = free_port()
        prom = PrometheusFromConfig(
            tmp / "prometheus",
            site_prometheus_config(
                {name: f"127.0.0.1:{proc.port}" for name, proc in demo.exporters.items()},
                f"127.0.0.1:{am.port}",
                # 5 s: a single slow scrape on a busy CI host must not fire anything
                fast_rules(tmp / "rules", rule_files(), for_="5s"),
                port,
            ),
            port=port,
            extra_args=["--rules.alert.resend-delay=2s"],
        )
        yield {"demo": demo, "receiver": receiver, "prometheus": prom}
    finally:
        for proc in (prom, am):
            if proc is not None:
                proc.stop()
        demo.stop()
        receiver.close()
        if mssql_part is not None:
            setattr(mssql_part, "CHANGE_AFTER_SECONDS", saved)  # noqa: B010


def receivers(practice: dict[str, Any], alertname: str, **labels: str) -> set[str]:
    rcv: WebhookReceiver = practice["receiver"]
    return rcv.receivers_of(alertname, **labels)


@needs("backup")
def test_backup_stopped_pages(practice: dict[str, Any]) -> None:
    """The weekly image is 9 days old: BackupTooOld, critical, to the pager."""
    rcv: WebhookReceiver = practice["receiver"]
    alert = rcv.wait_for("pager", "BackupTooOld", target="usb-disk", site=SITE)
    assert alert["labels"]["severity"] == "critical"
    # last night's dump is fresh: no alert about it
    assert receivers(practice, "BackupTooOld", target="pvs-fbk") == set()


@needs("firebird")
def test_firebird_forced_writes_off(practice: dict[str, Any]) -> None:
    """Forced writes off on the demo's Linux server: the warning variant (the critical one
    needs a Windows server version, covered by alerting-rules/tests/firebird.test.yml)."""
    rcv: WebhookReceiver = practice["receiver"]
    alert = rcv.wait_for("ops-team", "FirebirdForcedWritesOff", site=SITE)
    assert alert["labels"]["severity"] == "warning"
    assert "pager" not in receivers(practice, "FirebirdForcedWritesOff")


@needs("mssql")
def test_sql_server_compatibility_level_changed(practice: dict[str, Any]) -> None:
    """A "Windows update" raises M1PRO from 150 to 160: changed (warning) and mismatch
    against the expected level (critical, paged)."""
    rcv: WebhookReceiver = practice["receiver"]
    rcv.wait_for("ops-team", "MssqlCompatibilityLevelChanged", timeout=90, database="M1PRO")
    alert = rcv.wait_for("pager", "MssqlCompatibilityLevelMismatch", database="M1PRO")
    assert alert["labels"]["severity"] == "critical"


@needs("certs")
def test_firewall_licence_expired_is_critical(practice: dict[str, Any]) -> None:
    rcv: WebhookReceiver = practice["receiver"]
    alert = rcv.wait_for("pager", "CertExpired", target="firewall-licence")
    assert alert["labels"]["severity"] == "critical"


@needs("firewall")
def test_firewall_licence_ran_out_and_signatures_are_three_months_old(
    practice: dict[str, Any],
) -> None:
    """The FortiGate's AV licence ran out 90 days ago and its last AV signatures are 92 days
    old: exactly the licence and the signature alert, both critical, to the pager."""
    rcv: WebhookReceiver = practice["receiver"]
    prom: PrometheusFromConfig = practice["prometheus"]
    story = {"FirewallLicenceExpired", "FirewallSignaturesTooOld"}
    for name in sorted(story):
        alert = rcv.wait_for("pager", name, target="fortigate", site=SITE)
        assert alert["labels"]["severity"] == "critical"
    firing = prom.query(f'ALERTS{{alertname=~"Firewall.*", site="{SITE}"}}')
    assert {a["metric"]["alertname"] for a in firing} == story
    assert {a["metric"]["target"] for a in firing} == {"fortigate"}
    assert {a["metric"].get("engine", a["metric"].get("module")) for a in firing} == {"antivirus"}


@needs("ti")
def test_ti_card_certificate_expiring_is_a_warning(practice: dict[str, Any]) -> None:
    """The gSMC-K expires in 60 days: a warning to the ops team, no page."""
    rcv: WebhookReceiver = practice["receiver"]
    alert = rcv.wait_for("ops-team", "TiCertificateExpiringSoon", site=SITE)
    assert alert["labels"]["severity"] == "warning"
    assert "pager" not in receivers(practice, "TiCertificateExpiringSoon")


@needs("ti")
def test_kim_unreachable_pages(practice: dict[str, Any]) -> None:
    """The KIM module stops answering (as after a botched certificate change)."""
    demo: Demo = practice["demo"]
    rcv: WebhookReceiver = practice["receiver"]
    assert receivers(practice, "TiKimUnreachable") == set()
    (ctx,) = [c for c in demo.contexts if c.workdir.name == "ti"]
    (kim,) = [s for s in ctx.services if s.name == "kim-sim"]
    kim.stop()
    alert = rcv.wait_for("pager", "TiKimUnreachable", site=SITE)
    assert alert["labels"]["severity"] == "critical"


@needs("ups")
def test_ups_on_battery_pages(practice: dict[str, Any]) -> None:
    """Power cut: the demo's APC UPS switches to battery (the story's snmpset line)."""
    demo: Demo = practice["demo"]
    rcv: WebhookReceiver = practice["receiver"]
    (part,) = [p for p in demo.started if p.exporter == "ups"]
    agent = part.urls["snmp agent"].split("//", 1)[1].split()[0]
    assert receivers(practice, "UpsOnBattery") == set()
    oid = "1.3.6.1.4.1.318.1.1.1.4.1.1.0"  # APC upsBasicOutputStatus: 3 = onBattery
    subprocess.run(
        ["snmpset", "-v2c", "-c", "apc-smartups", agent, oid, "i", "3"],
        check=True,
        capture_output=True,
        timeout=30,
    )
    alert = rcv.wait_for("pager", "UpsOnBattery", target="usv-server", site=SITE)
    assert alert["labels"]["alertname"] == "UpsOnBattery"


@needs("ups")
@needs("windows")
def test_power_cut_switches_the_server_off_hard(practice: dict[str, Any]) -> None:
    """Power cut: the UPS runs on battery, then the server's boot time jumps (it went off
    when the battery ran out) and Firebird comes up late. What reaches the pager tells the
    story in one look: UpsOnBattery, WindowsHardPowerOff ("hard power-off"),
    WindowsPvsServiceNotRunning for Firebird; no plain "reboot outside the window"."""
    demo: Demo = practice["demo"]
    rcv: WebhookReceiver = practice["receiver"]
    prom: PrometheusFromConfig = practice["prometheus"]
    (ups,) = [p for p in demo.started if p.exporter == "ups"]
    agent = ups.urls["snmp agent"].split("//", 1)[1].split()[0]
    oid = "1.3.6.1.4.1.318.1.1.1.4.1.1.0"  # APC upsBasicOutputStatus: 3 = onBattery
    subprocess.run(
        ["snmpset", "-v2c", "-c", "apc-smartups", agent, oid, "i", "3"],
        check=True,
        capture_output=True,
        timeout=30,
    )
    prom.wait_for(f'site:ups_on_battery:max6h{{site="{SITE}"}} == 1', timeout=90)
    (server,) = [p for p in demo.started if p.exporter == "windows"]
    boot = time.time() - 60
    windows_scenario("power-cut", boot_at=boot).write(server.config_file)
    hard = rcv.wait_for("pager", "WindowsHardPowerOff", site=SITE, timeout=90)
    assert "hard power-off" in hard["annotations"]["summary"]
    rcv.wait_for("pager", "UpsOnBattery", target="usv-server", site=SITE)
    rcv.wait_for(
        "pager", "WindowsPvsServiceNotRunning", name="FirebirdServerDefaultInstance", site=SITE
    )
    # Firebird comes up late: its alert resolves, the hard power-off stays
    windows_scenario("firebird-started", boot_at=boot).write(server.config_file)
    prom.wait_for(
        'ALERTS{alertname="WindowsPvsServiceNotRunning", alertstate="firing"}',
        check=lambda result: not result,
    )
    assert prom.query('ALERTS{alertname="WindowsHardPowerOff", alertstate="firing"}')
    assert receivers(practice, "WindowsRebootOutsideMaintenance") == set()


def test_practice_overview_and_fleet_queries_return_data(practice: dict[str, Any]) -> None:
    """Every panel query of the two boards returns data for the demo practice, except those
    about an exporter that has no demo part yet."""
    prom: PrometheusFromConfig = practice["prometheus"]
    prom.wait_for('ALERTS{alertstate="firing", alertname!="Watchdog"}')
    missing = [token for p in STORY_PARTS if p not in PARTS for token in SHOWS[p]]
    for board in ("practice-overview.json", "fleet.json"):
        empty = empty_queries(prom, DASHBOARD_DIR / board, {"site": SITE})
        unexplained = [e for e in empty if not any(m in e for m in missing)]
        assert unexplained == [], board


def test_exporter_gone_silent(practice: dict[str, Any]) -> None:
    """Last: an exporter process dies; ExporterDown (warning) reaches the ops team."""
    demo: Demo = practice["demo"]
    rcv: WebhookReceiver = practice["receiver"]
    name = sorted(demo.exporters)[0]
    demo.exporters[name].stop()
    alert = rcv.wait_for("ops-team", "ExporterDown", job=f"praxis-{name}", site=SITE)
    assert alert["labels"]["severity"] == "warning"
