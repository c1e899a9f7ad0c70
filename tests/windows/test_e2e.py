"""End to end: the fixture exposition served like windows_exporter (devkit.static_exporter),
scraped by a real Prometheus with windows.rules.yml (every `for:` shortened; the durations
are covered by the promtool unit tests). Three practices:

- site a: a server with everything wrong at once, booted a minute ago while the site's UPS
  was on battery (a static `ups_on_battery` exposition stands in for praxis-ups-exporter,
  whose own tests cover it) -> every alert of the rule file except the plain reboot;
- site b: a healthy server that rebooted a minute ago, no UPS event -> only the reboot alert
  (or none, if the test happens to run inside the Sunday maintenance window);
- site c: a reception PC with another antivirus (Defender passive) -> nothing.

Then every panel query and annotation of dashboards/server.json returns data.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from devkit.dashboards import DASHBOARD_DIR, empty_queries, expand_variables, load
from devkit.exporter import ExporterProcess
from devkit.prometheus import RULES_DIR, Prometheus, scrape_job
from devkit.windows_exposition import (
    DEGRADED_STATUS_FIXTURE,
    FIXTURES,
    WindowsExposition,
)
from tests.ops.helpers import fast_rules

pytestmark = pytest.mark.e2e
RULES = RULES_DIR / "windows.rules.yml"
BOARD = DASHBOARD_DIR / "server.json"
UPS_ON_BATTERY = """# HELP ups_on_battery 1 if the UPS is running on battery.
# TYPE ups_on_battery gauge
ups_on_battery{target="usv-server"} 1
"""


def alert_names() -> set[str]:
    groups = yaml.safe_load(RULES.read_text())["groups"]
    return {r["alert"] for g in groups for r in g["rules"] if "alert" in r}


def broken(now: float) -> WindowsExposition:
    """Site a's server: everything the rules look at is wrong."""
    server = WindowsExposition(now, status=DEGRADED_STATUS_FIXTURE)
    server.reboot(now - 60)
    server.stop_service("FirebirdServerDefaultInstance")
    size = server.value("windows_logical_disk_size_bytes", volume="D:")
    server.set("windows_logical_disk_free_bytes", size * 0.05, volume="D:")
    total = server.value("windows_memory_physical_total_bytes")
    server.set("windows_memory_available_bytes", total * 0.05)
    server.set("windows_time_computed_time_offset_seconds", 31.5)
    server.set(
        "windows_update_pending_published_timestamp",
        now - 45 * 86400,
        id="6f1c9b2e-4a57-4f0e-9d3b-2c8e1a7f5d40",
    )
    server.set("windows_exporter_collector_success", 0, collector="update")
    server.set("windows_textfile_mtime_seconds", now - 4 * 3600)
    return server


