"""What every kind of target reports about its backup.

Each source is reduced to a `BackupStatus` by a pure function; `series.status` turns it into
the same series for all kinds, so one set of alert rules covers files, logs, repositories
and pushes.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class BackupStatus:
    """Facts about one backup job; `None` means the source does not know."""

    last_success: float | None = None
    last_run: float | None = None
    last_run_success: bool | None = None
    size_bytes: float | None = None
    duration_seconds: float | None = None
