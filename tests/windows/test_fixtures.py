"""The fixture exposition is windows_exporter >= 0.31 as documented, and every series name
the rules, their unit tests and the Server board use exists in it (or in the status
script's samples, or is recorded by the rules)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from devkit.prometheus import REPO, RULES_DIR, promtool_check_metrics
from devkit.windows_exposition import (
    DEGRADED_STATUS_FIXTURE,
    LIVE_SAMPLES,
    WindowsExposition,
    keep_current,
)

FIXTURES = REPO / "tests" / "windows" / "fixtures"
RULES = RULES_DIR / "windows.rules.yml"
RULE_TESTS = RULES_DIR / "tests" / "windows.test.yml"
BOARD = REPO / "dashboards" / "server.json"
NAME = re.compile(r"(?<![:\w])(?:windows|praxis_windows|ups)_[a-z0-9_]+(?![:\w])")
# Names of windows_exporter before 0.31 (or of its other collectors) that must not be used:
# they never match and an alert on them never fires.
OUTDATED = [
    "windows_system_boot_time_timestamp_seconds",  # 0.31: windows_system_boot_time_timestamp
    "windows_system_system_up_time",
    "windows_textfile_scrape_error",  # not exposed by 0.31 (see its e2e output)
    "windows_cs_",  # cs collector removed in 0.31
    "windows_os_physical_memory_free_bytes",
    "windows_os_visible_memory_bytes",
    "windows_os_time",
    "windows_updates_",  # the update collector's metric prefix is windows_update_
    "windows_service_status",
    "wmi_",
]


def names_in(expr: str) -> set[str]:
    return set(NAME.findall(re.sub(r'"(?:[^"\\]|\\.)*"', '""', expr)))


def fixture_names() -> set[str]:
    text = "\n".join(p.read_text() for p in FIXTURES.glob("*.prom"))
    return {line.split("{")[0].split(" ")[0] for line in text.splitlines() if line[:1].isalpha()}


def rule_exprs() -> list[str]:
    groups = yaml.safe_load(RULES.read_text())["groups"]
    return [rule["expr"] for group in groups for rule in group["rules"]]


def board_exprs() -> list[str]:
    board = json.loads(BOARD.read_text())
    exprs = [a["expr"] for a in board["annotations"]["list"]]
    for panel in board["panels"]:
        exprs += [t["expr"] for t in panel.get("targets", [])]
    return exprs


def test_fixtures_pass_promtool() -> None:
    assert promtool_check_metrics(WindowsExposition().text()) == ""
    assert promtool_check_metrics(WindowsExposition(status=DEGRADED_STATUS_FIXTURE).text()) == ""


@pytest.mark.parametrize(
    "source, exprs",
    [("rules", rule_exprs), ("board", board_exprs)],
    ids=["rules", "board"],
)
def test_every_series_used_exists_in_the_fixtures(source: str, exprs: object) -> None:
    assert callable(exprs)
    used = set().union(*(names_in(e) for e in exprs()))
    known = fixture_names() | {"ups_on_battery"}  # ups_on_battery: praxis-ups-exporter
    assert used, source
    assert used - known == set()


def test_rule_unit_tests_use_fixture_names() -> None:
    tests = yaml.safe_load(RULE_TESTS.read_text())["tests"]
    used = {s["series"].split("{")[0] for t in tests for s in t["input_series"]}
    assert used - (fixture_names() | {"ups_on_battery"}) == set()


def test_ups_on_battery_is_what_the_ups_rules_use() -> None:
    assert "ups_on_battery" in (RULES_DIR / "ups.rules.yml").read_text()


@pytest.mark.parametrize("path", [RULES, RULE_TESTS, BOARD], ids=lambda p: p.name)
def test_no_outdated_windows_exporter_names(path: Path) -> None:
    # the rule file's header comment names the renamed metrics on purpose: check rules only
    text = "\n".join(rule_exprs()) if path == RULES else path.read_text()
    assert [n for n in OUTDATED if n in text] == []


def test_timestamps_move_with_the_clock() -> None:
    now = 2_000_000_000.0
    exposition = WindowsExposition(now)
    assert exposition.value("windows_time_current_timestamp_seconds") == now
    boot = exposition.value("windows_system_boot_time_timestamp")
    assert 11 * 86400 < now - boot < 13 * 86400
    assert 0 < now - exposition.value("windows_textfile_mtime_seconds") < 600
    # values that are not times stay as captured
    assert exposition.value("windows_memory_physical_total_bytes") == 34359738368


def test_keep_current_moves_only_the_live_samples() -> None:
    before = WindowsExposition(1_000_000_000.0).text().splitlines()
    after = keep_current("\n".join(before), 1_000_086_400.0).splitlines()
    assert len(after) == len(before)
    changed = {a.split("{")[0].split(" ")[0] for a, b in zip(after, before, strict=True) if a != b}
    assert changed == set(LIVE_SAMPLES)
    assert "windows_time_current_timestamp_seconds 1000086400" in after
    assert 'windows_textfile_mtime_seconds{file="praxis_windows_status.prom"} 1000086100' in after
    assert promtool_check_metrics("\n".join(after) + "\n") == ""
