"""The rules, run by `promtool test rules` on the fixture exposition and the status script's
sample outputs (every sample becomes an input series): the healthy server fires no Windows
alert, the degraded script output fires exactly the alerts it should."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import yaml

from devkit.prometheus import RULES_DIR, binary
from devkit.windows_exposition import (
    DEGRADED_STATUS_FIXTURE,
    STATUS_FIXTURE,
    WindowsExposition,
)

RULES = RULES_DIR / "windows.rules.yml"
EVAL_SECONDS = 7200  # the exposition's "now" = the evaluation time
LABELS = 'instance="praxis-srv01:9182", job="praxis-windows", site="a"'


def alert_names() -> list[str]:
    groups = yaml.safe_load(RULES.read_text())["groups"]
    return [r["alert"] for g in groups for r in g["rules"] if "alert" in r]


def input_series(exposition: WindowsExposition) -> list[dict[str, str]]:
    series = []
    for sample in exposition.samples():
        labels = sample.labels_text[1:-1] if sample.labels_text else ""
        joined = ", ".join(p for p in (labels, LABELS) if p)
        value = repr(sample.value) if sample.value != int(sample.value) else str(int(sample.value))
        series.append({"series": f"{sample.name}{{{joined}}}", "values": f"{value}x130"})
    return series


def firing(tmp_path: Path, status: Path | None) -> set[tuple[str, str]]:
    """{(alertname, collector)} firing at EVAL_SECONDS: promtool runs with the expectation
    "nothing fires" and its report of what it got instead is read back."""
    exposition = WindowsExposition(now=EVAL_SECONDS, status=status)
    test = {
        "rule_files": [str(RULES)],
        "evaluation_interval": "1m",
        "tests": [
            {
                "interval": "1m",
                "input_series": input_series(exposition),
                "promql_expr_test": [
                    {
                        "expr": 'count by (alertname, collector) (ALERTS{alertstate="firing"})',
                        "eval_time": f"{EVAL_SECONDS}s",
                        "exp_samples": [],
                    }
                ],
            }
        ],
    }
    path = tmp_path / "fixture.test.yml"
    path.write_text(yaml.safe_dump(test, sort_keys=False))
    result = subprocess.run(
        [binary("promtool"), "test", "rules", str(path)],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    if result.returncode == 0:
        return set()
    report = result.stdout + result.stderr
    assert "got:" in report, report
    got = report.split("got:", 1)[1]
    return set(re.findall(r'\{alertname="(\w+)"(?:, collector="(\w+)")?\}', got))


def test_the_healthy_server_fires_nothing(tmp_path: Path) -> None:
    assert firing(tmp_path, STATUS_FIXTURE) == set()


def test_the_degraded_status_output_fires_its_alerts(tmp_path: Path) -> None:
    assert firing(tmp_path, DEGRADED_STATUS_FIXTURE) == {
        ("WindowsDefenderSignaturesOutdated", ""),
        ("WindowsDefenderRealtimeProtectionOff", ""),
        ("WindowsRebootPendingTooLong", ""),
        ("WindowsStatusCheckFailed", "update_history"),
    }


def test_a_server_without_the_status_script_is_reported(tmp_path: Path) -> None:
    assert firing(tmp_path, None) == {("WindowsStatusTextfileStale", "textfile")}


def test_every_expected_alert_exists() -> None:
    assert {"WindowsDefenderSignaturesOutdated", "WindowsStatusTextfileStale"} <= set(alert_names())
