"""Last full, differential and log backup per database from msdb.dbo.backupset."""

from __future__ import annotations

from exporters.core import MetricSink
from exporters.mssql.config import MssqlTarget
from exporters.mssql.values import Rows, local_epoch, number, text

BACKUP_TYPES = {"D": "full", "I": "differential", "L": "log"}
UNKNOWN_TIME_ZONE = 127
"""backupset.time_zone: offset in 15-minute steps, 127 when unknown."""


def backups(rows: Rows, target: MssqlTarget, sink: MetricSink) -> None:
    sink.gauge(
        "mssql_backup_full_max_age_seconds",
        "Configured age after which the last full backup is too old (for the alert).",
        target.full_backup_max_age,
    )
    for row in rows:
        name = text(row.get("database_name"))
        kind = BACKUP_TYPES.get(text(row.get("type")) or "")
        if not name or kind is None or not target.databases.selects(name):
            continue
        zone = number(row.get("time_zone"))
        offset = zone * 15 if zone is not None and zone != UNKNOWN_TIME_ZONE else None
        if offset is None:
            offset = number(row.get("utc_offset_minutes"))
        labels = {"database": name, "type": kind}
        sink.gauge(
            "mssql_database_last_backup_timestamp_seconds",
            "End of the last backup that is not copy-only, by type (Unix seconds).",
            local_epoch(row.get("backup_finish_date"), offset),
            labels,
        )
        if kind == "full":
            sink.gauge(
                "mssql_database_last_full_backup_size_bytes",
                "Size of the last full backup (uncompressed).",
                number(row.get("backup_size")),
                {"database": name},
            )
