"""Every rule file passes `promtool check rules`, every rule test passes `promtool test rules`,
and every alert has a severity, a summary and a runbook page that exists."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
import yaml

from devkit.prometheus import REPO, RULES_DIR, binary, rule_files

RULE_TESTS = sorted((RULES_DIR / "tests").glob("*.test.yml"))


def _alerts() -> list[tuple[Path, dict]]:
    out = []
    for path in rule_files():
        for group in yaml.safe_load(path.read_text())["groups"]:
            out.extend((path, rule) for rule in group["rules"] if "alert" in rule)
    return out


@pytest.mark.parametrize("path", rule_files(), ids=lambda p: p.name)
def test_promtool_check_rules(path: Path) -> None:
    result = subprocess.run(
        [binary("promtool"), "check", "rules", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("path", RULE_TESTS, ids=lambda p: p.name)
def test_promtool_unit_tests(path: Path) -> None:
    result = subprocess.run(
        [binary("promtool"), "test", "rules", str(path)],
        capture_output=True,
        text=True,
        check=False,
        cwd=path.parent,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_rule_file_has_unit_tests() -> None:
    tested: set[str] = set()
    for test in RULE_TESTS:
        for rule_file in yaml.safe_load(test.read_text()).get("rule_files", []):
            tested.add(Path(rule_file).name)
    untested = [p.name for p in rule_files() if p.name not in tested]
    assert not untested, f"rule files without promtool unit tests: {untested}"


def test_every_alert_is_unit_tested() -> None:
    names = {rule["alert"] for _, rule in _alerts()}
    text = "\n".join(p.read_text() for p in RULE_TESTS)
    missing = sorted(n for n in names if f"alertname: {n}" not in text)
    assert not missing, f"alerts without a promtool test case: {missing}"


@pytest.mark.parametrize("rule", [r for _, r in _alerts()], ids=lambda r: r["alert"])
def test_alert_has_severity_summary_and_runbook(rule: dict) -> None:
    assert rule.get("labels", {}).get("severity") in ("critical", "warning", "info")
    annotations = rule.get("annotations", {})
    assert annotations.get("summary"), "summary annotation missing"
    assert annotations.get("description"), "description annotation missing"
    runbook = annotations.get("runbook_url", "")
    prefix = "https://github.com/praxis-exporters/praxis-exporters/blob/main/"
    assert runbook.startswith(prefix), f"runbook_url must start with {prefix}"
    page = REPO / runbook[len(prefix) :]
    assert page.exists(), f"runbook page {page} missing"
