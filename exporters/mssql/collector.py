"""Runs every query group for one target; one failing group never blanks the others."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from exporters.core import Deadline, MetricSink
from exporters.core.logsetup import fields
from exporters.mssql import agent, backups, databases, perf, series, server, waits
from exporters.mssql.config import MssqlConfig, MssqlTarget
from exporters.mssql.queries import Query, all_queries
from exporters.mssql.session import Session, is_fatal
from exporters.mssql.values import Rows

log = logging.getLogger("exporters.mssql")

Runner = Callable[[Query], Rows]


class QueryErrors:
    """Failures per (target, query) since the exporter started: a counter per group."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counts: dict[tuple[str, str], int] = {}

    def add(self, target: str, query: str) -> None:
        with self._lock:
            self._counts[(target, query)] = self._counts.get((target, query), 0) + 1

    def get(self, target: str, query: str) -> int:
        with self._lock:
            return self._counts.get((target, query), 0)


def collect(
    name: str,
    target: MssqlTarget,
    run: Runner,
    sink: MetricSink,
    errors: QueryErrors,
    fatal: Callable[[BaseException], bool],
) -> None:
    """Run all groups through `run` and turn their rows into metrics.

    A fatal error (connection lost, deadline) propagates so the target is reported down.
    """
    engine: int | None = None
    for query in all_queries(target.wait_types_top):
        rows: Rows | None = None
        duration: float | None = None
        if not (query.needs_agent and engine == server.EXPRESS):
            started = time.monotonic()
            try:
                rows = run(query)
            except Exception as exc:
                if fatal(exc):
                    raise
                errors.add(name, query.name)
                log.warning(
                    "query group failed",
                    extra=fields(target=name, query=query.name, err=f"{type(exc).__name__}: {exc}"),
                )
            duration = time.monotonic() - started
        series.query(sink, query.name, duration, errors.get(name, query.name))
        if rows is not None:
            engine = _interpret(query, rows, target, engine, sink)


class MssqlCollector:
    """The exporter's TargetCollector: connects per scrape, runs the groups, disconnects."""

    def __init__(self, config: MssqlConfig) -> None:
        self.config = config
        self.errors = QueryErrors()

    def collect_target(
        self, name: str, target: MssqlTarget, deadline: Deadline, sink: MetricSink
    ) -> None:
        with Session.open(target, deadline) as session:
            collect(
                name,
                target,
                lambda query: session.rows(query.sql, deadline),
                sink,
                self.errors,
                is_fatal,
            )

    def close(self) -> None:
        pass


def _interpret(
    query: Query, rows: Rows, target: MssqlTarget, engine: int | None, sink: MetricSink
) -> int | None:
    """Rows -> the group's reader -> `series`; returns the engine edition."""
    match query.name:
        case "server":
            info = server.server_info(rows)
            if info is None:
                return None
            series.server_info(sink, info)
            return info.engine_edition
        case "start_time":
            series.start_time(sink, server.start_time(rows))
        case "databases":
            series.databases(sink, databases.databases(rows, target))
        case "files":
            sizes = databases.file_sizes(rows, target)
            series.file_sizes(sink, sizes, engine == server.EXPRESS)
        case "perf_counters":
            series.perf(sink, perf.perf_counters(rows, target))
        case "backups":
            found = backups.backups(rows, target)
            series.backups(sink, found, target.full_backup_max_age)
        case "agent_jobs":
            series.agent_jobs(sink, agent.agent_jobs(rows))
        case "waits":
            series.waits(sink, waits.waits(rows))
        case "io_stalls":
            series.file_io(sink, waits.io_stalls(rows, target))
    return engine
