"""Static checks of the practice overview and the fleet board beyond the generic structure
check: drill-down links resolve, the fleet board reads only recording rules, every recorded
series they use is defined, and every query selects the practice by `site`."""

from __future__ import annotations

import re
from typing import Any

import pytest
import yaml

from devkit.dashboards import DASHBOARD_DIR, dashboard_files, load, panel_queries, panels
from devkit.prometheus import RULES_DIR

BOARDS = ["practice-overview.json", "fleet.json"]
RECORDED = re.compile(r"\b[a-z_]+:[a-z_]+:[a-z_]+\b")
EXPORTER_UIDS = {
    f"praxis-{n}" for n in ("firebird", "mssql", "backup", "ups", "ti", "certs", "firewall")
}


def links(dashboard: dict[str, Any]) -> list[str]:
    """Every URL in panel links, field overrides and dashboard links."""
    urls = [link.get("url", "") for link in dashboard.get("links", [])]
    for panel in panels(dashboard):
        urls += [link["url"] for link in panel.get("links", [])]
        for override in panel.get("fieldConfig", {}).get("overrides", []):
            for prop in override["properties"]:
                if prop["id"] == "links":
                    urls += [link["url"] for link in prop["value"]]
    return [u for u in urls if u]


def recorded_in_rules() -> set[str]:
    names = set()
    for path in RULES_DIR.glob("*.rules.yml"):
        for group in yaml.safe_load(path.read_text())["groups"]:
            names |= {r["record"] for r in group["rules"] if "record" in r}
    return names


@pytest.mark.parametrize("board", BOARDS)
def test_drill_down_links_resolve(board: str) -> None:
    uids = {load(p)["uid"] for p in dashboard_files()}
    targets = {
        m for url in links(load(DASHBOARD_DIR / board)) for m in re.findall(r"/d/([\w-]+)", url)
    }
    assert targets, "no drill-down links"
    assert targets <= uids | EXPORTER_UIDS
    missing = targets - uids
    assert not missing, f"links to dashboards that do not exist (yet): {missing}"


def test_overview_links_to_every_exporter_dashboard() -> None:
    targets = {
        m
        for url in links(load(DASHBOARD_DIR / "practice-overview.json"))
        for m in re.findall(r"/d/([\w-]+)", url)
    }
    assert targets >= EXPORTER_UIDS


def test_fleet_board_reads_recording_rules_only() -> None:
    for title, expr in panel_queries(load(DASHBOARD_DIR / "fleet.json")):
        raw_series = re.sub(RECORDED, "", expr)
        raw_series = re.sub(r'ALERTS\{[^}]*\}|\{[^}]*\}|"[^"]*"', "", raw_series)
        names = set(re.findall(r"\b[a-z_]+_[a-z_]+\b", raw_series))
        assert not names, f"{title}: reads raw series {names}"


@pytest.mark.parametrize("board", BOARDS)
def test_recorded_series_used_are_defined(board: str) -> None:
    defined = recorded_in_rules()
    for title, expr in panel_queries(load(DASHBOARD_DIR / board)):
        assert set(RECORDED.findall(expr)) <= defined, title


@pytest.mark.parametrize("board", BOARDS)
def test_every_query_selects_by_site(board: str) -> None:
    for title, expr in panel_queries(load(DASHBOARD_DIR / board)):
        for selector in re.findall(r"\{([^}]*)\}", expr):
            if "legendFormat" in selector or selector.strip() in ("site",):
                continue
            assert 'site=~"$site"' in selector, f"{title}: {{{selector}}}"
