"""Static checks of Grafana dashboard JSON and extraction of every panel query."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
DASHBOARD_DIR = REPO / "dashboards"
DATASOURCE_REF = "${datasource}"


def dashboard_files() -> list[Path]:
    return sorted(DASHBOARD_DIR.glob("*.json"))


def load(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text())
    return data


def panels(dashboard: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """Every panel, including those nested in rows."""
    for panel in dashboard.get("panels", []):
        yield panel
        yield from panel.get("panels", [])


def structural_problems(path: Path) -> list[str]:
    """What is wrong with a dashboard file, as readable sentences (empty if fine)."""
    problems: list[str] = []
    try:
        dash = load(path)
    except json.JSONDecodeError as exc:
        return [f"{path.name}: invalid JSON: {exc}"]
    if "__inputs" in dash:
        problems.append(f"{path.name}: has __inputs (export for sharing externally is off)")
    if not dash.get("uid"):
        problems.append(f"{path.name}: no uid")
    if not dash.get("title"):
        problems.append(f"{path.name}: no title")
    variables = {v.get("name"): v for v in dash.get("templating", {}).get("list", [])}
    ds_var = variables.get("datasource")
    if not ds_var or ds_var.get("type") != "datasource" or ds_var.get("query") != "prometheus":
        problems.append(
            f"{path.name}: needs a `datasource` variable of type datasource (query: prometheus)"
        )
    ids: set[Any] = set()
    for panel in panels(dash):
        pid = panel.get("id")
        title = panel.get("title", "?")
        if pid in ids:
            problems.append(f"{path.name}: duplicate panel id {pid} ({title})")
        ids.add(pid)
        if panel.get("type") == "row":
            continue
        if not panel.get("targets") and panel.get("type") not in (
            "text",
            "dashlist",
            "alertlist",
            "news",
        ):
            problems.append(f"{path.name}: panel {title!r} has no queries")
        for ds in [
            panel.get("datasource"),
            *[t.get("datasource") for t in panel.get("targets", [])],
        ]:
            if ds is None:
                continue
            uid = ds.get("uid") if isinstance(ds, dict) else ds
            if uid != DATASOURCE_REF:
                problems.append(
                    f"{path.name}: panel {title!r} datasource {uid!r} is not {DATASOURCE_REF}"
                )
        for target in panel.get("targets", []):
            if not target.get("expr"):
                problems.append(f"{path.name}: panel {title!r} has a query without expr")
    for name, var in variables.items():
        ds = var.get("datasource")
        if var.get("type") == "query":
            uid = ds.get("uid") if isinstance(ds, dict) else ds
            if uid != DATASOURCE_REF:
                problems.append(f"{path.name}: variable {name} datasource is not {DATASOURCE_REF}")
    return problems


def panel_queries(dashboard: dict[str, Any]) -> list[tuple[str, str]]:
    """(panel title, expr) of every query of every panel."""
    out = []
    for panel in panels(dashboard):
        for target in panel.get("targets", []):
            expr = target.get("expr")
            if expr:
                out.append((panel.get("title", "?"), expr))
    return out


_RANGE_VARS = re.compile(
    r"\$__(rate_interval|interval|range)|\$\{__(rate_interval|interval|range)\}"
)


def expand_variables(expr: str, values: dict[str, str] | None = None) -> str:
    """Replace Grafana variables by values that select everything (for a real query)."""
    expr = _RANGE_VARS.sub("5m", expr)
    values = values or {}

    def sub(match: re.Match[str]) -> str:
        name = match.group(1) or match.group(2)
        return values.get(name, ".*")

    return re.sub(r"\$\{(\w+)(?::\w+)?\}|\$(\w+)", sub, expr)


def empty_queries(
    prometheus: Any, path: Path, variables: dict[str, str] | None = None
) -> list[str]:
    """Run every panel query of a dashboard against a real Prometheus.

    Returns '<panel>: <expr>' for each query that failed or returned nothing.
    """
    failures = []
    for title, expr in panel_queries(load(path)):
        concrete = expand_variables(expr, variables)
        try:
            result = prometheus.query(concrete)
        except Exception as exc:
            failures.append(f"{title}: {concrete}: error {exc}")
            continue
        if not result:
            failures.append(f"{title}: {concrete}: empty")
    return failures