@pytest.fixture(scope="module")
def practices(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    tmp = tmp_path_factory.mktemp("windows-e2e")
    now = time.time()
    files = {
        "a": broken(now),
        "b": WindowsExposition(now),
        "c": WindowsExposition(now, status=FIXTURES / "praxis_windows_status.client.prom"),
    }
    files["b"].reboot(now - 60)
    started: list[Any] = []
    try:
        exporters = {}
        for site, exposition in files.items():
            path = tmp / f"{site}.prom"
            exposition.write(path)
            proc = ExporterProcess("windows", path, tmp / site, module="devkit.static_exporter")
            started.append(proc)
            exporters[site] = proc
        ups_file = tmp / "ups.prom"
        ups_file.write_text(UPS_ON_BATTERY)
        ups = ExporterProcess("ups", ups_file, tmp / "ups", module="devkit.static_exporter")
        started.append(ups)
        jobs = [
            scrape_job(
                "praxis-windows",
                [f"127.0.0.1:{proc.port}"],
                labels={"site": site},
                scrape_timeout="1s",
            )
            for site, proc in exporters.items()
        ]
        # one job name, three static configs
        windows_job = jobs[0]
        windows_job["static_configs"] = [j["static_configs"][0] for j in jobs]
        ups_job = scrape_job(
            "praxis-ups", [f"127.0.0.1:{ups.port}"], labels={"site": "a"}, scrape_timeout="1s"
        )
        prom = Prometheus(
            tmp / "prometheus",
            [windows_job, ups_job],
            rules=fast_rules(tmp / "rules", [RULES], for_="0s"),
        )
        started.append(prom)
        yield {"prometheus": prom, "files": files, "paths": tmp, "now": now}
    finally:
        for proc in reversed(started):
            proc.stop()


def fill_d_volume(practices: dict[str, Any]) -> None:
    """Site a's D: loses 1 % of its size per second (the forecast needs a slope): rewrite
    the exposition until Prometheus fires WindowsVolumeFullSoon."""
    prom: Prometheus = practices["prometheus"]
    server: WindowsExposition = practices["files"]["a"]
    path: Path = practices["paths"] / "a.prom"
    size = server.value("windows_logical_disk_size_bytes", volume="D:")
    start = time.monotonic()
    end = start + 90
    while time.monotonic() < end:
        elapsed = time.monotonic() - start
        server.set(
            "windows_logical_disk_free_bytes", size * max(0.2 - 0.01 * elapsed, 0.01), volume="D:"
        )
        server.write(path)
        if any(
            a["labels"]["alertname"] == "WindowsVolumeFullSoon" and a["state"] == "firing"
            for a in prom.alerts()
        ):
            return
        time.sleep(0.5)
    raise TimeoutError("WindowsVolumeFullSoon never fired while D: filled up")


def in_maintenance_window(boot: float) -> bool:
    tm = time.gmtime(boot)
    return tm.tm_wday == 6 and 1 <= tm.tm_hour < 5  # Sunday 01:00-05:00 UTC


def test_every_alert_fires_where_it_should(practices: dict[str, Any]) -> None:
    prom: Prometheus = practices["prometheus"]
    prom.wait_for_targets_up()
    fill_d_volume(practices)
    expected = alert_names() - {"WindowsRebootOutsideMaintenance"}
    for name in sorted(expected):
        prom.wait_for_alert(name, site="a", timeout=60)
    services = {
        a["labels"]["name"]
        for a in prom.alerts()
        if a["labels"]["alertname"] == "WindowsPvsServiceNotRunning"
    }
    # Firebird stopped; SQL Agent of an Express instance is disabled and stopped: no alert
    assert services == {"FirebirdServerDefaultInstance"}
    hard = prom.wait_for_alert("WindowsHardPowerOff", site="a")
    assert "hard" in hard["annotations"]["summary"]
    boot_b = practices["files"]["b"].value("windows_system_boot_time_timestamp")
    if in_maintenance_window(boot_b):
        assert prom.query('instance:windows_boot_in_maintenance_window:bool{site="b"} == 1')
    else:
        prom.wait_for_alert("WindowsRebootOutsideMaintenance", site="b")
    # all three sites are evaluated in the same rule cycles: b and c are settled by now
    firing = {
        (a["labels"].get("site"), a["labels"]["alertname"])
        for a in prom.alerts()
        if a["state"] == "firing"
    }
    others = {pair for pair in firing if pair[0] != "a"}
    assert others <= {("b", "WindowsRebootOutsideMaintenance")}
    assert ("a", "WindowsRebootOutsideMaintenance") not in firing


def test_every_board_query_returns_data(practices: dict[str, Any]) -> None:
    prom: Prometheus = practices["prometheus"]
    prom.wait_for('ALERTS{alertname="WindowsHardPowerOff", alertstate="firing"}')
    # windows_service_process is only there for running services, D: etc. need two samples
    prom.wait_for("count(predict_linear(windows_logical_disk_free_bytes[6h], 3600)) >= 9")
    assert empty_queries(prom, BOARD) == []
    now = time.time()
    for annotation in load(BOARD)["annotations"]["list"]:
        expr = annotation["expr"].replace("${__from}", str(int((now - 86400) * 1000)))
        expr = expr.replace("${__to}", str(int((now + 60) * 1000)))
        assert prom.query(expand_variables(expr)), annotation["name"]
