"""Writes what was read from a backup source into a `MetricSink` through the catalogue.

The only module of the backup exporter that writes metrics (pure: no I/O); every series is
declared in `catalogue.py`.
"""

from __future__ import annotations

from collections.abc import Mapping

from exporters.backup import catalogue as c
from exporters.backup.status import BackupStatus
from exporters.core import MetricSink


def status(sink: MetricSink, st: BackupStatus, max_age: float, job_name: str = "") -> None:
    """The common `backup_*` series of one job (`job_name` empty unless a Veeam job)."""
    job = {c.JOB: job_name}
    sink.put(c.LAST_SUCCESS, st.last_success, job)
    sink.put(c.LAST_RUN, st.last_run, job)
    sink.put(
        c.LAST_RUN_SUCCESS, None if st.last_run_success is None else int(st.last_run_success), job
    )
    sink.put(c.LAST_SIZE, st.size_bytes, job)
    sink.put(c.LAST_DURATION, st.duration_seconds, job)
    sink.put(c.MAX_AGE, max_age, job)


def files(sink: MetricSink, matching: int, valid: int) -> None:
    sink.put(c.FILES, matching)
    sink.put(c.FILES_VALID, valid)


def gbak_log(sink: MetricSink, errors: int) -> None:
    sink.put(c.LOG_ERRORS, errors)


def repository(
    sink: MetricSink,
    snapshots: int | None,
    lock: tuple[float | None, float | None, float | None],
    refresh_interval: float,
    fetched_at: float | None,
) -> None:
    """restic/borg listing figures; `lock` is (locked, oldest age, stale)."""
    locked, age, stale = lock
    sink.put(c.SNAPSHOTS, snapshots)
    sink.put(c.LOCKED, locked)
    sink.put(c.LOCK_AGE, age)
    sink.put(c.LOCK_STALE, stale)
    refresh(sink, refresh_interval)
    sink.put(c.FETCHED_AT, fetched_at)


def refresh(sink: MetricSink, interval: float) -> None:
    sink.put(c.REFRESH_INTERVAL, interval)


def check(
    sink: MetricSink,
    success: bool | None,
    finished_at: float | None,
    duration: float | None,
    interval: float,
) -> None:
    """The background repository check (absent figures until the first one finished)."""
    sink.put(c.CHECK_SUCCESS, None if success is None else int(success))
    sink.put(c.CHECK_TIMESTAMP, finished_at)
    sink.put(c.CHECK_DURATION, duration)
    sink.put(c.CHECK_INTERVAL, interval)


def veeam_job(
    sink: MetricSink,
    job_name: str,
    next_run: float | None,
    last_result: str | None,
    job_status: str | None,
    job_type: str,
) -> None:
    job = {c.JOB: job_name}
    sink.put(c.NEXT_RUN, next_run, job)
    sink.put(c.RUNNING, None if job_status is None else int(job_status == "running"), job)
    sink.put_state(c.VEEAM_LAST_RESULT, last_result, job)
    sink.put_state(c.VEEAM_STATUS, job_status, job)
    sink.put_info(c.VEEAM_INFO, {**job, "type": job_type})


def push_run(
    sink: MetricSink,
    running: bool,
    last_start: float | None,
    max_duration: float | None,
    expected: tuple[float | None, float | None, float] | None,
) -> None:
    """A push target's run in progress; `expected` is (previous start, next start, grace)
    of its schedule, None without one."""
    job = {c.JOB: ""}
    sink.put(c.RUNNING, int(running), job)
    sink.put(c.LAST_START, last_start, job)
    sink.put(c.MAX_DURATION, max_duration, job)
    if expected is not None:
        previous, upcoming, grace = expected
        sink.put(c.EXPECTED_START, previous, job)
        sink.put(c.NEXT_RUN, upcoming, job)
        sink.put(c.START_GRACE, grace, job)


def push(sink: MetricSink, runs: int, failures: int) -> None:
    sink.put(c.PUSH_RUNS, runs)
    sink.put(c.PUSH_FAILURES, failures)


def push_requests(sink: MetricSink, by_code: Mapping[str, int]) -> None:
    """Exporter-wide (no `target`): push requests by HTTP answer code."""
    sink.touch(c.PUSH_REQUESTS)
    for code, count in sorted(by_code.items()):
        sink.put(c.PUSH_REQUESTS, count, {"code": code})
