"""The T-SQL statements, one per query group, using only documented catalog/DMV columns.

Every statement reads metadata and counters, never table contents of a user database. Each
group runs on its own so that a missing permission or an edition without SQL Agent costs
only that group's series (`mssql_query_errors_total{query}` counts the failures).
"""

from __future__ import annotations

from dataclasses import dataclass

# Waits that are idle or background by design; they would drown the ones that matter.
BENIGN_WAITS = (
    "BROKER_EVENTHANDLER", "BROKER_RECEIVE_WAITFOR", "BROKER_TASK_STOP", "BROKER_TO_FLUSH",
    "BROKER_TRANSMITTER", "CHECKPOINT_QUEUE", "CLR_AUTO_EVENT", "CLR_MANUAL_EVENT",
    "CLR_SEMAPHORE", "DIRTY_PAGE_POLL", "DISPATCHER_QUEUE_SEMAPHORE", "FT_IFTS_SCHEDULER_IDLE_WAIT",
    "FT_IFTSHC_MUTEX", "HADR_FILESTREAM_IOMGR_IOCOMPLETION", "HADR_WORK_QUEUE",
    "LAZYWRITER_SLEEP", "LOGMGR_QUEUE", "ONDEMAND_TASK_QUEUE", "PWAIT_ALL_COMPONENTS_INITIALIZED",
    "QDS_ASYNC_QUEUE", "QDS_CLEANUP_STALE_QUERIES_TASK_MAIN_LOOP_SLEEP",
    "QDS_PERSIST_TASK_MAIN_LOOP_SLEEP", "REQUEST_FOR_DEADLOCK_SEARCH", "RESOURCE_QUEUE",
    "SERVER_IDLE_CHECK", "SLEEP_BPOOL_FLUSH", "SLEEP_DBSTARTUP", "SLEEP_DCOMSTARTUP",
    "SLEEP_MASTERDBREADY", "SLEEP_MASTERMDREADY", "SLEEP_MASTERUPGRADED", "SLEEP_MSDBSTARTUP",
    "SLEEP_SYSTEMTASK", "SLEEP_TASK", "SLEEP_TEMPDBSTARTUP", "SNI_HTTP_ACCEPT",
    "SP_SERVER_DIAGNOSTICS_SLEEP", "SQLTRACE_BUFFER_FLUSH", "SQLTRACE_INCREMENTAL_FLUSH_SLEEP",
    "SQLTRACE_WAIT_ENTRIES", "WAIT_FOR_RESULTS", "WAITFOR", "WAITFOR_TASKSHUTDOWN",
    "WAIT_XTP_CKPT_CLOSE", "WAIT_XTP_HOST_WAIT", "WAIT_XTP_OFFLINE_CKPT_NEW_LOG",
    "XE_DISPATCHER_JOIN", "XE_DISPATCHER_WAIT", "XE_TIMER_EVENT",
)  # fmt: skip

# Counters read from sys.dm_os_performance_counters (object names lose their
# `SQLServer:` / `MSSQL$INSTANCE:` prefix in perf.py).
PERF_COUNTERS = (
    "Batch Requests/sec",
    "Number of Deadlocks/sec",
    "User Connections",
    "Processes blocked",
    "Page life expectancy",
    "Buffer cache hit ratio",
    "Buffer cache hit ratio base",
    "Memory Grants Pending",
    "Log File(s) Size (KB)",
    "Log File(s) Used Size (KB)",
)


@dataclass(frozen=True)
class Query:
    """A named statement; `needs_agent` groups are skipped on Express (no SQL Agent)."""

    name: str
    sql: str
    needs_agent: bool = False


def _in_list(values: tuple[str, ...]) -> str:
    return ", ".join("N'" + v.replace("'", "''") + "'" for v in values)


SERVER = Query(
    "server",
    """SELECT
  CAST(SERVERPROPERTY('ProductVersion') AS nvarchar(128)) AS product_version,
  CAST(SERVERPROPERTY('ProductLevel') AS nvarchar(128)) AS product_level,
  CAST(SERVERPROPERTY('Edition') AS nvarchar(128)) AS edition,
  CAST(SERVERPROPERTY('EngineEdition') AS int) AS engine_edition,
  CAST(SERVERPROPERTY('InstanceName') AS nvarchar(128)) AS instance_name""",
)

