"""The example Alertmanager config: amtool checks, one routing test case per route, and a
real Alertmanager that delivers to a local webhook receiver (practice hours, inhibition,
grouping by site, Watchdog)."""

from __future__ import annotations

import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from devkit.prometheus import RULES_DIR, Alertmanager, binary
from tests.ops.helpers import (
    ALERTMANAGER_YML,
    WebhookReceiver,
    alertmanager_test_config,
    post_alerts,
)

ROUTE_CASES = yaml.safe_load((RULES_DIR / "tests" / "routes" / "cases.yml").read_text())


def amtool(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [binary("amtool"), *args], capture_output=True, text=True, check=False, timeout=60
    )


def test_amtool_check_config() -> None:
    result = amtool("check-config", str(ALERTMANAGER_YML))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "SUCCESS" in result.stdout


@pytest.mark.parametrize("case", ROUTE_CASES, ids=lambda c: c["name"])
def test_route(case: dict[str, Any]) -> None:
    labels = [f"{k}={v}" for k, v in case["labels"].items()]
    result = amtool(
        "config",
        "routes",
        "test",
        f"--config.file={ALERTMANAGER_YML}",
        f"--verify.receivers={','.join(case['receivers'])}",
        *labels,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_route_has_a_case() -> None:
    """Each receiver reachable from the routing tree is named by at least one case."""
    config = yaml.safe_load(ALERTMANAGER_YML.read_text())
    routed = {r["receiver"] for r in config["route"]["routes"]} | {config["route"]["receiver"]}
    covered = {r for case in ROUTE_CASES for r in case["receivers"]}
    assert routed <= covered, routed - covered


def test_a_wrong_expectation_fails() -> None:
    """amtool really verifies (the route tests above could not pass vacuously)."""
    result = amtool(
        "config",
        "routes",
        "test",
        f"--config.file={ALERTMANAGER_YML}",
        "--verify.receivers=ticket",
        "severity=critical",
        "site=x",
    )
    assert result.returncode != 0


@pytest.fixture
def receiver() -> Iterator[WebhookReceiver]:
    rcv = WebhookReceiver()
    yield rcv
    rcv.close()


def start_am(tmp_path: Path, receiver: WebhookReceiver, hours: str | None) -> Alertmanager:
    config = alertmanager_test_config(tmp_path / "am", receiver, practice_hours=hours)
    return Alertmanager(tmp_path / "am", config)


@pytest.mark.e2e
def test_practice_hours_warning_goes_to_ops_team(tmp_path: Path, receiver: WebhookReceiver) -> None:
    am = start_am(tmp_path, receiver, "open")
    try:
        post_alerts(
            am.url,
            [
                {
                    "alertname": "CertExpiringSoon",
                    "severity": "warning",
                    "site": "praxis-a",
                    "target": "fw",
                }
            ],
        )
        receiver.wait_for("ops-team", "CertExpiringSoon")
        time.sleep(2)
        assert receiver.receivers_of("CertExpiringSoon") == {"ops-team"}
    finally:
        am.stop()


@pytest.mark.e2e
def test_after_hours_warning_becomes_a_ticket_and_critical_pages(
    tmp_path: Path, receiver: WebhookReceiver
) -> None:
    am = start_am(tmp_path, receiver, "closed")
    try:
        post_alerts(
            am.url,
            [
                {
                    "alertname": "CertExpiringSoon",
                    "severity": "warning",
                    "site": "praxis-a",
                    "target": "fw",
                },
                {
                    "alertname": "UpsOnBattery",
                    "severity": "critical",
                    "site": "praxis-b",
                    "target": "usv",
                },
            ],
        )
        receiver.wait_for("ticket", "CertExpiringSoon")
        receiver.wait_for("pager", "UpsOnBattery", site="praxis-b")
        time.sleep(2)
        assert receiver.receivers_of("CertExpiringSoon") == {"ticket"}
        assert receiver.receivers_of("UpsOnBattery") == {"pager"}
    finally:
        am.stop()


@pytest.mark.e2e
def test_inhibition_and_grouping_by_site(tmp_path: Path, receiver: WebhookReceiver) -> None:
    am = start_am(tmp_path, receiver, "open")
    try:
        post_alerts(
            am.url,
            [
                # site a is down: its backup alert is a symptom
                {"alertname": "SiteDown", "severity": "critical", "site": "praxis-a"},
                {
                    "alertname": "BackupTooOld",
                    "severity": "critical",
                    "site": "praxis-a",
                    "target": "nas",
                },
                # site b: critical silences the warning of the same alert and target only
                {
                    "alertname": "BackupTooOld",
                    "severity": "critical",
                    "site": "praxis-b",
                    "target": "nas",
                },
                {
                    "alertname": "CertExpiring",
                    "severity": "critical",
                    "site": "praxis-b",
                    "target": "fw",
                },
                {
                    "alertname": "CertExpiring",
                    "severity": "warning",
                    "site": "praxis-b",
                    "target": "fw",
                },
                {
                    "alertname": "CertExpiring",
                    "severity": "warning",
                    "site": "praxis-b",
                    "target": "kim",
                },
                {"alertname": "Watchdog", "severity": "info"},
            ],
        )
        receiver.wait_for("pager", "SiteDown", site="praxis-a")
        receiver.wait_for("pager", "BackupTooOld", site="praxis-b")
        receiver.wait_for("ops-team", "CertExpiring", site="praxis-b", target="kim")
        receiver.wait_for("deadmansswitch", "Watchdog")
        time.sleep(3)
        assert receiver.receivers_of("BackupTooOld", site="praxis-a") == set()
        assert receiver.receivers_of("CertExpiring", target="fw", severity="warning") == set()
        assert receiver.receivers_of("CertExpiring", target="fw", severity="critical") == {"pager"}
        # one notification per site: the pager got no message mixing two sites
        for path, payload in receiver.notifications:
            sites = {a["labels"].get("site") for a in payload["alerts"]}
            assert len(sites) == 1, (path, payload["alerts"])
            if path == "pager":
                assert payload["groupLabels"] == {"site": sites.pop()}
        # the Watchdog is never inhibited and goes nowhere else
        assert receiver.receivers_of("Watchdog") == {"deadmansswitch"}
    finally:
        am.stop()
