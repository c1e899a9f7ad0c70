"""End to end: the demo practice's backups, the exporter as a process, a real Prometheus
scraping it with a `site` label; every dashboard query returns data, the exposition is clean
and the rules see the stale and the failing backup."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from demo.context import DemoContext
from demo.parts import backup as backup_part
from devkit.dashboards import empty_queries
from devkit.exporter import ExporterProcess
from devkit.prometheus import REPO, Prometheus, promtool_check_metrics, scrape_job
from tests.backup.test_push import post

pytestmark = pytest.mark.e2e
DASHBOARD = REPO / "dashboards" / "backup.json"


def test_demo_backups_through_prometheus(
    start_exporter: Callable[..., ExporterProcess],
    start_prometheus: Callable[..., Prometheus],
    tmp_path: Path,
) -> None:
    ctx = DemoContext(tmp_path / "demo")
    ctx.workdir.mkdir(parents=True)
    try:
        part = backup_part.start(ctx)
        exporter = start_exporter("backup", part.config_file, env=part.env)
        text = exporter.get("/metrics")
        assert promtool_check_metrics(text) == ""
        assert 'backup_up{target="veeam"} 1.0' in text
        assert (
            post(
                f"{exporter.url}/push/wsb",
                json.dumps({"success": True, "size_bytes": 41e9}).encode(),
                token=backup_part.PUSH_TOKEN,
            )
            == 200
        )
        prom = start_prometheus(
            [
                scrape_job(
                    "praxis-backup",
                    [f"127.0.0.1:{exporter.port}"],
                    labels={"site": "praxis-e2e"},
                    scrape_timeout="1s",
                )
            ],
            rules=[REPO / "alerting-rules" / "backup.rules.yml"],
        )
        prom.wait_for('backup_check_success{site="praxis-e2e"}', timeout=90)
        prom.wait_for('backup_up{site="praxis-e2e", target="wsb"}')
        assert empty_queries(prom, DASHBOARD) == []
        too_old = prom.query(
            "time() - backup_last_success_timestamp_seconds > backup_max_age_seconds"
        )
        assert {r["metric"]["target"] for r in too_old} == {"usb-disk"}
        failed = prom.query("backup_last_run_success == 0")
        assert {(r["metric"]["target"], r["metric"].get("job_name", "")) for r in failed} == {
            ("gbak-nightly", ""),
            ("veeam", "Dateiserver"),
        }
        hung = prom.query(
            "(time() - backup_last_start_timestamp_seconds > backup_max_duration_seconds)"
            " and backup_running == 1"
        )
        assert {r["metric"]["target"] for r in hung} == {"robocopy"}  # BackupRunTooLong
        missed = prom.query(
            "(time() - backup_expected_start_timestamp_seconds > backup_start_grace_seconds)"
            " unless (backup_last_start_timestamp_seconds"
            " >= backup_expected_start_timestamp_seconds - backup_start_grace_seconds)"
        )
        assert missed == []  # robocopy started when its schedule said
        assert all(r["value"][1] == "1" for r in prom.query("backup_up"))
        assert promtool_check_metrics(exporter.get("/metrics")) == ""
    finally:
        for service in reversed(ctx.services):
            service.stop()
