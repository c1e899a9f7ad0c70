"""Runs the five queries of one site-month against the API (the only I/O of a report)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from exporters.report import queries
from exporters.report.build import Raw
from exporters.report.client import ApiError, QueryApi
from exporters.report.period import STEPS, Period, step_for

log = logging.getLogger("praxis-report")
CHART_POINTS = 800
FATAL = frozenset({"unreachable", "timeout", "auth"})


class ApiUnusable(Exception):
    """No query got through (unreachable, timing out, refusing the credentials)."""


def chart_step(seconds: int) -> int:
    for step in STEPS:
        if seconds / step <= CHART_POINTS:
            return step
    return STEPS[-1]


def collect(
    api: QueryApi,
    site: str,
    period: Period,
    now: float,
    server_job: str = queries.DEFAULT_SERVER_JOB,
    parallel: int = 3,
) -> tuple[Raw, int]:
    """The raw answers and the grid step; ApiUnusable when nothing could be asked."""
    step = step_for(period.seconds)
    start, end = period.start_ts, period.end_ts
    last_point = start + ((period.seconds - 1) // step) * step
    window = period.seconds
    as_of = min(end, now)
    cstep = chart_step(period.seconds)
    jobs: dict[str, Callable[[], Any]] = {
        "health": lambda: api.range(
            queries.health_query(site, server_job), start, last_point, step
        ),
        "stamps": lambda: api.range(queries.stamps_query(site), start, last_point, step),
        "charts": lambda: api.range(queries.charts_query(site), start, end, cstep),
        "facts": lambda: api.instant(queries.facts_query(site, window), as_of)["result"],
        "alerts": lambda: api.instant(queries.alerts_query(site, window), end)["result"],
    }
    raw = Raw()
    before = api.queries
    errors: dict[str, ApiError] = {}
    with ThreadPoolExecutor(max_workers=max(1, parallel), thread_name_prefix="query") as pool:
        futures = {name: pool.submit(job) for name, job in jobs.items()}
        for name, future in futures.items():
            try:
                setattr(raw, name, list(future.result()))
            except ApiError as exc:
                errors[name] = exc
                log.warning("site %s: query %s failed: %s", site, name, exc)
    raw.queries = api.queries - before
    if errors and len(errors) == len(jobs) and all(e.kind in FATAL for e in errors.values()):
        first = next(iter(errors.values()))
        raise ApiUnusable(str(first))
    raw.failed = {name: str(exc) for name, exc in errors.items()}
    return raw, step