START_TIME = Query(
    "start_time",
    """SELECT i.ms_ticks, i.sqlserver_start_time_ms_ticks, GETUTCDATE() AS utc_now
FROM sys.dm_os_sys_info AS i""",
)

DATABASES = Query(
    "databases",
    """SELECT d.name, d.state_desc, d.compatibility_level, d.recovery_model_desc
FROM sys.databases AS d""",
)

FILES = Query(
    "files",
    """SELECT DB_NAME(mf.database_id) AS database_name, mf.type_desc, mf.size
FROM sys.master_files AS mf""",
)

BACKUPS = Query(
    "backups",
    """SELECT b.database_name, b.type, b.backup_finish_date, b.time_zone, b.backup_size,
  DATEDIFF(minute, GETUTCDATE(), GETDATE()) AS utc_offset_minutes
FROM (
  SELECT bs.database_name, bs.type, bs.backup_finish_date, bs.time_zone, bs.backup_size,
    ROW_NUMBER() OVER (
      PARTITION BY bs.database_name, bs.type ORDER BY bs.backup_finish_date DESC
    ) AS rn
  FROM msdb.dbo.backupset AS bs
  WHERE bs.is_copy_only = 0 AND bs.type IN ('D', 'I', 'L')
    AND bs.backup_finish_date IS NOT NULL
) AS b
WHERE b.rn = 1""",
)

AGENT_JOBS = Query(
    "agent_jobs",
    """SELECT j.name AS job_name, j.enabled, h.run_status, h.run_date, h.run_time,
  h.run_duration, DATEDIFF(minute, GETUTCDATE(), GETDATE()) AS utc_offset_minutes
FROM msdb.dbo.sysjobs AS j
OUTER APPLY (
  SELECT TOP (1) jh.run_status, jh.run_date, jh.run_time, jh.run_duration
  FROM msdb.dbo.sysjobhistory AS jh
  WHERE jh.job_id = j.job_id AND jh.step_id = 0
  ORDER BY jh.instance_id DESC
) AS h""",
    needs_agent=True,
)

PERF = Query(
    "perf_counters",
    # built only from the constants above, no outside input
    f"""SELECT RTRIM(pc.object_name) AS object_name, RTRIM(pc.counter_name) AS counter_name,
  RTRIM(pc.instance_name) AS instance_name, pc.cntr_value, pc.cntr_type
FROM sys.dm_os_performance_counters AS pc
WHERE pc.counter_name IN ({_in_list(PERF_COUNTERS)})""",  # noqa: S608
)

IO = Query(
    "io_stalls",
    """SELECT DB_NAME(s.database_id) AS database_name, mf.name AS file_name, mf.type_desc,
  s.num_of_reads, s.num_of_bytes_read, s.io_stall_read_ms,
  s.num_of_writes, s.num_of_bytes_written, s.io_stall_write_ms
FROM sys.dm_io_virtual_file_stats(NULL, NULL) AS s
JOIN sys.master_files AS mf ON mf.database_id = s.database_id AND mf.file_id = s.file_id""",
)


def waits(top: int) -> Query:
    """Top `top` wait types by total wait time (`top` is a validated int from the config)."""
    return Query(
        "waits",
        f"""SELECT TOP ({int(top)}) ws.wait_type, ws.waiting_tasks_count, ws.wait_time_ms
FROM sys.dm_os_wait_stats AS ws
WHERE ws.wait_time_ms > 0 AND ws.wait_type NOT IN ({_in_list(BENIGN_WAITS)})
ORDER BY ws.wait_time_ms DESC""",  # noqa: S608 (int and constants only)
    )


def all_queries(wait_types_top: int = 20) -> list[Query]:
    """Every group in the order the collector runs them (server first: others need it)."""
    return [SERVER, START_TIME, DATABASES, FILES, PERF, BACKUPS, AGENT_JOBS,
            waits(wait_types_top), IO]  # fmt: skip
