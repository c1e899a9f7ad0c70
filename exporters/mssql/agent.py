"""SQL Agent jobs (msdb.dbo.sysjobs / sysjobhistory): enabled, last outcome and time."""

from __future__ import annotations

from datetime import datetime

from exporters.core import MetricSink
from exporters.mssql.values import Rows, local_epoch, number, text

OUTCOMES = {0: "failed", 1: "succeeded", 2: "retry", 3: "canceled", 4: "in_progress"}
"""sysjobhistory.run_status."""


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


def agent_jobs(rows: Rows, sink: MetricSink) -> None:
    for row in rows:
        job = text(row.get("job_name"))
        if not job:
            continue
        labels = {"job_name": job}
        sink.gauge(
            "mssql_agent_job_enabled",
            "1 if the SQL Agent job is enabled.",
            1 if number(row.get("enabled")) else 0,
            labels,
        )
        status = number(row.get("run_status"))
        sink.state_set(
            "mssql_agent_job_last_run_outcome",
            "Outcome of the job's last run (all 0 if it never ran).",
            "outcome",
            list(OUTCOMES.values()),
            OUTCOMES.get(int(status)) if status is not None else None,
            labels,
        )
        started = run_start(number(row.get("run_date")), number(row.get("run_time")))
        sink.gauge(
            "mssql_agent_job_last_run_timestamp_seconds",
            "Start of the job's last run (Unix seconds).",
            local_epoch(started, number(row.get("utc_offset_minutes"))),
            labels,
        )
        duration = number(row.get("run_duration"))
        if duration is not None and started is not None:
            h, m, s = _hhmmss(duration)
            sink.gauge(
                "mssql_agent_job_last_run_duration_seconds",
                "Duration of the job's last run.",
                h * 3600 + m * 60 + s,
                labels,
            )
