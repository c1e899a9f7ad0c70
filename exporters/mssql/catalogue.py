"""Every metric of the SQL Server exporter, declared once (see `exporters.core.catalogue`).

Each help text names where the value comes from (catalog view, DMV or the config), so the
exposition documents itself.
"""

from __future__ import annotations

from exporters.core.catalogue import Catalogue, counter, gauge, info, state_set

DATABASE_STATES = ("ONLINE", "RESTORING", "RECOVERING", "RECOVERY_PENDING", "SUSPECT",
                   "EMERGENCY", "OFFLINE")  # fmt: skip
"""sys.databases.state_desc."""
RECOVERY_MODELS = ("FULL", "BULK_LOGGED", "SIMPLE")
JOB_OUTCOMES = ("failed", "succeeded", "retry", "canceled", "in_progress")
"""sysjobhistory.run_status 0-4."""

QUERY_DURATION = gauge(
    "mssql_query_duration_seconds",
    "Time the query group took in this scrape.",
    "query",
    unit="seconds",
)
QUERY_ERRORS = counter(
    "mssql_query_errors_total",
    "Failed runs of a query group (permissions, edition); the log says why.",
    "query",
)
INFO = info(
    "mssql_info",
    "SQL Server version (full build number), product level, edition and engine edition "
    "(SERVERPROPERTY).",
    "version",
    "product_level",
    "edition",
    "engine_edition",
    "instance_name",
)
START_TIME = gauge(
    "mssql_start_time_seconds",
    "Start time of the SQL Server instance (Unix seconds; sys.dm_os_sys_info tick counters, "
    "independent of the server's time zone).",
    unit="seconds",
)
DATABASE_STATE = state_set(
    "mssql_database_state",
    "Database state from sys.databases (1 for the current state).",
    "state",
    DATABASE_STATES,
    "database",
)
COMPATIBILITY_LEVEL = gauge(
    "mssql_database_compatibility_level",
    "Compatibility level of the database (e.g. 150 = SQL Server 2019; sys.databases).",
    "database",
)
EXPECTED_COMPATIBILITY_LEVEL = gauge(
    "mssql_database_expected_compatibility_level",
    "Compatibility level the PVS vendor requires (from the exporter's config).",
    "database",
)
RECOVERY_MODEL = state_set(
    "mssql_database_recovery_model",
    "Recovery model of the database (1 for the current model; sys.databases).",
    "model",
    RECOVERY_MODELS,
    "database",
)
DATA_SIZE = gauge(
    "mssql_database_data_size_bytes",
    "Size of the database's data files (sys.master_files, ROWS).",
    "database",
    unit="bytes",
)
LOG_SIZE = gauge(
    "mssql_database_log_size_bytes",
    "Size of the database's log files (sys.master_files, LOG).",
    "database",
    unit="bytes",
)
EXPRESS_LIMIT = gauge(
    "mssql_database_express_limit_ratio",
    "Data file size as a ratio of the 10 GB per-database limit of Express (Express only).",
    "database",
    unit="ratio",
)
LOG_USED = gauge(
    "mssql_database_log_used_ratio",
    "Used part of the database's transaction log (0-1; Databases counters Log File(s) Used "
    "Size / Log File(s) Size).",
    "database",
    unit="ratio",
)
LAST_BACKUP = gauge(
    "mssql_database_last_backup_timestamp_seconds",
    "End of the last backup that is not copy-only, by type full/differential/log (Unix "
    "seconds; msdb.dbo.backupset, converted to UTC with its time_zone).",
    "database",
    "type",
    unit="seconds",
)
LAST_FULL_BACKUP_SIZE = gauge(
    "mssql_database_last_full_backup_size_bytes",
    "Size of the last full backup (uncompressed; backupset.backup_size).",
    "database",
    unit="bytes",
)
FULL_BACKUP_MAX_AGE = gauge(
    "mssql_backup_full_max_age_seconds",
    "Configured age after which the last full backup is too old (full_backup_max_age, for "
    "the alert).",
    unit="seconds",
)
JOB_ENABLED = gauge(
    "mssql_agent_job_enabled", "1 if the SQL Agent job is enabled (msdb.dbo.sysjobs).", "job_name"
)
JOB_OUTCOME = state_set(
    "mssql_agent_job_last_run_outcome",
    "Outcome of the job's last run (msdb.dbo.sysjobhistory step 0; all 0 if it never ran).",
    "outcome",
    JOB_OUTCOMES,
    "job_name",
)
JOB_LAST_RUN = gauge(
    "mssql_agent_job_last_run_timestamp_seconds",
    "Start of the job's last run (Unix seconds).",
    "job_name",
    unit="seconds",
)
JOB_DURATION = gauge(
    "mssql_agent_job_last_run_duration_seconds",
    "Duration of the job's last run.",
    "job_name",
    unit="seconds",
)
BATCH_REQUESTS = counter(
    "mssql_batch_requests_total", "T-SQL batches received (SQL Statistics: Batch Requests/sec)."
)
DEADLOCKS = counter(
    "mssql_deadlocks_total",
    "Lock requests that ended in a deadlock (Locks: Number of Deadlocks/sec, _Total).",
)
USER_CONNECTIONS = gauge(
    "mssql_user_connections", "Connected users (General Statistics: User Connections)."
)
BLOCKED_PROCESSES = gauge(
    "mssql_blocked_processes",
    "Processes currently blocked (General Statistics: Processes blocked).",
)
PAGE_LIFE_EXPECTANCY = gauge(
    "mssql_page_life_expectancy_seconds",
    "Seconds a page stays in the buffer pool (Buffer Manager: Page life expectancy).",
    unit="seconds",
)
MEMORY_GRANTS_PENDING = gauge(
    "mssql_memory_grants_pending",
    "Processes waiting for a workspace memory grant (Memory Manager: Memory Grants Pending).",
)
BUFFER_CACHE_HIT = gauge(
    "mssql_buffer_cache_hit_ratio",
    "Pages found in the buffer pool without a disk read (counter / its base).",
    unit="ratio",
)
WAIT_TIME = counter(
    "mssql_wait_time_seconds_total",
    "Time spent waiting, by wait type (sys.dm_os_wait_stats: top types by total wait time, "
    "idle waits excluded).",
    "wait_type",
    unit="seconds",
)
WAITING_TASKS = counter(
    "mssql_waiting_tasks_total",
    "Waits that ended, by wait type (top types by total wait time).",
    "wait_type",
)
_FILE = ("database", "file", "type")
IO_READS = counter("mssql_io_reads_total", "Reads from the file (sys.dm_io_virtual_file_stats).",
                   *_FILE)  # fmt: skip
