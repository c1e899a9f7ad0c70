"""Every `firebird_*` metric, declared once; `series.py` writes only these."""

from __future__ import annotations

from exporters.core.catalogue import Catalogue, counter, gauge, info, state_set
from exporters.firebird import monitoring as mon

INFO = info(
    "firebird_info",
    "Server version, on-disk structure (ODS) and the database path or alias (value 1).",
    "version",
    "server_version",
    "ods",
    "database",
)
DRIVER_INFO = info(
    "firebird_driver_info",
    "Python driver the exporter uses for this target (firebird-driver for Firebird 3-5, fdb"
    " for 2.5), its version and the libfbclient version it loaded (value 1).",
    "driver",
    "driver_version",
    "client_version",
)
SEES_ALL = gauge(
    "firebird_monitoring_sees_all_attachments",
    "1 if the exporter's user sees every attachment in MON$ (SYSDBA, owner or RDB$ADMIN);"
    " 0 means attachment, statement and transaction figures cover only its own.",
)

SIZE = gauge("firebird_database_size_bytes", "Allocated pages times page size.", unit="bytes")
PAGES = gauge("firebird_database_pages", "Pages allocated in the database files.")
PAGE_SIZE = gauge("firebird_page_size_bytes", "Database page size.", unit="bytes")
PAGE_BUFFERS = gauge("firebird_page_buffers", "Pages in the page cache of this database.")
FORCED_WRITES = gauge("firebird_forced_writes", "1 if forced (synchronous) writes are on.")
READ_ONLY = gauge("firebird_read_only", "1 if the database is read-only.")
SWEEP_INTERVAL = gauge(
    "firebird_sweep_interval",
    "Automatic sweep threshold in transactions (0 = automatic sweep off).",
)
SWEEP_BACKLOG = gauge(
    "firebird_sweep_backlog_transactions",
    "Oldest snapshot minus oldest interesting transaction (OST - OIT, header): the gap an"
    " automatic sweep starts at once it exceeds the sweep interval.",
)
NEXT_TX = gauge("firebird_next_transaction", "Id of the next transaction (header).")
OLDEST_TX = gauge("firebird_oldest_transaction", "Oldest interesting transaction (OIT, header).")
OLDEST_ACTIVE = gauge(
    "firebird_oldest_active_transaction", "Oldest active transaction (OAT, header)."
)
OLDEST_SNAPSHOT = gauge(
    "firebird_oldest_snapshot_transaction", "Oldest snapshot transaction (OST, header)."
)
TX_LIMIT = gauge(
    "firebird_transaction_id_limit",
    "Largest transaction id this ODS can use (2^31-1 before ODS 12, 2^48-1 after).",
)
MEMORY = gauge(
    "firebird_memory_used_bytes", "Memory the server uses for this database.", unit="bytes"
)
MEMORY_MAX = gauge(
    "firebird_memory_max_used_bytes",
    "Most memory the server used for this database since it was opened.",
    unit="bytes",
)

SHUTDOWN_MODE = state_set(
    "firebird_shutdown_mode",
    "Shutdown mode of the database (MON$DATABASE), one series per mode.",
    "mode",
    mon.SHUTDOWN_MODES,
)
BACKUP_STATE = state_set(
    "firebird_backup_state",
    "nbackup state of the database (MON$DATABASE), one series per state.",
    "state",
    mon.BACKUP_STATES,
)
PAGES_TOTAL = counter(
    "firebird_pages_total",
    "Page reads, writes, fetches and marks of the database since it was opened.",
    "operation",
)
RECORDS_TOTAL = counter(
    "firebird_records_total",
    "Record-level operations of the database since it was opened.",
    "operation",
)
OLDEST_ACTIVE_AGE = gauge(
    "firebird_oldest_active_transaction_age_seconds",
    "Age of the oldest open transaction that holds back garbage collection (0 if none;"
    " read-only read-committed ones and the exporter's own are not counted).",
    unit="seconds",
)
OPEN_TX = gauge(
    "firebird_open_transactions",
    "Open transactions that hold back garbage collection (not the exporter's own).",
)
ATTACHMENTS = gauge(
    "firebird_attachments",
    "Attachments (connections) by state, without system ones and the exporter's own.",
    "state",
)
STATEMENTS = gauge(
    "firebird_statements",
    "Prepared statements by state, without the exporter's own.",
    "state",
)
MONITORING_AGE = gauge(
    "firebird_monitoring_age_seconds",
    "Age of the MON$ snapshot these figures come from (reused for"
    " monitoring_min_interval to spare the server).",
    unit="seconds",
)

CONNECT_DURATION = gauge(
    "firebird_connect_duration_seconds",
    "Duration of the last connect to the database (the connection is reused).",
    unit="seconds",
)
QUERY_DURATION = gauge(
    "firebird_query_duration_seconds",
    "Duration of a trivial probe query in this scrape.",
    unit="seconds",
)
CONNECTS = counter(
    "firebird_connects_total",
    "Connects the exporter made (1 plus one per broken connection rebuilt).",
)

LOG_READABLE = gauge(
    "firebird_log_file_readable", "1 if the configured firebird.log could be read."
)
LOG_ERRORS = counter(
    "firebird_log_errors_total",
    "Entries in firebird.log by error class (corruption, io, lock), counted from"
    " the start of the file the exporter first saw.",
    "class",
)

CATALOGUE = Catalogue(
    "firebird",
    [
        INFO,
        DRIVER_INFO,
        SEES_ALL,
        SIZE,
        PAGES,
        PAGE_SIZE,
        PAGE_BUFFERS,
        FORCED_WRITES,
        READ_ONLY,
        SWEEP_INTERVAL,
        SWEEP_BACKLOG,
        NEXT_TX,
        OLDEST_TX,
        OLDEST_ACTIVE,
        OLDEST_SNAPSHOT,
        TX_LIMIT,
        MEMORY,
        MEMORY_MAX,
        SHUTDOWN_MODE,
        BACKUP_STATE,
        PAGES_TOTAL,
        RECORDS_TOTAL,
        OLDEST_ACTIVE_AGE,
        OPEN_TX,
        ATTACHMENTS,
        STATEMENTS,
        MONITORING_AGE,
        CONNECT_DURATION,
        QUERY_DURATION,
        CONNECTS,
        LOG_READABLE,
        LOG_ERRORS,
    ],
)
