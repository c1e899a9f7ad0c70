"""Every `backup_*` metric, declared once; `series.py` writes only these.

The common series (last success, last run, size, duration, max_age) carry `job_name` for
every kind of target, so that one metric has one label set: a Veeam target reports one job
per Veeam job name, every other kind is one job and leaves `job_name` empty (Prometheus
drops empty labels, so queries and rules see just `target` there).
"""

from __future__ import annotations

from exporters.backup.veeam import RESULTS as VEEAM_RESULTS
from exporters.backup.veeam import STATUSES as VEEAM_STATUSES
from exporters.core.catalogue import Catalogue, counter, gauge, info, state_set

JOB = "job_name"

LAST_SUCCESS = gauge(
    "backup_last_success_timestamp_seconds",
    "When the last successful backup finished (absent if none is known).",
    JOB,
    unit="seconds",
)
LAST_RUN = gauge(
    "backup_last_run_timestamp_seconds",
    "When the last backup run (successful or not) happened, where the source knows"
    " (files, gbak_log, veeam, push).",
    JOB,
    unit="seconds",
)
LAST_RUN_SUCCESS = gauge(
    "backup_last_run_success",
    "1 if the last run succeeded, 0 if it failed (only where the source knows failures:"
    " files, gbak_log, veeam, push).",
    JOB,
)
LAST_SIZE = gauge(
    "backup_last_size_bytes",
    "Size of the last successful backup (all kinds but veeam).",
    JOB,
    unit="bytes",
)
LAST_DURATION = gauge(
    "backup_last_duration_seconds",
    "How long the last run took, where the source knows (borg, push).",
    JOB,
    unit="seconds",
)
MAX_AGE = gauge(
    "backup_max_age_seconds",
    "Configured max_age: a last success older than this is too old.",
    JOB,
    unit="seconds",
)
NEXT_RUN = gauge(
    "backup_next_run_timestamp_seconds",
    "When the job is scheduled to run next, where the source knows (veeam nextRun, push"
    " targets with a schedule).",
    JOB,
    unit="seconds",
)
RUNNING = gauge(
    "backup_running",
    "1 while a run is in progress: a push target between its start signal and its result, a"
    " Veeam job whose status is running (veeam, push).",
    JOB,
)
LAST_START = gauge(
    "backup_last_start_timestamp_seconds",
    "When the last run started, from the start signal POST /push/<target>/start (push).",
    JOB,
    unit="seconds",
)
MAX_DURATION = gauge(
    "backup_max_duration_seconds",
    "Configured max_duration: a started run not finished after this long hangs (push).",
    JOB,
    unit="seconds",
)
EXPECTED_START = gauge(
    "backup_expected_start_timestamp_seconds",
    "The latest start the configured schedule expected at or before now (push with schedule).",
    JOB,
    unit="seconds",
)
START_GRACE = gauge(
    "backup_start_grace_seconds",
    "Configured schedule grace: how late a start may come before it counts as missed (push"
    " with schedule).",
    JOB,
    unit="seconds",
)

FILES = gauge("backup_files", "Files matching the target's path glob (files).")
FILES_VALID = gauge("backup_files_valid", "Matching files of at least min_size_bytes (files).")
LOG_ERRORS = gauge("backup_log_errors", "`gbak: ERROR` lines in the last gbak log (gbak_log).")

REFRESH_HELP = (
    "restic/borg/veeam: listing results are cached for the target's refresh_interval "
    "(default 5m restic/borg, 1m veeam), exported here."
)
SNAPSHOTS = gauge(
    "backup_repository_snapshots",
    "Snapshots (restic) or archives (borg) in the repository. " + REFRESH_HELP,
)
LOCKED = gauge(
    "backup_repository_locked",
    "1 if the repository holds a lock (absent when unknown, e.g. remote borg).",
)
LOCK_AGE = gauge(
    "backup_repository_lock_age_seconds",
    "Age of the oldest lock (restic refreshes live locks every 5m).",
    unit="seconds",
)
LOCK_STALE = gauge(
    "backup_repository_lock_stale",
    "1 if the oldest lock is older than the target's stale_lock_after.",
)
REFRESH_INTERVAL = gauge("backup_refresh_interval_seconds", REFRESH_HELP, unit="seconds")
FETCHED_AT = gauge(
    "backup_source_fetch_timestamp_seconds",
    "When the (cached) listing of the source was fetched (restic, borg).",
    unit="seconds",
)

_CHECK_RUNS = "runs in the background every check_interval (see backup_check_interval_seconds)"
CHECK_SUCCESS = gauge(
    "backup_check_success", f"1 if the last repository check passed; {_CHECK_RUNS}."
)
CHECK_TIMESTAMP = gauge(
    "backup_check_timestamp_seconds",
    f"When the last repository check finished; {_CHECK_RUNS}.",
    unit="seconds",
)
CHECK_DURATION = gauge(
    "backup_check_duration_seconds", "How long the last repository check took.", unit="seconds"
)
CHECK_INTERVAL = gauge(
    "backup_check_interval_seconds", "Configured check_interval of the target.", unit="seconds"
)

VEEAM_LAST_RESULT = state_set(
    "backup_veeam_job_last_result",
    "Last result of the Veeam job as reported by jobs/states.",
    "result",
    VEEAM_RESULTS,
    JOB,
)
VEEAM_STATUS = state_set(
    "backup_veeam_job_status",
    "Current status of the Veeam job.",
    "status",
    VEEAM_STATUSES,
    JOB,
)
VEEAM_INFO = info("backup_veeam_job_info", "Veeam job type.", JOB, "type")

PUSH_RUNS = counter("backup_push_runs_total", "Pushed runs recorded for this target.")
PUSH_FAILURES = counter("backup_push_failures_total", "Pushed runs that reported failure.")
PUSH_REQUESTS = counter(
    "backup_push_requests_total", "Push requests since start, by HTTP code.", "code"
)

CATALOGUE = Catalogue(
    "backup",
    [
        LAST_SUCCESS,
        LAST_RUN,
        LAST_RUN_SUCCESS,
        LAST_SIZE,
        LAST_DURATION,
        MAX_AGE,
        NEXT_RUN,
        RUNNING,
        LAST_START,
        MAX_DURATION,
        EXPECTED_START,
        START_GRACE,
        FILES,
        FILES_VALID,
        LOG_ERRORS,
        SNAPSHOTS,
        LOCKED,
        LOCK_AGE,
        LOCK_STALE,
        REFRESH_INTERVAL,
        FETCHED_AT,
        CHECK_SUCCESS,
        CHECK_TIMESTAMP,
        CHECK_DURATION,
        CHECK_INTERVAL,
        VEEAM_LAST_RESULT,
        VEEAM_STATUS,
        VEEAM_INFO,
        PUSH_RUNS,
        PUSH_FAILURES,
        PUSH_REQUESTS,
    ],
)
