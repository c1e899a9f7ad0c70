"""Range-query results on the report's grid: coverage, runs of "not fine", distinct values
(pure functions, no I/O)."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import Any

from exporters.report.model import Coverage, Grid, Timeline


def values_of(series: dict[str, Any]) -> dict[float, float]:
    """{timestamp: value} of one matrix series; NaN and garbage are left out."""
    out: dict[float, float] = {}
    for pair in series.get("values") or []:
        try:
            t, v = float(pair[0]), float(pair[1])
        except (TypeError, ValueError, IndexError):
            continue
        if not math.isnan(v):
            out[t] = v
    return out


def on_grid(series: dict[str, Any], grid: Grid) -> Timeline:
    vals = values_of(series)
    return [vals.get(t) for t in grid.points]


def combine_min(timelines: Iterable[Timeline], length: int) -> Timeline:
    """Point-wise minimum of what is known (unknown where nothing is)."""
    out: Timeline = [None] * length
    for tl in timelines:
        for i, v in enumerate(tl):
            if v is not None:
                current = out[i]
                out[i] = v if current is None else min(current, v)
    return out


def coverage(tl: Timeline, grid: Grid) -> Coverage:
    total = known = ok = 0.0
    for t, v in zip(grid.points, tl, strict=True):
        w = grid.weight(t)
        total += w
        if v is not None:
            known += w
            if v >= 1:
                ok += w
    return Coverage(total, known, ok)


def runs(tl: Timeline, grid: Grid, want: float) -> list[tuple[float, float]]:
    """[start, end) of every maximal run of points whose value is `want`."""
    out: list[tuple[float, float]] = []
    begin: float | None = None
    for t, v in zip(grid.points, tl, strict=True):
        hit = v is not None and (v >= 1) == (want >= 1)
        if hit and begin is None:
            begin = t
        elif not hit and begin is not None:
            out.append((begin, t))
            begin = None
    if begin is not None:
        out.append((begin, grid.end))
    return out


def known_bounds(tl: Timeline, grid: Grid) -> tuple[float | None, float | None]:
    """Start of the first and end of the last point with data."""
    known = [t for t, v in zip(grid.points, tl, strict=True) if v is not None]
    if not known:
        return None, None
    return known[0], known[-1] + grid.weight(known[-1])


def last_state(tl: Timeline) -> float | None:
    for v in reversed(tl):
        if v is not None:
            return v
    return None


def distinct_values(series_list: Sequence[dict[str, Any]]) -> set[float]:
    """Every value the series took (for series whose values are event timestamps)."""
    out: set[float] = set()
    for series in series_list:
        out.update(values_of(series).values())
    return out


def watched_times(series_list: Sequence[dict[str, Any]]) -> set[float]:
    out: set[float] = set()
    for series in series_list:
        out.update(values_of(series))
    return out
