"""Documented column types of the catalog views, DMVs and msdb tables the exporter reads.

Transcribed from the Microsoft Learn reference pages named in `SOURCES`; the tests check
every column the exporter's statements reference against this table, and every canned
result set against the types derived from it.
"""

from __future__ import annotations

LEARN = "https://learn.microsoft.com/en-us/sql/relational-databases/"

SOURCES = {
    "sys.dm_os_sys_info": LEARN + "system-dynamic-management-views/sys-dm-os-sys-info-transact-sql",
    "sys.databases": LEARN + "system-catalog-views/sys-databases-transact-sql",
    "sys.master_files": LEARN + "system-catalog-views/sys-master-files-transact-sql",
    "msdb.dbo.backupset": LEARN + "system-tables/backupset-transact-sql",
    "msdb.dbo.sysjobs": LEARN + "system-tables/dbo-sysjobs-transact-sql",
    "msdb.dbo.sysjobhistory": LEARN + "system-tables/dbo-sysjobhistory-transact-sql",
    "sys.dm_os_performance_counters": LEARN
    + "system-dynamic-management-views/sys-dm-os-performance-counters-transact-sql",
    "sys.dm_os_wait_stats": LEARN
    + "system-dynamic-management-views/sys-dm-os-wait-stats-transact-sql",
    "sys.dm_io_virtual_file_stats": LEARN
    + "system-dynamic-management-views/sys-dm-io-virtual-file-stats-transact-sql",
}

COLUMNS: dict[str, dict[str, str]] = {
    "sys.dm_os_sys_info": {
        "ms_ticks": "bigint",
        "sqlserver_start_time_ms_ticks": "bigint",
        "sqlserver_start_time": "datetime",
    },
    "sys.databases": {
        "name": "sysname",
        "database_id": "int",
        "state_desc": "nvarchar(60)",
        "compatibility_level": "tinyint",
        "recovery_model_desc": "nvarchar(60)",
    },
    "sys.master_files": {
        "database_id": "int",
        "file_id": "int",
        "type_desc": "nvarchar(60)",
        "name": "sysname",
        "size": "int",
    },
    "msdb.dbo.backupset": {
        "database_name": "nvarchar(128)",
        "type": "char(1)",
        "backup_finish_date": "datetime",
        "time_zone": "smallint",
        "backup_size": "numeric(20,0)",
        "is_copy_only": "bit",
    },
    "msdb.dbo.sysjobs": {
        "job_id": "uniqueidentifier",
        "name": "sysname",
        "enabled": "tinyint",
    },
    "msdb.dbo.sysjobhistory": {
        "instance_id": "int",
        "job_id": "uniqueidentifier",
        "step_id": "int",
        "run_status": "int",
        "run_date": "int",
        "run_time": "int",
        "run_duration": "int",
    },
    "sys.dm_os_performance_counters": {
        "object_name": "nchar(128)",
        "counter_name": "nchar(128)",
        "instance_name": "nchar(128)",
        "cntr_value": "bigint",
        "cntr_type": "int",
    },
    "sys.dm_os_wait_stats": {
        "wait_type": "nvarchar(60)",
        "waiting_tasks_count": "bigint",
        "wait_time_ms": "bigint",
    },
    "sys.dm_io_virtual_file_stats": {
        "database_id": "smallint",
        "file_id": "smallint",
        "num_of_reads": "bigint",
        "num_of_bytes_read": "bigint",
        "io_stall_read_ms": "bigint",
        "num_of_writes": "bigint",
        "num_of_bytes_written": "bigint",
        "io_stall_write_ms": "bigint",
    },
}

# Result types of the built-in functions the statements use (per their reference pages).
FUNCTIONS = {
    "DATEDIFF": "int",
    "GETUTCDATE": "datetime",
    "GETDATE": "datetime",
    "DB_NAME": "nvarchar(128)",
    "ROW_NUMBER": "bigint",
}


def normalize(sql_type: str) -> str:
    """`sysname` is nvarchar(128); RTRIM of nchar(n) returns nvarchar(n)."""
    t = sql_type.lower().replace(" ", "")
    if t == "sysname":
        return "nvarchar(128)"
    if t == "integer":  # how sqlglot spells int
        return "int"
    return t
