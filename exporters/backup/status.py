"""What every kind of target reports about its backup, and how that becomes metrics.

Each source is reduced to a `BackupStatus` by a pure function; `emit` turns it into the same
series for all kinds, so one set of alert rules covers files, logs, repositories and pushes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from exporters.core import MetricSink


@dataclass(frozen=True)
class BackupStatus:
    """Facts about one backup job; `None` means the source does not know."""

    last_success: float | None = None
    last_run: float | None = None
    last_run_success: bool | None = None
    size_bytes: float | None = None
    duration_seconds: float | None = None


def emit(
    sink: MetricSink,
    status: BackupStatus,
    max_age: float,
    labels: Mapping[str, str] | None = None,
) -> None:
    """Write the common `backup_*` series for one job."""
    lbl = dict(labels or {})
    sink.gauge(
        "backup_last_success_timestamp_seconds",
        "When the last successful backup finished (absent if none is known).",
        status.last_success,
        lbl,
    )
    sink.gauge(
        "backup_last_run_timestamp_seconds",
        "When the last backup run (successful or not) happened, where the source knows.",
        status.last_run,
        lbl,
    )
    sink.gauge(
        "backup_last_run_success",
        "1 if the last run succeeded, 0 if it failed (only where the source knows failures).",
        None if status.last_run_success is None else int(status.last_run_success),
        lbl,
    )
    sink.gauge(
        "backup_last_size_bytes",
        "Size of the last successful backup.",
        status.size_bytes,
        lbl,
    )
    sink.gauge(
        "backup_last_duration_seconds",
        "How long the last run took, where the source knows.",
        status.duration_seconds,
        lbl,
    )
    sink.gauge(
        "backup_max_age_seconds",
        "Configured max_age: a last success older than this is too old.",
        max_age,
        lbl,
    )
