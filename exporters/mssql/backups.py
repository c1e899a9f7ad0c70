"""Last full, differential and log backup per database from msdb.dbo.backupset."""

from __future__ import annotations

from dataclasses import dataclass

from exporters.mssql.config import MssqlTarget
from exporters.mssql.values import Rows, local_epoch, number, text

BACKUP_TYPES = {"D": "full", "I": "differential", "L": "log"}
UNKNOWN_TIME_ZONE = 127
"""backupset.time_zone: offset in 15-minute steps, 127 when unknown."""


@dataclass(frozen=True)
class Backup:
    database: str
    kind: str  # full | differential | log
    finished: float | None  # Unix seconds
    size: float | None  # bytes


def backups(rows: Rows, target: MssqlTarget) -> list[Backup]:
    found = []
    for row in rows:
        name = text(row.get("database_name"))
        kind = BACKUP_TYPES.get(text(row.get("type")) or "")
        if not name or kind is None or not target.databases.selects(name):
            continue
        zone = number(row.get("time_zone"))
        offset = zone * 15 if zone is not None and zone != UNKNOWN_TIME_ZONE else None
        if offset is None:
            offset = number(row.get("utc_offset_minutes"))
        found.append(
            Backup(
                database=name,
                kind=kind,
                finished=local_epoch(row.get("backup_finish_date"), offset),
                size=number(row.get("backup_size")),
            )
        )
    return found
