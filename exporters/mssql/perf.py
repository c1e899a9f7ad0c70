"""Counters from sys.dm_os_performance_counters, for default and named instances.

Object names carry the instance: `SQLServer:Buffer Manager` on a default instance,
`MSSQL$PRAXIS:Buffer Manager` on a named one; only the part after the colon is used.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple

from exporters.core import MetricSink
from exporters.mssql.config import MssqlTarget
from exporters.mssql.values import Rows, number, text

PERF_COUNTER_BULK_COUNT = 272696576
"""cntr_type of the cumulative "/sec" counters (the DMV holds the running total)."""


class Spec(NamedTuple):
    metric: str
    help: str
    instance: str = ""


# (object without prefix, counter name) -> metric; the /sec ones become `_total` counters.
SIMPLE: Mapping[tuple[str, str], Spec] = {
    ("SQL Statistics", "Batch Requests/sec"): Spec(
        "mssql_batch_requests_total", "T-SQL batches received."
    ),
    ("Locks", "Number of Deadlocks/sec"): Spec(
        "mssql_deadlocks_total", "Lock requests that ended in a deadlock.", "_Total"
    ),
    ("General Statistics", "User Connections"): Spec("mssql_user_connections", "Connected users."),
    ("General Statistics", "Processes blocked"): Spec(
        "mssql_blocked_processes", "Processes currently blocked."
    ),
    ("Buffer Manager", "Page life expectancy"): Spec(
        "mssql_page_life_expectancy_seconds", "Seconds a page stays in the buffer pool."
    ),
    ("Memory Manager", "Memory Grants Pending"): Spec(
        "mssql_memory_grants_pending", "Processes waiting for a workspace memory grant."
    ),
}


def object_name(raw: str) -> str:
    """`MSSQL$PRAXIS:Buffer Manager` -> `Buffer Manager`."""
    return raw.split(":", 1)[1] if ":" in raw else raw


def perf_counters(rows: Rows, target: MssqlTarget, sink: MetricSink) -> None:
    values: dict[tuple[str, str, str], tuple[float, float | None]] = {}
    for row in rows:
        value = number(row.get("cntr_value"))
        if value is None:
            continue
        key = (
            object_name(text(row.get("object_name")) or ""),
            text(row.get("counter_name")) or "",
            text(row.get("instance_name")) or "",
        )
        values[key] = (value, number(row.get("cntr_type")))
    for (obj, counter), spec in SIMPLE.items():
        found = values.get((obj, counter, spec.instance))
        if found is None:
            continue
        value, kind = found
        if kind == PERF_COUNTER_BULK_COUNT or spec.metric.endswith("_total"):
            sink.counter(spec.metric, spec.help, value)
        else:
            sink.gauge(spec.metric, spec.help, value)
    hits = values.get(("Buffer Manager", "Buffer cache hit ratio", ""))
    base = values.get(("Buffer Manager", "Buffer cache hit ratio base", ""))
    if hits and base and base[0] > 0:
        sink.gauge(
            "mssql_buffer_cache_hit_ratio",
            "Pages found in the buffer pool without a disk read (counter / its base).",
            min(1.0, hits[0] / base[0]),
        )
    _log_usage(values, target, sink)


def _log_usage(
    values: Mapping[tuple[str, str, str], tuple[float, float | None]],
    target: MssqlTarget,
    sink: MetricSink,
) -> None:
    """Log used ratio per database from the `Databases` object (instance = database)."""
    for (obj, counter, database), (size, _) in values.items():
        if obj != "Databases" or counter != "Log File(s) Size (KB)" or database == "_Total":
            continue
        used = values.get((obj, "Log File(s) Used Size (KB)", database))
        if used is None or size <= 0 or not target.databases.selects(database):
            continue
        sink.gauge(
            "mssql_database_log_used_ratio",
            "Used part of the database's transaction log (0-1).",
            min(1.0, used[0] / size),
            {"database": database},
        )
