"""The backup calendar: one cell per day and job (pure).

`backup_last_success_timestamp_seconds` and `backup_last_run_timestamp_seconds` hold the
time of the newest good / newest run; every distinct value they take in the period is one
backup. A day is `ok` with a good backup ending on it, `failed` with a run but no good
backup, `none` while the job was watched but nothing ran, `nodata` while it was not watched.
Two runs within one step of the range query show as the later one."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from exporters.report.model import CalendarRow
from exporters.report.period import BERLIN
from exporters.report.queries import TAG
from exporters.report.timeline import distinct_values, watched_times


def job_name(labels: dict[str, Any]) -> str:
    target = str(labels.get("target") or labels.get("instance") or "?")
    sub = labels.get("job_name") or labels.get("database")
    return f"{target} / {sub}" if sub else target


def _day(ts: float) -> dt.date:
    return dt.datetime.fromtimestamp(ts, BERLIN).date()


def calendar(
    stamps: Sequence[dict[str, Any]], days: Sequence[dt.date], step: int
) -> list[CalendarRow]:
    by_job: dict[str, dict[str, list[dict[str, Any]]]] = defaultdict(lambda: defaultdict(list))
    for series in stamps:
        labels = series.get("metric") or {}
        kind = labels.get(TAG, "")
        if kind in ("backup_success", "backup_run", "mssql_full"):
            prefix = "SQL Server: " if kind == "mssql_full" else ""
            role = "run" if kind == "backup_run" else "success"
            by_job[prefix + job_name(labels)][role].append(series)
    rows = []
    for job in sorted(by_job):
        roles = by_job[job]
        good = {_day(t) for t in distinct_values(roles["success"])}
        runs = {_day(t) for t in distinct_values(roles["run"])}
        watched = set()
        for t in watched_times(roles["success"] + roles["run"]):
            watched.add(_day(t))
            watched.add(_day(t + step - 1))
        cells = []
        for day in days:
            if day in good:
                cells.append("ok")
            elif day in runs:
                cells.append("failed")
            elif day in watched:
                cells.append("none")
            else:
                cells.append("nodata")
        rows.append(CalendarRow(job, cells))
    return rows