IO_READ_BYTES = counter(
    "mssql_io_read_bytes_total", "Bytes read from the file.", *_FILE, unit="bytes"
)
IO_STALL_READ = counter(
    "mssql_io_stall_read_seconds_total", "Time spent waiting for reads.", *_FILE, unit="seconds"
)
IO_WRITES = counter("mssql_io_writes_total", "Writes to the file.", *_FILE)
IO_WRITTEN_BYTES = counter(
    "mssql_io_written_bytes_total", "Bytes written to the file.", *_FILE, unit="bytes"
)
IO_STALL_WRITE = counter(
    "mssql_io_stall_write_seconds_total", "Time spent waiting for writes.", *_FILE, unit="seconds"
)

CATALOGUE = Catalogue(
    "mssql",
    [
        QUERY_DURATION,
        QUERY_ERRORS,
        INFO,
        START_TIME,
        DATABASE_STATE,
        COMPATIBILITY_LEVEL,
        EXPECTED_COMPATIBILITY_LEVEL,
        RECOVERY_MODEL,
        DATA_SIZE,
        LOG_SIZE,
        EXPRESS_LIMIT,
        LOG_USED,
        LAST_BACKUP,
        LAST_FULL_BACKUP_SIZE,
        FULL_BACKUP_MAX_AGE,
        JOB_ENABLED,
        JOB_OUTCOME,
        JOB_LAST_RUN,
        JOB_DURATION,
        BATCH_REQUESTS,
        DEADLOCKS,
        USER_CONNECTIONS,
        BLOCKED_PROCESSES,
        PAGE_LIFE_EXPECTANCY,
        MEMORY_GRANTS_PENDING,
        BUFFER_CACHE_HIT,
        WAIT_TIME,
        WAITING_TASKS,
        IO_READS,
        IO_READ_BYTES,
        IO_STALL_READ,
        IO_WRITES,
        IO_WRITTEN_BYTES,
        IO_STALL_WRITE,
    ],
)
