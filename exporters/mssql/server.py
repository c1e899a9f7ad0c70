"""Instance identity (SERVERPROPERTY) and start time (sys.dm_os_sys_info)."""

from __future__ import annotations

from dataclasses import dataclass

from exporters.mssql.values import Rows, number, text, utc_epoch

EXPRESS = 4
"""SERVERPROPERTY('EngineEdition') of Express: no SQL Agent, 10 GB per database."""


@dataclass(frozen=True)
class ServerInfo:
    version: str
    product_level: str
    edition: str
    engine_edition: int | None
    instance_name: str


def server_info(rows: Rows) -> ServerInfo | None:
    """The `server` group's single row (None if the server returned none)."""
    if not rows:
        return None
    row = rows[0]
    edition = number(row.get("engine_edition"))
    return ServerInfo(
        version=text(row.get("product_version")) or "",
        product_level=text(row.get("product_level")) or "",
        edition=text(row.get("edition")) or "",
        engine_edition=int(edition) if edition is not None else None,
        instance_name=text(row.get("instance_name")) or "",
    )


def start_time(rows: Rows) -> float | None:
    """Start time from tick counters, so the server's local time zone does not matter."""
    if not rows:
        return None
    row = rows[0]
    now = utc_epoch(row.get("utc_now"))
    ticks = number(row.get("ms_ticks"))
    started = number(row.get("sqlserver_start_time_ms_ticks"))
    if now is None or ticks is None or started is None:
        return None
    return round(now - (ticks - started) / 1000.0)
