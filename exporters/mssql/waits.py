"""Cumulative wait time per wait type and IO stall per database file, as counters."""

from __future__ import annotations

from exporters.core import MetricSink
from exporters.mssql.config import MssqlTarget
from exporters.mssql.values import Rows, number, text

_MS = 1000.0


def waits(rows: Rows, sink: MetricSink) -> None:
    """The query already limits the rows to the top wait types (bounded cardinality)."""
    for row in rows:
        wait_type = text(row.get("wait_type"))
        if not wait_type:
            continue
        labels = {"wait_type": wait_type}
        ms = number(row.get("wait_time_ms"))
        sink.counter(
            "mssql_wait_time_seconds_total",
            "Time spent waiting, by wait type (top types by total wait time).",
            ms / _MS if ms is not None else None,
            labels,
        )
        sink.counter(
            "mssql_waiting_tasks_total",
            "Waits that ended, by wait type (top types by total wait time).",
            number(row.get("waiting_tasks_count")),
            labels,
        )


_IO = (
    ("num_of_reads", "mssql_io_reads_total", "Reads from the file.", 1.0),
    ("num_of_bytes_read", "mssql_io_read_bytes_total", "Bytes read from the file.", 1.0),
    ("io_stall_read_ms", "mssql_io_stall_read_seconds_total", "Time spent waiting for reads.",
     _MS),
    ("num_of_writes", "mssql_io_writes_total", "Writes to the file.", 1.0),
    ("num_of_bytes_written", "mssql_io_written_bytes_total", "Bytes written to the file.", 1.0),
    ("io_stall_write_ms", "mssql_io_stall_write_seconds_total", "Time spent waiting for writes.",
     _MS),
)  # fmt: skip


def io_stalls(rows: Rows, target: MssqlTarget, sink: MetricSink) -> None:
    for row in rows:
        database = text(row.get("database_name"))
        if not database or not target.databases.selects(database):
            continue
        labels = {
            "database": database,
            "file": text(row.get("file_name")) or "",
            "type": (text(row.get("type_desc")) or "").lower(),
        }
        for column, metric, help_text, divisor in _IO:
            value = number(row.get(column))
            sink.counter(metric, help_text, value / divisor if value is not None else None, labels)
