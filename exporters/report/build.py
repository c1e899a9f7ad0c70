"""Query results -> `model.Report` (pure: no I/O, no clock; `now` comes in).

`Raw` holds what the five queries of `queries` answered (or that they failed); every
number in the report is computed here from it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from exporters.report import backups, facts, incidents, timeline
from exporters.report.hours import PracticeHours
from exporters.report.model import (
    AreaResult,
    Chart,
    EvidenceRow,
    Expiry,
    Grid,
    Problem,
    Report,
    Series,
    Timeline,
)
from exporters.report.period import Period
from exporters.report.queries import ALERTS_HEARTBEAT, AREAS, REQUIREMENTS, TAG

RED_BELOW = 0.99  # availability below this is red
YELLOW_COVERAGE = 0.95  # less data than this is yellow
EXPIRY_AREA = {
    "cert": "certs",
    "firewall_licence": "firewall",
    "ti_card": "ti",
    "ti_cert": "ti",
    "ti_connector_cert": "ti",
    "ti_kim_cert": "ti",
}


@dataclass
class Raw:
    """Answers of the queries by name (health, stamps, charts, facts, alerts); a failed
    query has its error message in `failed` instead."""

    health: list[dict[str, Any]] = field(default_factory=list)
    stamps: list[dict[str, Any]] = field(default_factory=list)
    charts: list[dict[str, Any]] = field(default_factory=list)
    facts: list[dict[str, Any]] = field(default_factory=list)
    alerts: list[dict[str, Any]] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)
    queries: int = 0


def _tagged(result: Sequence[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {}
    for series in result:
        out.setdefault(str((series.get("metric") or {}).get(TAG, "")), []).append(series)
    return out


def build(
    raw: Raw,
    site: str,
    period: Period,
    step: int,
    now: float,
    hours: PracticeHours,
    group_window_s: int = 1800,
) -> Report:
    grid = Grid(period.start_ts, period.end_ts, step)
    n = len(grid.points)
    as_of = min(period.end_ts, now)
    report = Report(
        site=site,
        period=period,
        generated_at=now,
        as_of=as_of,
        step=step,
        failed=dict(raw.failed),
        queries=raw.queries,
        group_window_s=group_window_s,
    )
    health = _tagged(raw.health)
    signals: dict[str, Timeline] = {
        key: timeline.combine_min((timeline.on_grid(s, grid) for s in series), n)
        for key, series in health.items()
    }

    # incidents
    spans = incidents.alert_spans(raw.alerts, period.start_ts, period.end_ts)
    report.incidents = incidents.group(spans, group_window_s, hours)

    # facts: inventory and expiries
    fact_map = facts.by_key(raw.facts)
    report.alerts_known = bool(raw.alerts) or bool(fact_map.get(ALERTS_HEARTBEAT))
    report.facts = facts.inventory(fact_map)
    report.expiries = facts.expiries(fact_map, as_of)

    # areas
    for area in AREAS:
        tl = signals.get(f"area:{area.key}", [None] * n)
        report.areas.append(
            _area(area.key, tl, grid, spans, report.expiries, "health" in raw.failed)
        )
    report.areas = [
        a for a, spec in zip(report.areas, AREAS, strict=True) if a.present or not spec.optional
    ]

    # backup calendar, boots, power events
    report.calendar = backups.calendar(raw.stamps, period.days(), step)
    boot_series = _tagged(raw.stamps).get("boot", [])
    report.boots = sorted(
        t for t in timeline.distinct_values(boot_series) if period.start_ts <= t < period.end_ts
    )
    report.power_events = timeline.runs(signals.get("ups_on_battery", [None] * n), grid, 1)

    # evidence
    for req in REQUIREMENTS:
        if not req.signals:
            report.evidence.append(EvidenceRow(req.key, checkable=False))
            continue
        tl = timeline.combine_min((signals.get(s, [None] * n) for s in req.signals), n)
        cov = timeline.coverage(tl, grid)
        _, last = timeline.known_bounds(tl, grid)
        state = "nodata" if not cov.known_s else ("ok" if cov.ok_s == cov.known_s else "failures")
        report.evidence.append(EvidenceRow(req.key, True, req.metric, cov, last, state))

    # charts
    max_ages = [(backups.job_name(lb), v) for lb, v in fact_map.get("backup_job", [])]
    report.charts = _charts(report, grid, raw.charts, max_ages)

    # what is missing
    site_facts = any(key != ALERTS_HEARTBEAT for key in fact_map)
    report.has_data = bool(raw.health or site_facts or raw.alerts or raw.stamps)
    _problems(report, raw)
    return report


def _area(
    key: str,
    tl: Timeline,
    grid: Grid,
    spans: Sequence[Any],
    expiries: Sequence[Expiry],
    failed: bool,
) -> AreaResult:
    cov = timeline.coverage(tl, grid)
    first, last = timeline.known_bounds(tl, grid)
    mine = [s for s in spans if s.area == key]
    severities = {s.severity for s in mine}
    soonest = [e.days_left for e in expiries if EXPIRY_AREA.get(e.kind) == key]
    result = AreaResult(
        key=key,
        present=cov.known_s > 0,
        coverage=cov,
        timeline=tl,
        light="grey",
        incidents=len(mine),
        worst_severity="critical"
        if "critical" in severities
        else ("warning" if "warning" in severities else ""),
        last_state=timeline.last_state(tl),
        first_known=first,
        last_known=last,
        soonest_expiry_days=min(soonest) if soonest else None,
    )
    if not result.present or failed:
        return result
    availability = cov.availability or 0.0
    expiry = result.soonest_expiry_days
    if (
        result.worst_severity == "critical"
        or availability < RED_BELOW
        or result.last_state == 0
        or (expiry is not None and expiry <= 7)
    ):
        result.light = "red"
    elif (
        result.worst_severity == "warning"
        or availability < 1
        or cov.known_ratio < YELLOW_COVERAGE
        or (expiry is not None and expiry <= 30)
    ):
        result.light = "yellow"
    else:
        result.light = "green"
    return result


def _charts(
    report: Report,
    grid: Grid,
    chart_raw: list[dict[str, Any]],
    max_ages: list[tuple[str, float]],
) -> list[Chart]:
    charts: list[Chart] = []
    pts = grid.points
    avail = [
        Series(a.key, [(t, v) for t, v in zip(pts, a.timeline, strict=True) if v is not None])
        for a in report.areas
        if a.present
    ]
    if avail:
        charts.append(Chart("availability", avail, "state"))
    tagged = _tagged(chart_raw)
    backup = [
        Series(backups.job_name(s.get("metric") or {}), sorted(timeline.values_of(s).items()))
        for s in tagged.get("backup_age", [])
    ]
    if backup:
        charts.append(Chart("backup_age", backup, "seconds", limits=sorted(max_ages)))
    ups_charge = [
        Series(
            str((s.get("metric") or {}).get("target", "")), sorted(timeline.values_of(s).items())
        )
        for s in tagged.get("ups_charge", [])
    ]
    if ups_charge or report.power_events:
        charts.append(Chart("ups", ups_charge, "ratio"))
    sizes = [
        Series(
            str((s.get("metric") or {}).get("target", "")), sorted(timeline.values_of(s).items())
        )
        for key in ("firebird_size", "mssql_size")
        for s in tagged.get(key, [])
    ]
    if sizes:
        charts.append(Chart("db_size", sizes, "bytes"))
    return charts


def _by_target(series: dict[str, Any]) -> Series:
    label = str((series.get("metric") or {}).get("target", ""))
    return Series(label, sorted(timeline.values_of(series).items()))


def _problems(report: Report, raw: Raw) -> None:
    p = report.problems
    if not report.has_data and not raw.failed:
        p.append(Problem("no_data", report.site))
        return
    for name, error in raw.failed.items():
        p.append(Problem("query_failed", name, error))
    if report.period.cut:
        p.append(Problem("period_cut"))
    if not report.alerts_known and "alerts" not in raw.failed and "facts" not in raw.failed:
        p.append(Problem("no_alerts"))
    for area in report.areas:
        if "health" in raw.failed:
            continue
        if not area.present:
            p.append(Problem("area_no_data", area.key))
        elif area.coverage.known_ratio < 1:
            p.append(
                Problem(
                    "area_partial",
                    area.key,
                    f"{area.coverage.known_ratio:.6f}",
                )
            )
