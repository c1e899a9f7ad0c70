"""Pure: what the query groups returned (read by their modules) -> metric samples.

The one writing layer of the SQL Server exporter: every sample goes through a declaration
of `catalogue`, so names, types and label sets are the same for every target.
"""

from __future__ import annotations

from collections.abc import Sequence

from exporters.core import MetricSink
from exporters.mssql import catalogue as m
from exporters.mssql.agent import AgentJob
from exporters.mssql.backups import Backup
from exporters.mssql.databases import EXPRESS_DATA_LIMIT_BYTES, Database, FileSizes
from exporters.mssql.perf import PerfReadings
from exporters.mssql.server import ServerInfo
from exporters.mssql.waits import FileIo, Wait


def query(sink: MetricSink, name: str, duration: float | None, errors: int) -> None:
    """Per query group: its duration in this scrape (None if skipped) and failures so far."""
    labels = {"query": name}
    sink.put(m.QUERY_DURATION, duration, labels)
    sink.put(m.QUERY_ERRORS, errors, labels)


def server_info(sink: MetricSink, info: ServerInfo) -> None:
    edition = info.engine_edition
    sink.put_info(
        m.INFO,
        {
            "version": info.version,
            "product_level": info.product_level,
            "edition": info.edition,
            "engine_edition": str(edition) if edition is not None else "",
            "instance_name": info.instance_name,
        },
    )


def start_time(sink: MetricSink, started: float | None) -> None:
    sink.put(m.START_TIME, started)


def databases(sink: MetricSink, found: Sequence[Database]) -> None:
    for db in found:
        labels = {"database": db.name}
        sink.put_state(m.DATABASE_STATE, db.state, labels)
        sink.put(m.COMPATIBILITY_LEVEL, db.compatibility_level, labels)
        sink.put(m.EXPECTED_COMPATIBILITY_LEVEL, db.expected_level, labels)
        sink.put_state(m.RECOVERY_MODEL, db.recovery_model, labels)


def file_sizes(sink: MetricSink, found: Sequence[FileSizes], express: bool) -> None:
    """Data and log size per database; on Express also data size / the 10 GB limit."""
    for sizes in found:
        labels = {"database": sizes.database}
        sink.put(m.DATA_SIZE, sizes.data_bytes, labels)
        sink.put(m.LOG_SIZE, sizes.log_bytes, labels)
        if express:
            sink.put(m.EXPRESS_LIMIT, sizes.data_bytes / EXPRESS_DATA_LIMIT_BYTES, labels)


def perf(sink: MetricSink, readings: PerfReadings) -> None:
    for desc, value in readings.counters:
        sink.put(desc, value)
    sink.put(m.BUFFER_CACHE_HIT, readings.buffer_cache_hit_ratio)
    for database, ratio in readings.log_used_ratio.items():
        sink.put(m.LOG_USED, ratio, {"database": database})


def backups(sink: MetricSink, found: Sequence[Backup], full_max_age: float) -> None:
    sink.put(m.FULL_BACKUP_MAX_AGE, full_max_age)
    for backup in found:
        sink.put(m.LAST_BACKUP, backup.finished, {"database": backup.database, "type": backup.kind})
        if backup.kind == "full":
            sink.put(m.LAST_FULL_BACKUP_SIZE, backup.size, {"database": backup.database})


def agent_jobs(sink: MetricSink, jobs: Sequence[AgentJob]) -> None:
    for job in jobs:
        labels = {"job_name": job.name}
        sink.put(m.JOB_ENABLED, job.enabled, labels)
        sink.put_state(m.JOB_OUTCOME, job.outcome, labels)
        sink.put(m.JOB_LAST_RUN, job.last_run, labels)
        sink.put(m.JOB_DURATION, job.duration, labels)


def waits(sink: MetricSink, found: Sequence[Wait]) -> None:
    for wait in found:
        labels = {"wait_type": wait.wait_type}
        sink.put(m.WAIT_TIME, wait.seconds, labels)
        sink.put(m.WAITING_TASKS, wait.tasks, labels)


def file_io(sink: MetricSink, files: Sequence[FileIo]) -> None:
    for f in files:
        labels = {"database": f.database, "file": f.file, "type": f.type}
        sink.put(m.IO_READS, f.reads, labels)
        sink.put(m.IO_READ_BYTES, f.read_bytes, labels)
        sink.put(m.IO_STALL_READ, f.read_stall_seconds, labels)
        sink.put(m.IO_WRITES, f.writes, labels)
        sink.put(m.IO_WRITTEN_BYTES, f.written_bytes, labels)
        sink.put(m.IO_STALL_WRITE, f.write_stall_seconds, labels)
