"""Every metric a dashboard panel, a dashboard variable or a rule reads exists somewhere.

"Somewhere" is, in this order: an exporter's catalogue (`exporters/<name>/catalogue.py`), the
output of a recording rule in `alerting-rules/`, a series Prometheus makes itself (`up`,
`ALERTS`, ...), or a series of windows_exporter / the Windows status script as their
fixture expositions in `tests/windows/fixtures/` show them (plus the samples the status
script in `scripts/windows/` can add in states the fixture does not show). A renamed metric whose
dashboards and rules were not updated fails here, not on a Grafana panel that stays empty.
Expressions are read with a real PromQL parser (`devkit.promql`). Each exporter's golden
exposition (`tests/<name>/golden/*.prom`) also passes Prometheus' own `promtool check metrics`.
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from devkit.catalogue_docs import catalogues
from devkit.dashboards import dashboard_files, load, panel_queries
from devkit.prometheus import binary
from devkit.promql import Selector, label_values_selector, selectors

REPO = Path(__file__).resolve().parents[2]
RULE_FILES = sorted((REPO / "alerting-rules").glob("*.rules.yml"))
FIXTURES = sorted((REPO / "tests" / "windows" / "fixtures").glob("*.prom"))
GOLDEN = sorted(REPO.glob("tests/*/golden/*.prom"))
STATUS_SCRIPTS = sorted((REPO / "scripts" / "windows").glob("*.ps1"))

PROMETHEUS_SERIES = frozenset(
    {
        "up",
        "scrape_duration_seconds",
        "scrape_samples_scraped",
        "scrape_samples_post_metric_relabeling",
        "scrape_series_added",
        "ALERTS",
        "ALERTS_FOR_STATE",
    }
)
"""Series Prometheus writes itself for every scrape and every alert."""

_TYPE = re.compile(r"^# TYPE (\S+) (\w+)$", re.MULTILINE)
_SCRIPT_SAMPLE = re.compile(r"Add-Sample\s+-Name\s+'(praxis_windows_\w+)'")
_SUFFIXES = {"histogram": ("_bucket", "_sum", "_count"), "summary": ("_sum", "_count")}


def declared() -> set[str]:
    """Names of all samples the exporters' catalogues declare."""
    return {desc.name for cat in catalogues().values() for desc in cat}


def recorded() -> set[str]:
    out = set()
    for path in RULE_FILES:
        for group in yaml.safe_load(path.read_text()).get("groups", []):
            out.update(r["record"] for r in group.get("rules", []) if "record" in r)
    return out


def fixture_series() -> set[str]:
    """Sample names in the windows_exporter and status-script fixture expositions."""
    out = set()
    for path in FIXTURES:
        for name, kind in _TYPE.findall(path.read_text()):
            out.add(name)
            out.update(name + suffix for suffix in _SUFFIXES.get(kind, ()))
            if kind == "counter" and not name.endswith("_total"):
                out.add(name + "_total")
    for path in STATUS_SCRIPTS:  # some series exist only in some states (a pending reboot)
        out.update(_SCRIPT_SAMPLE.findall(path.read_text()))
    return out


KNOWN = declared() | recorded() | fixture_series() | PROMETHEUS_SERIES


def unknown(selector: Selector) -> str | None:
    """Why a selector reads nothing known (None if it is fine)."""
    if selector.name is not None:
        return None if selector.name in KNOWN else selector.name
    if selector.name_regex is not None:
        pattern = re.compile(selector.name_regex)
        if any(pattern.fullmatch(name) for name in KNOWN):
            return None
        return f"{{__name__=~{selector.name_regex!r}}} (matches no known metric)"
    return None  # a selector by labels only reads whatever carries them


def rule_expressions() -> Iterator[tuple[str, str]]:
    for path in RULE_FILES:
        for group in yaml.safe_load(path.read_text()).get("groups", []):
            for rule in group.get("rules", []):
                what = rule.get("alert") or rule.get("record")
                yield f"{path.name}: {what}", rule["expr"]


def dashboard_expressions(path: Path) -> Iterator[tuple[str, str]]:
    dash = load(path)
    for title, expr in panel_queries(dash):
        yield f"{path.name}: panel {title!r}", expr
    for var in dash.get("templating", {}).get("list", []):
        query = var.get("query")
        text = query.get("query") if isinstance(query, dict) else query
        selector = label_values_selector(text) if isinstance(text, str) else None
        if selector:
            yield f"{path.name}: variable {var.get('name')}", selector


def problems(items: Iterator[tuple[str, str]]) -> list[str]:
    found = []
    for where, expr in items:
        try:
            sels = selectors(expr)
        except ValueError as exc:
            found.append(f"{where}: does not parse: {exc}")
            continue
        found.extend(f"{where}: reads {bad}" for s in sels if (bad := unknown(s)))
    return found


def test_the_catalogues_are_found() -> None:
    assert {"certs", "ti", "mssql", "ups"} <= set(catalogues())
    assert FIXTURES, "tests/windows/fixtures/*.prom are gone"
    assert "praxis_windows_reboot_pending_since_timestamp_seconds" in fixture_series()


@pytest.mark.parametrize("path", RULE_FILES, ids=lambda p: p.name)
def test_rules_read_only_known_metrics(path: Path) -> None:
    mine = [(w, e) for w, e in rule_expressions() if w.startswith(f"{path.name}:")]
    assert mine, f"{path.name} has no rules"
    assert problems(iter(mine)) == []


@pytest.mark.parametrize("path", dashboard_files(), ids=lambda p: p.name)
def test_dashboards_read_only_known_metrics(path: Path) -> None:
    assert problems(dashboard_expressions(path)) == []


def test_an_unknown_metric_is_found() -> None:
    """The check itself: a typo in a metric name, bare or by `__name__` regex, is caught."""
    items = [
        ("x", 'sum by (site) (rate(cert_not_after_timestamp_secs{site=~"$site"}[5m]))'),
        ("y", '{__name__=~"ups_battery_charge_percent"} > 0'),
        ("z", 'max(cert_up) and on(site) up{job="x"} or vector(0)'),
    ]
    assert problems(iter(items)) == [
        "x: reads cert_not_after_timestamp_secs",
        "y: reads {__name__=~'ups_battery_charge_percent'} (matches no known metric)",
    ]


@pytest.mark.parametrize("path", GOLDEN, ids=lambda p: f"{p.parent.parent.name}/{p.name}")
def test_golden_expositions_pass_promtool_lint(path: Path) -> None:
    """Prometheus' own linter on each exporter's frozen exposition: help texts, `_total`
    on counters, base units, snake case. Masked values (`<duration>`, `<port>`) become 1."""
    text = re.sub(r"<[a-z][a-z ]*>", "1", path.read_text())
    result = subprocess.run(
        [binary("promtool"), "check", "metrics"],
        input=text,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_promtool_lint_finds_problems() -> None:
    bad = "# HELP x_errors Errors.\n# TYPE x_errors counter\nx_errors 1\n"
    result = subprocess.run(
        [binary("promtool"), "check", "metrics"],
        input=bad,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode != 0 and "_total" in result.stdout + result.stderr
