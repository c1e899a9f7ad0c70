"""Many sites end to end: two site Prometheus agents (the docker/multi-site/site config,
addresses changed) with different external `site` labels remote-write to a central
Prometheus (the docker/multi-site/central config) that has all rules; a real Alertmanager
with the example routing delivers to a local webhook receiver."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from devkit.dashboards import DASHBOARD_DIR, empty_queries, expand_variables, load, panel_queries
from devkit.exporter import ExporterProcess
from devkit.ports import free_port
from devkit.prometheus import Alertmanager, rule_files
from tests.ops.helpers import (
    DOCKER,
    PrometheusFromConfig,
    StaticExporter,
    WebhookReceiver,
    alertmanager_test_config,
    fast_rules,
    sites_of,
)

pytestmark = pytest.mark.e2e
SITE_CONFIG = DOCKER / "multi-site" / "site" / "prometheus.yml"
CENTRAL_CONFIG = DOCKER / "multi-site" / "central" / "prometheus.yml"
AREAS = {"database", "backup", "ups", "ti", "certs", "server", "firewall", "monitoring"}


def site_agent_config(site: str, targets: dict[str, str], remote_write: str) -> dict[str, Any]:
    """The shipped site agent config with the test's addresses and short intervals."""
    config: dict[str, Any] = yaml.safe_load(SITE_CONFIG.read_text())
    config["global"].update(scrape_interval="1s", scrape_timeout="1s")
    config["global"]["external_labels"]["site"] = site
    (write,) = config["remote_write"]
    assert "basic_auth" in write  # the example authenticates; the test receiver does not
    del write["basic_auth"]
    write["url"] = remote_write
    write["queue_config"]["batch_send_deadline"] = "500ms"
    jobs = []
    for job in config["scrape_configs"]:
        if job["job_name"] in targets:
            job["static_configs"] = [{"targets": [targets[job["job_name"]]]}]
            jobs.append(job)
    assert {j["job_name"] for j in jobs} == set(targets), "job names differ from the example"
    config["scrape_configs"] = jobs
    return config


def central_config(port: int, alertmanager: str, rules: list[Path]) -> dict[str, Any]:
    config: dict[str, Any] = yaml.safe_load(CENTRAL_CONFIG.read_text())
    config["global"].update(scrape_interval="1s", evaluation_interval="1s")
    config["rule_files"] = [str(p) for p in rules]
    config["alerting"]["alertmanagers"][0]["static_configs"] = [{"targets": [alertmanager]}]
    config["scrape_configs"][0]["static_configs"] = [{"targets": [f"127.0.0.1:{port}"]}]
    return config


def fixture_metrics(prefix: str, on_battery: int) -> str:
    """Exposition of the exporters not run as processes here (names as the exporters use)."""
    expires = time.time() + 40 * 86400
    lines = {
        "firebird": 'firebird_up{target="medatixx"} 1',
        "ups": 'ups_up{target="usv"} 1\n'
        f'ups_on_battery{{target="usv"}} {on_battery}\n'
        'ups_battery_runtime_seconds{target="usv"} 1800',
        "ti": 'ti_up{target="konnektor"} 1',
        "cert": f'cert_up{{target="firewall"}} 1\n'
        f'cert_not_after_timestamp_seconds{{target="firewall",serial="1"}} {expires}',
        "windows": 'windows_exporter_collector_success{collector="service"} 1',
        "firewall": 'firewall_up{target="fw"} 1',
    }
    return lines[prefix] + "\n"


