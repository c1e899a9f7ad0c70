"""Instance identity (SERVERPROPERTY) and start time (sys.dm_os_sys_info)."""

from __future__ import annotations

from exporters.core import MetricSink
from exporters.mssql.values import Rows, number, text, utc_epoch

EXPRESS = 4
"""SERVERPROPERTY('EngineEdition') of Express: no SQL Agent, 10 GB per database."""


def server_info(rows: Rows, sink: MetricSink) -> int | None:
    """Write `mssql_info`; return the engine edition (None if unknown)."""
    if not rows:
        return None
    row = rows[0]
    edition = number(row.get("engine_edition"))
    sink.info(
        "mssql_info",
        "SQL Server version (full build number), product level, edition and engine edition.",
        {
            "version": text(row.get("product_version")) or "",
            "product_level": text(row.get("product_level")) or "",
            "edition": text(row.get("edition")) or "",
            "engine_edition": str(int(edition)) if edition is not None else "",
            "instance_name": text(row.get("instance_name")) or "",
        },
    )
    return int(edition) if edition is not None else None


def start_time(rows: Rows, sink: MetricSink) -> None:
    """Start time from tick counters, so the server's local time zone does not matter."""
    if not rows:
        return
    row = rows[0]
    now = utc_epoch(row.get("utc_now"))
    ticks = number(row.get("ms_ticks"))
    started = number(row.get("sqlserver_start_time_ms_ticks"))
    if now is None or ticks is None or started is None:
        return
    sink.gauge(
        "mssql_start_time_seconds",
        "Start time of the SQL Server instance (Unix seconds).",
        round(now - (ticks - started) / 1000.0),
    )
