"""SQL Agent jobs (msdb.dbo.sysjobs / sysjobhistory): enabled, last outcome and time."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from exporters.mssql.catalogue import JOB_OUTCOMES
from exporters.mssql.values import Rows, local_epoch, number, text

OUTCOMES = dict(enumerate(JOB_OUTCOMES))
"""sysjobhistory.run_status -> outcome."""


@dataclass(frozen=True)
class AgentJob:
    name: str
    enabled: bool
    outcome: str | None  # None: never ran
    last_run: float | None  # Unix seconds
    duration: float | None  # seconds


def _hhmmss(value: float) -> tuple[int, int, int]:
    v = int(value)
    return v // 10000, v // 100 % 100, v % 100


def run_start(run_date: float | None, run_time: float | None) -> datetime | None:
    """sysjobhistory keeps dates as int yyyymmdd and times as int hhmmss (local time)."""
    if run_date is None or run_time is None or run_date <= 0:
        return None
    d = int(run_date)
    h, m, s = _hhmmss(run_time)
    try:
        return datetime(d // 10000, d // 100 % 100, d % 100, h, m, s)
    except ValueError:
        return None


def agent_jobs(rows: Rows) -> list[AgentJob]:
    jobs = []
    for row in rows:
        name = text(row.get("job_name"))
        if not name:
            continue
        status = number(row.get("run_status"))
        started = run_start(number(row.get("run_date")), number(row.get("run_time")))
        duration = number(row.get("run_duration"))
        seconds = None
        if duration is not None and started is not None:
            h, m, s = _hhmmss(duration)
            seconds = float(h * 3600 + m * 60 + s)
        jobs.append(
            AgentJob(
                name=name,
                enabled=bool(number(row.get("enabled"))),
                outcome=OUTCOMES.get(int(status)) if status is not None else None,
                last_run=local_epoch(started, number(row.get("utc_offset_minutes"))),
                duration=seconds,
            )
        )
    return jobs