@pytest.fixture
def stack(tmp_path: Path) -> Iterator[dict[str, Any]]:
    stop: list[Any] = []
    try:
        receiver = WebhookReceiver()
        stop.append(receiver)
        am_config = alertmanager_test_config(tmp_path / "am", receiver, practice_hours="closed")
        am = Alertmanager(tmp_path / "am", am_config)
        stop.append(am)
        port = free_port()
        rules = fast_rules(tmp_path / "rules", rule_files())
        central = PrometheusFromConfig(
            tmp_path / "central",
            central_config(port, f"127.0.0.1:{am.port}", rules),
            port=port,
            extra_args=[
                "--web.enable-remote-write-receiver",
                "--query.lookback-delta=15s",
                "--rules.alert.resend-delay=2s",
            ],
        )
        stop.append(central)
        agents = {}
        for site, age in (("praxis-a", 60), ("praxis-b", 7200)):
            backup_dir = tmp_path / site / "nas"
            backup_dir.mkdir(parents=True)
            dump = backup_dir / "medatixx.fbk"
            dump.write_bytes(b"x" * 4096)
            os.utime(dump, (time.time() - age, time.time() - age))
            cfg = tmp_path / site / "backup.yml"
            cfg.write_text(
                yaml.safe_dump(
                    {
                        "targets": {
                            "nas": {"type": "files", "path": f"{backup_dir}/*.fbk", "max_age": "1h"}
                        }
                    }
                )
            )
            backup = ExporterProcess("backup", cfg, tmp_path / site)
            stop.append(backup)
            statics = {}
            for job, prefix in (
                ("praxis-firebird", "firebird"),
                ("praxis-ups", "ups"),
                ("praxis-ti", "ti"),
                ("praxis-certs", "cert"),
                ("praxis-windows", "windows"),
                ("praxis-firewall", "firewall"),
            ):
                static = StaticExporter(fixture_metrics(prefix, on_battery=int(site[-1] == "b")))
                stop.append(static)
                statics[job] = f"127.0.0.1:{static.port}"
            targets = {
                **statics,
                "praxis-backup": f"127.0.0.1:{backup.port}",
                "praxis-mssql": f"127.0.0.1:{free_port()}",  # nothing listens: exporter down
            }
            agent = PrometheusFromConfig(
                tmp_path / site / "agent",
                site_agent_config(site, targets, f"{central.url}/api/v1/write"),
                agent=True,
            )
            stop.append(agent)
            agents[site] = agent
        yield {"central": central, "agents": agents, "receiver": receiver, "am": am}
    finally:
        for thing in reversed(stop):
            thing.stop() if hasattr(thing, "stop") else thing.close()


def test_two_sites_reach_the_fleet_board_and_the_right_receivers(stack: dict[str, Any]) -> None:
    central: PrometheusFromConfig = stack["central"]
    receiver: WebhookReceiver = stack["receiver"]
    both = {"praxis-a", "praxis-b"}

    # Both sites arrive with their external label, and every area shows up per site.
    central.wait_for("site:up:count", lambda r: sites_of(r) == both)
    central.wait_for(
        "count by (site) (site_area:praxis_alert_severity:max)",
        lambda r: len(r) == 2 and all(int(x["value"][1]) == len(AREAS) for x in r),
    )
    # Stale backup at b (2 h against a 1 h max_age), fresh at a.
    ratio = {
        r["metric"]["site"]: float(r["value"][1])
        for r in central.query("site:backup_last_success_age_ratio:max")
    }
    assert ratio["praxis-a"] < 0.1 and 1.9 < ratio["praxis-b"] < 2.2, ratio

    # Every query of the fleet board returns data; the per-site table has both sites.
    fleet = DASHBOARD_DIR / "fleet.json"
    assert empty_queries(central, fleet) == []
    for title, expr in panel_queries(load(fleet)):
        if title.startswith("Alle Praxen"):
            assert sites_of(central.query(expand_variables(expr))) == both, expr

    # The mssql exporter is down at both sites: a warning, after hours a ticket, per site.
    for site in sorted(both):
        receiver.wait_for("ticket", "ExporterDown", site=site, job="praxis-mssql")
    assert receiver.receivers_of("ExporterDown") == {"ticket"}
    receiver.wait_for("deadmansswitch", "Watchdog")
    # Power cut at b only (its UPS reports on battery): paged for b, nothing for a.
    receiver.wait_for("pager", "UpsOnBattery", site="praxis-b")
    assert receiver.receivers_of("UpsOnBattery", site="praxis-a") == set()

    # Site a goes silent: SiteDown pages for a, not for b.
    stack["agents"]["praxis-a"].stop()
    alert = receiver.wait_for("pager", "SiteDown", timeout=90, site="praxis-a")
    assert alert["labels"]["severity"] == "critical"
    assert receiver.receivers_of("SiteDown", site="praxis-b") == set()
    assert sites_of(central.query("site:up:count")) == {"praxis-b"}
    # The silent site stays on the fleet board, red in the monitoring column.
    central.wait_for(
        'site_area:praxis_alert_severity:max{site="praxis-a", area="monitoring"} == 2',
        timeout=30,
    )
    assert sites_of(central.query("site:praxis_alert_severity:max == 2")) >= {"praxis-a"}
