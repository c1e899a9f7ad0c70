"""Writes what was read from a database into a `MetricSink` (pure: no I/O)."""

from __future__ import annotations

from exporters.core import MetricSink
from exporters.firebird import monitoring as mon
from exporters.firebird.header import Header
from exporters.firebird.monitoring import Activity, Identity


def database_of(dsn: str) -> str:
    """The path or alias part of `host[/port]:path`; a local path or `C:\\...` stays whole."""
    host, sep, rest = dsn.partition(":")
    if not sep or (len(host) == 1 and host.isalpha()):
        return dsn
    return rest


def emit_identity(
    sink: MetricSink, identity: Identity, header: Header, dsn: str, server_version: str
) -> None:
    sink.info(
        "firebird_info",
        "Server version, on-disk structure (ODS) and the database path or alias (value 1).",
        {
            "version": identity.engine_version,
            "server_version": server_version,
            "ods": header.ods,
            "database": database_of(dsn),
        },
    )
    sink.gauge(
        "firebird_monitoring_sees_all_attachments",
        "1 if the exporter's user sees every attachment in MON$ (SYSDBA, owner or RDB$ADMIN);"
        " 0 means attachment, statement and transaction figures cover only its own.",
        identity.sees_all_attachments,
    )


def emit_header(sink: MetricSink, header: Header) -> None:
    g = sink.gauge
    g("firebird_database_size_bytes", "Allocated pages times page size.", header.size_bytes)
    g("firebird_database_pages", "Pages allocated in the database files.", header.pages)
    g("firebird_page_size_bytes", "Database page size.", header.page_size)
    g("firebird_page_buffers", "Pages in the page cache of this database.", header.page_buffers)
    g("firebird_forced_writes", "1 if forced (synchronous) writes are on.", header.forced_writes)
    g("firebird_read_only", "1 if the database is read-only.", header.read_only)
    g(
        "firebird_sweep_interval",
        "Automatic sweep threshold in transactions (0 = automatic sweep off).",
        header.sweep_interval,
    )
    g(
        "firebird_next_transaction",
        "Id of the next transaction (header).",
        header.next_transaction,
    )
    g(
        "firebird_oldest_transaction",
        "Oldest interesting transaction (OIT, header).",
        header.oldest_transaction,
    )
    g(
        "firebird_oldest_active_transaction",
        "Oldest active transaction (OAT, header).",
        header.oldest_active,
    )
    g(
        "firebird_oldest_snapshot_transaction",
        "Oldest snapshot transaction (OST, header).",
        header.oldest_snapshot,
    )
    g(
        "firebird_transaction_id_limit",
        "Largest transaction id this ODS can use (2^31-1 before ODS 12, 2^48-1 after).",
        header.transaction_id_limit,
    )
    g("firebird_memory_used_bytes", "Memory the server uses for this database.", header.memory_used)
    g(
        "firebird_memory_max_used_bytes",
        "Most memory the server used for this database since it was opened.",
        header.memory_max_used,
    )


def emit_activity(sink: MetricSink, activity: Activity, age_seconds: float) -> None:
    sink.state_set(
        "firebird_shutdown_mode",
        "Shutdown mode of the database (MON$DATABASE), one series per mode.",
        "mode",
        mon.SHUTDOWN_MODES,
        activity.shutdown_mode,
    )
    sink.state_set(
        "firebird_backup_state",
        "nbackup state of the database (MON$DATABASE), one series per state.",
        "state",
        mon.BACKUP_STATES,
        activity.backup_state,
    )
    for op, value in activity.pages.items():
        sink.counter(
            "firebird_pages_total",
            "Page reads, writes, fetches and marks of the database since it was opened.",
            value,
            {"operation": op},
        )
    for op, value in activity.records.items():
        sink.counter(
            "firebird_records_total",
            "Record-level operations of the database since it was opened.",
            value,
            {"operation": op},
        )
    sink.gauge(
        "firebird_oldest_active_transaction_age_seconds",
        "Age of the oldest open transaction that holds back garbage collection (0 if none;"
        " read-only read-committed ones and the exporter's own are not counted).",
        activity.oldest_active_age_seconds,
    )
    sink.gauge(
        "firebird_open_transactions",
        "Open transactions that hold back garbage collection (not the exporter's own).",
        activity.open_transactions,
    )
    for state, count in activity.attachments.items():
        sink.gauge(
            "firebird_attachments",
            "Attachments (connections) by state, without system ones and the exporter's own.",
            count,
            {"state": state},
        )
    for state, count in activity.statements.items():
        sink.gauge(
            "firebird_statements",
            "Prepared statements by state, without the exporter's own.",
            count,
            {"state": state},
        )
    sink.gauge(
        "firebird_monitoring_age_seconds",
        "Age of the MON$ snapshot these figures come from (reused for"
        " monitoring_min_interval to spare the server).",
        age_seconds,
    )


def emit_timings(
    sink: MetricSink, connect_seconds: float | None, query_seconds: float, connects: int
) -> None:
    sink.gauge(
        "firebird_connect_duration_seconds",
        "Duration of the last connect to the database (the connection is reused).",
        connect_seconds,
    )
    sink.gauge(
        "firebird_query_duration_seconds",
        "Duration of a trivial probe query in this scrape.",
        query_seconds,
    )
    sink.counter(
        "firebird_connects_total",
        "Connects the exporter made (1 plus one per broken connection rebuilt).",
        connects,
    )
