"""Writes what was read from a database into a `MetricSink` through the catalogue (no I/O).

The only module of the Firebird exporter that writes metrics; every series is declared in
`catalogue.py`.
"""

from __future__ import annotations

from collections.abc import Mapping

from exporters.core import MetricSink
from exporters.firebird import catalogue as c
from exporters.firebird.header import Header
from exporters.firebird.monitoring import Activity, Identity


def database_of(dsn: str) -> str:
    """The path or alias part of `host[/port]:path`; a local path or `C:\\...` stays whole."""
    host, sep, rest = dsn.partition(":")
    if not sep or (len(host) == 1 and host.isalpha()):
        return dsn
    return rest


def driver(sink: MetricSink, name: str, version: str, client_version: str) -> None:
    sink.put_info(
        c.DRIVER_INFO,
        {"driver": name, "driver_version": version, "client_version": client_version},
    )


def identity(
    sink: MetricSink, who: Identity, header: Header, dsn: str, server_version: str
) -> None:
    sink.put_info(
        c.INFO,
        {
            "version": who.engine_version,
            "server_version": server_version,
            "ods": header.ods,
            "database": database_of(dsn),
        },
    )
    sink.put(c.SEES_ALL, who.sees_all_attachments)


def header(sink: MetricSink, head: Header) -> None:
    put = sink.put
    put(c.SIZE, head.size_bytes)
    put(c.PAGES, head.pages)
    put(c.PAGE_SIZE, head.page_size)
    put(c.PAGE_BUFFERS, head.page_buffers)
    put(c.FORCED_WRITES, head.forced_writes)
    put(c.READ_ONLY, head.read_only)
    put(c.SWEEP_INTERVAL, head.sweep_interval)
    put(c.SWEEP_BACKLOG, head.sweep_backlog)
    put(c.NEXT_TX, head.next_transaction)
    put(c.OLDEST_TX, head.oldest_transaction)
    put(c.OLDEST_ACTIVE, head.oldest_active)
    put(c.OLDEST_SNAPSHOT, head.oldest_snapshot)
    put(c.TX_LIMIT, head.transaction_id_limit)
    put(c.MEMORY, head.memory_used)
    put(c.MEMORY_MAX, head.memory_max_used)


def activity(sink: MetricSink, act: Activity, age_seconds: float) -> None:
    sink.put_state(c.SHUTDOWN_MODE, act.shutdown_mode)
    sink.put_state(c.BACKUP_STATE, act.backup_state)
    for op, value in act.pages.items():
        sink.put(c.PAGES_TOTAL, value, {"operation": op})
    for op, value in act.records.items():
        sink.put(c.RECORDS_TOTAL, value, {"operation": op})
    sink.put(c.OLDEST_ACTIVE_AGE, act.oldest_active_age_seconds)
    sink.put(c.OPEN_TX, act.open_transactions)
    for state, count in act.attachments.items():
        sink.put(c.ATTACHMENTS, count, {"state": state})
    for state, count in act.statements.items():
        sink.put(c.STATEMENTS, count, {"state": state})
    sink.put(c.MONITORING_AGE, age_seconds)


def timings(
    sink: MetricSink, connect_seconds: float | None, query_seconds: float, connects: int
) -> None:
    sink.put(c.CONNECT_DURATION, connect_seconds)
    sink.put(c.QUERY_DURATION, query_seconds)
    sink.put(c.CONNECTS, connects)


def log_errors(sink: MetricSink, readable: bool, counts: Mapping[str, int]) -> None:
    """firebird.log figures of one target (`sink` adds its `target` label)."""
    sink.put(c.LOG_READABLE, readable)
    sink.touch(c.LOG_ERRORS)
    for cls, count in counts.items():
        sink.put(c.LOG_ERRORS, count, {"class": cls})
