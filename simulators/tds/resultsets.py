"""Canned result sets in the documented shapes, per query group of the exporter.

Two practices: `standard` (default instance, Standard edition, SQL Agent, CGM M1 PRO
database) and `express` (named instance `PRAXIS`, Express edition: counters under
`MSSQL$PRAXIS:`, no Agent, a database near the 10 GB limit). Local server time is
UTC+1 (Europe/Berlin in winter) so that time-zone handling is exercised.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

Column = tuple[str, str]  # name, SQL type

COLUMNS: dict[str, list[Column]] = {
    "server": [("product_version", "nvarchar(128)"), ("product_level", "nvarchar(128)"),
               ("edition", "nvarchar(128)"), ("engine_edition", "int"),
               ("instance_name", "nvarchar(128)")],
    "start_time": [("ms_ticks", "bigint"), ("sqlserver_start_time_ms_ticks", "bigint"),
                   ("utc_now", "datetime")],
    "databases": [("name", "nvarchar(128)"), ("state_desc", "nvarchar(60)"),
                  ("compatibility_level", "tinyint"), ("recovery_model_desc", "nvarchar(60)")],
    "files": [("database_name", "nvarchar(128)"), ("type_desc", "nvarchar(60)"), ("size", "int")],
    "perf_counters": [("object_name", "nvarchar(128)"), ("counter_name", "nvarchar(128)"),
                      ("instance_name", "nvarchar(128)"), ("cntr_value", "bigint"),
                      ("cntr_type", "int")],
    "backups": [("database_name", "nvarchar(128)"), ("type", "char(1)"),
                ("backup_finish_date", "datetime"), ("time_zone", "smallint"),
                ("backup_size", "numeric(20,0)"), ("utc_offset_minutes", "int")],
    "agent_jobs": [("job_name", "nvarchar(128)"), ("enabled", "tinyint"), ("run_status", "int"),
                   ("run_date", "int"), ("run_time", "int"), ("run_duration", "int"),
                   ("utc_offset_minutes", "int")],
    "waits": [("wait_type", "nvarchar(60)"), ("waiting_tasks_count", "bigint"),
              ("wait_time_ms", "bigint")],
    "io_stalls": [("database_name", "nvarchar(128)"), ("file_name", "nvarchar(128)"),
                  ("type_desc", "nvarchar(60)"), ("num_of_reads", "bigint"),
                  ("num_of_bytes_read", "bigint"), ("io_stall_read_ms", "bigint"),
                  ("num_of_writes", "bigint"), ("num_of_bytes_written", "bigint"),
                  ("io_stall_write_ms", "bigint")],
}  # fmt: skip

BULK = 272696576  # PERF_COUNTER_BULK_COUNT ("/sec", cumulative)
RAW = 65792  # PERF_COUNTER_LARGE_RAWCOUNT
FRACTION = 537003264  # PERF_LARGE_RAW_FRACTION
BASE = 1073939712  # PERF_LARGE_RAW_BASE
UTC_OFFSET = 60  # minutes; backupset.time_zone counts 15-minute steps


@dataclass
class ResultSet:
    columns: list[Column]
    rows: list[tuple[Any, ...]] = field(default_factory=list)

    def dicts(self) -> list[dict[str, Any]]:
        """Rows as pyodbc-with-column-names would give them to the collector."""
        names = [c[0] for c in self.columns]
        return [dict(zip(names, row, strict=True)) for row in self.rows]


@dataclass(frozen=True)
class Database:
    name: str
    compatibility_level: int
    state: str = "ONLINE"
    recovery: str = "FULL"
    data_pages: int = 25_600  # 200 MB
    log_pages: int = 6_400
    log_used_ratio: float = 0.3
    full_backup_age_hours: float | None = 20.0


SCENARIOS: dict[str, dict[str, Any]] = {
    "standard": {
        "version": "15.0.4375.4", "level": "RTM", "edition": "Standard Edition (64-bit)",
        "engine": 2, "instance": None, "prefix": "SQLServer:",
        "databases": [Database("master", 150, recovery="SIMPLE"),
                      Database("tempdb", 150, recovery="SIMPLE", full_backup_age_hours=None),
                      Database("model", 150), Database("msdb", 150, recovery="SIMPLE"),
                      Database("M1PRO", 150, data_pages=655_360, log_used_ratio=0.42)],
    },
    "express": {
        "version": "16.0.4135.4", "level": "RTM", "edition": "Express Edition (64-bit)",
        "engine": 4, "instance": "PRAXIS", "prefix": "MSSQL$PRAXIS:",
        "databases": [Database("master", 160, recovery="SIMPLE"),
                      Database("tempdb", 160, recovery="SIMPLE", full_backup_age_hours=None),
                      Database("model", 160), Database("msdb", 160, recovery="SIMPLE"),
                      Database("PRAXIS", 130, data_pages=1_180_000, log_used_ratio=0.93,
                               full_backup_age_hours=50.0),
                      Database("ARCHIV", 130, state="RECOVERY_PENDING",
                               full_backup_age_hours=None)],
    },
}  # fmt: skip


def result_sets(
    scenario: str, now: datetime, compat: dict[str, int] | None = None
) -> dict[str, ResultSet]:
    """All groups' result sets for `scenario` at UTC time `now` (naive).

    `compat` overrides compatibility levels (a Windows update changed one)."""
    s = SCENARIOS[scenario]
    dbs: list[Database] = s["databases"]
    local = now + timedelta(minutes=UTC_OFFSET)
    level = {d.name: (compat or {}).get(d.name, d.compatibility_level) for d in dbs}
    out = {name: ResultSet(cols) for name, cols in COLUMNS.items()}
    out["server"].rows = [(s["version"], s["level"], s["edition"], s["engine"], s["instance"])]
    out["start_time"].rows = [(900_000_000, 900_000_000 - 3 * 86_400_000, now)]
    out["databases"].rows = [(d.name, d.state, level[d.name], d.recovery) for d in dbs]
    out["files"].rows = [
        r for d in dbs for r in ((d.name, "ROWS", d.data_pages), (d.name, "LOG", d.log_pages))
    ]
    p = s["prefix"]
    counters = [
        (p + "SQL Statistics", "Batch Requests/sec", "", 1_234_567, BULK),
        (p + "Locks", "Number of Deadlocks/sec", "_Total", 3, BULK),
        (p + "Locks", "Number of Deadlocks/sec", "Object", 3, BULK),
        (p + "General Statistics", "User Connections", "", 23, RAW),
        (p + "General Statistics", "Processes blocked", "", 0, RAW),
        (p + "Buffer Manager", "Page life expectancy", "", 4_120, RAW),
        (p + "Buffer Node", "Page life expectancy", "000", 4_120, RAW),
        (p + "Buffer Manager", "Buffer cache hit ratio", "", 1_980, FRACTION),
        (p + "Buffer Manager", "Buffer cache hit ratio base", "", 2_000, BASE),
        (p + "Memory Manager", "Memory Grants Pending", "", 0, RAW),
    ]
    for d in dbs:
        size_kb = d.log_pages * 8
        counters.append((p + "Databases", "Log File(s) Size (KB)", d.name, size_kb, RAW))
        counters.append((p + "Databases", "Log File(s) Used Size (KB)", d.name,
                         int(size_kb * d.log_used_ratio), RAW))  # fmt: skip
    counters.append((p + "Databases", "Log File(s) Size (KB)", "_Total", 1, RAW))
    out["perf_counters"].rows = counters
    for d in dbs:
        if d.full_backup_age_hours is None:
            continue
        full = local - timedelta(hours=d.full_backup_age_hours)
        size = Decimal(d.data_pages * 8192 // 2)
        out["backups"].rows.append((d.name, "D", full, UTC_OFFSET // 15, size, UTC_OFFSET))
        if d.recovery == "FULL":
            log_end = local - timedelta(minutes=25)
            out["backups"].rows.append(
                (d.name, "L", log_end, UTC_OFFSET // 15, Decimal(5_000_000), UTC_OFFSET)
            )
    if s["engine"] != 4:
        run = local - timedelta(hours=3)
        ymd, hms = int(run.strftime("%Y%m%d")), int(run.strftime("%H%M%S"))
        out["agent_jobs"].rows = [
            ("M1PRO Vollsicherung", 1, 1, ymd, hms, 1523, UTC_OFFSET),
            ("M1PRO Index-Wartung", 1, 0, ymd, hms, 12, UTC_OFFSET),
            ("syspolicy_purge_history", 1, 1, ymd, hms, 1, UTC_OFFSET),
            ("Alter Export (deaktiviert)", 0, None, None, None, None, UTC_OFFSET),
        ]
    out["waits"].rows = [
        ("PAGEIOLATCH_SH", 81_234, 912_345),
        ("WRITELOG", 55_000, 401_000),
        ("CXPACKET", 12_000, 300_500),
        ("LCK_M_X", 120, 45_000),
    ]
    out["io_stalls"].rows = [
        (d.name, f"{d.name}_{kind}", kind, 1000, 8_192_000, 2_500, 500, 4_096_000, 1_200)
        for d in dbs
        for kind in ("ROWS", "LOG")
    ]
    return out
