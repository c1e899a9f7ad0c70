"""The Server board's layout: uid, variables, no panels on top of each other, links that
resolve (its queries run against a real Prometheus in test_e2e.py)."""

from __future__ import annotations

import re

from devkit.dashboards import DASHBOARD_DIR, dashboard_files, load

BOARD = DASHBOARD_DIR / "server.json"


def test_uid_and_variables() -> None:
    board = load(BOARD)
    assert board["uid"] == "praxis-server"
    names = [v["name"] for v in board["templating"]["list"]]
    assert names == ["datasource", "site", "instance"]


def test_panels_do_not_overlap() -> None:
    taken: dict[tuple[int, int], str] = {}
    for panel in load(BOARD)["panels"]:
        grid = panel["gridPos"]
        assert grid["x"] + grid["w"] <= 24, panel["title"]
        for x in range(grid["x"], grid["x"] + grid["w"]):
            for y in range(grid["y"], grid["y"] + grid["h"]):
                assert (x, y) not in taken, f"{panel['title']} overlaps {taken[(x, y)]}"
                taken[(x, y)] = panel["title"]


def test_links_resolve() -> None:
    uids = {load(p)["uid"] for p in dashboard_files()}
    for link in load(BOARD)["links"]:
        (uid,) = re.findall(r"/d/([\w-]+)", link["url"])
        assert uid in uids, link


def test_every_query_selects_the_practice() -> None:
    for panel in load(BOARD)["panels"]:
        for target in panel.get("targets", []):
            for selector in re.findall(r"\{([^}]*)\}", target["expr"]):
                assert 'site=~"$site"' in selector, f"{panel['title']}: {selector}"
