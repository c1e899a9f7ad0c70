"""Cumulative wait time per wait type and IO stall per database file."""

from __future__ import annotations

from dataclasses import dataclass

from exporters.mssql.config import MssqlTarget
from exporters.mssql.values import Rows, number, text

_MS = 1000.0


@dataclass(frozen=True)
class Wait:
    wait_type: str
    seconds: float | None
    tasks: float | None


@dataclass(frozen=True)
class FileIo:
    database: str
    file: str
    type: str  # rows | log
    reads: float | None
    read_bytes: float | None
    read_stall_seconds: float | None
    writes: float | None
    written_bytes: float | None
    write_stall_seconds: float | None


def _seconds(ms: float | None) -> float | None:
    return ms / _MS if ms is not None else None


def waits(rows: Rows) -> list[Wait]:
    """The query already limits the rows to the top wait types (bounded cardinality)."""
    found = []
    for row in rows:
        wait_type = text(row.get("wait_type"))
        if wait_type:
            found.append(
                Wait(
                    wait_type,
                    _seconds(number(row.get("wait_time_ms"))),
                    number(row.get("waiting_tasks_count")),
                )
            )
    return found


def io_stalls(rows: Rows, target: MssqlTarget) -> list[FileIo]:
    found = []
    for row in rows:
        database = text(row.get("database_name"))
        if not database or not target.databases.selects(database):
            continue
        found.append(
            FileIo(
                database=database,
                file=text(row.get("file_name")) or "",
                type=(text(row.get("type_desc")) or "").lower(),
                reads=number(row.get("num_of_reads")),
                read_bytes=number(row.get("num_of_bytes_read")),
                read_stall_seconds=_seconds(number(row.get("io_stall_read_ms"))),
                writes=number(row.get("num_of_writes")),
                written_bytes=number(row.get("num_of_bytes_written")),
                write_stall_seconds=_seconds(number(row.get("io_stall_write_ms"))),
            )
        )
    return found
