"""Incidents from the raw samples of the `ALERTS` series (pure functions).

A series' samples come one rule evaluation apart while the alert fires; a gap of more than
1.5 evaluation intervals ends a span. A span ends one interval after its last sample (when
the next evaluation no longer found it firing). Alerts that start within the group window
of the previous one form one incident; the first is named as the likely cause."""

from __future__ import annotations

import itertools
import statistics
from collections.abc import Sequence
from typing import Any

from exporters.report.hours import PracticeHours
from exporters.report.model import AlertSpan, Incident
from exporters.report.queries import area_of_alert
from exporters.report.timeline import values_of

DEFAULT_INTERVAL = 60.0


def evaluation_interval(matrix: Sequence[dict[str, Any]]) -> float:
    """The rule evaluation interval, as the median spacing of consecutive samples."""
    diffs: list[float] = []
    for series in matrix:
        times = sorted(values_of(series))
        diffs.extend(b - a for a, b in itertools.pairwise(times) if b > a)
    return statistics.median(diffs) if diffs else DEFAULT_INTERVAL


def alert_spans(matrix: Sequence[dict[str, Any]], start: float, end: float) -> list[AlertSpan]:
    """Every firing span inside [start, end), sorted by start, severity and name."""
    interval = evaluation_interval(matrix)
    spans: list[AlertSpan] = []
    for series in matrix:
        labels = series.get("metric") or {}
        name = str(labels.get("alertname", "?"))
        times = sorted(t for t, v in values_of(series).items() if start <= t < end and v > 0)
        if not times:
            continue
        run = [times[0]]
        for t in times[1:]:
            if t - run[-1] > 1.5 * interval:
                spans.append(_span(name, labels, run, interval, start, end))
                run = [t]
            else:
                run.append(t)
        spans.append(_span(name, labels, run, interval, start, end))
    order = {"critical": 0, "warning": 1}
    spans.sort(key=lambda s: (s.start, order.get(s.severity, 2), s.name, s.target))
    return spans


def _span(
    name: str, labels: dict[str, Any], run: list[float], interval: float, start: float, end: float
) -> AlertSpan:
    last = run[-1] + interval
    ongoing = last >= end
    return AlertSpan(
        name=name,
        severity=str(labels.get("severity", "")),
        area=area_of_alert(name),
        target=str(labels.get("target") or labels.get("instance") or ""),
        start=run[0],
        end=min(last, end),
        began_before=run[0] - start < interval,
        ongoing=ongoing,
    )


def group(spans: Sequence[AlertSpan], window_s: float, hours: PracticeHours) -> list[Incident]:
    """Chain spans whose start lies within `window_s` of the previous span's start."""
    incidents: list[Incident] = []
    current: list[AlertSpan] = []
    for span in sorted(spans, key=lambda s: s.start):
        if current and span.start - current[-1].start > window_s:
            incidents.append(_incident(current, hours))
            current = []
        current.append(span)
    if current:
        incidents.append(_incident(current, hours))
    return incidents


def _incident(spans: list[AlertSpan], hours: PracticeHours) -> Incident:
    return Incident(
        alerts=list(spans),
        in_practice_hours=any(hours.overlaps(s.start, s.end) for s in spans),
    )
