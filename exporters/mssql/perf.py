"""Counters from sys.dm_os_performance_counters, for default and named instances.

Object names carry the instance: `SQLServer:Buffer Manager` on a default instance,
`MSSQL$PRAXIS:Buffer Manager` on a named one; only the part after the colon is used.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from exporters.core.catalogue import MetricDesc
from exporters.mssql import catalogue as m
from exporters.mssql.config import MssqlTarget
from exporters.mssql.values import Rows, number, text

# (object without prefix, counter name) -> (metric, instance_name of the row to read); the
# cumulative "/sec" counters are declared as `_total` counters (the DMV holds the total).
SIMPLE: Mapping[tuple[str, str], tuple[MetricDesc, str]] = {
    ("SQL Statistics", "Batch Requests/sec"): (m.BATCH_REQUESTS, ""),
    ("Locks", "Number of Deadlocks/sec"): (m.DEADLOCKS, "_Total"),
    ("General Statistics", "User Connections"): (m.USER_CONNECTIONS, ""),
    ("General Statistics", "Processes blocked"): (m.BLOCKED_PROCESSES, ""),
    ("Buffer Manager", "Page life expectancy"): (m.PAGE_LIFE_EXPECTANCY, ""),
    ("Memory Manager", "Memory Grants Pending"): (m.MEMORY_GRANTS_PENDING, ""),
}


@dataclass(frozen=True)
class PerfReadings:
    counters: list[tuple[MetricDesc, float]]
    buffer_cache_hit_ratio: float | None
    log_used_ratio: dict[str, float]
    """Per database."""


def object_name(raw: str) -> str:
    """`MSSQL$PRAXIS:Buffer Manager` -> `Buffer Manager`."""
    return raw.split(":", 1)[1] if ":" in raw else raw


def perf_counters(rows: Rows, target: MssqlTarget) -> PerfReadings:
    values: dict[tuple[str, str, str], float] = {}
    for row in rows:
        value = number(row.get("cntr_value"))
        if value is None:
            continue
        key = (
            object_name(text(row.get("object_name")) or ""),
            text(row.get("counter_name")) or "",
            text(row.get("instance_name")) or "",
        )
        values[key] = value
    counters = []
    for (obj, counter), (desc, instance) in SIMPLE.items():
        found = values.get((obj, counter, instance))
        if found is not None:
            counters.append((desc, found))
    hits = values.get(("Buffer Manager", "Buffer cache hit ratio", ""))
    base = values.get(("Buffer Manager", "Buffer cache hit ratio base", ""))
    ratio = min(1.0, hits / base) if hits is not None and base is not None and base > 0 else None
    return PerfReadings(counters, ratio, _log_usage(values, target))


def _log_usage(
    values: Mapping[tuple[str, str, str], float], target: MssqlTarget
) -> dict[str, float]:
    """Log used ratio per database from the `Databases` object (instance = database)."""
    used_ratio = {}
    for (obj, counter, database), size in values.items():
        if obj != "Databases" or counter != "Log File(s) Size (KB)" or database == "_Total":
            continue
        used = values.get((obj, "Log File(s) Used Size (KB)", database))
        if used is None or size <= 0 or not target.databases.selects(database):
            continue
        used_ratio[database] = min(1.0, used / size)
    return used_ratio
