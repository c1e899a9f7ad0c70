"""Collects one Firebird database per target: thin I/O around the pure parsing modules.

Per scrape: database info (header, no MON$ needed), then one short read-only read-committed
transaction with a probe query and, unless the last snapshot is younger than
`monitoring_min_interval`, the aggregated MON$ queries. The transaction is committed before
the scrape returns; the connection is kept and rebuilt when anything fails. Every database
call after the connect is cancelled when the scrape deadline passes (`drivers.bounded`).
"""

from __future__ import annotations

import contextlib
import dataclasses
import logging
import threading
import time
from dataclasses import dataclass, field

from exporters.core import Deadline, MetricSink
from exporters.core.logsetup import fields
from exporters.firebird import fbroot, logscan, series
from exporters.firebird import header as hdr
from exporters.firebird import monitoring as mon
from exporters.firebird.config import FirebirdConfig, FirebirdTarget
from exporters.firebird.drivers import Query, Session, open_session

log = logging.getLogger("exporters.firebird")


@dataclass
class _TargetState:
    lock: threading.Lock = field(default_factory=threading.Lock)
    session: Session | None = None
    connect_seconds: float | None = None
    connects: int = 0
    activity: mon.Activity | None = None
    activity_at: float = 0.0
    limited_logged: bool = False


class FirebirdCollector:
    """Keeps one connection per target between scrapes (never a transaction)."""

    def __init__(self, config: FirebirdConfig) -> None:
        self.config = config
        fbroot.set_client_library(config.client_library)
        self.connect_timeout = fbroot.ensure_connect_timeout(config.connect_timeout)
        self._states: dict[str, _TargetState] = {}
        self._states_lock = threading.Lock()
        self._logs: dict[str, logscan.LogFollower] = {}

    def _state(self, name: str) -> _TargetState:
        with self._states_lock:
            return self._states.setdefault(name, _TargetState())

    def collect_target(
        self, name: str, target: FirebirdTarget, deadline: Deadline, sink: MetricSink
    ) -> None:
        state = self._state(name)
        if not state.lock.acquire(timeout=deadline.remaining()):
            raise TimeoutError("the previous scrape of this database is still running")
        try:
            self._collect(name, target, state, deadline, sink)
        except BaseException:
            self._drop(state)
            raise
        finally:
            state.lock.release()

    def _collect(
        self,
        name: str,
        target: FirebirdTarget,
        state: _TargetState,
        deadline: Deadline,
        sink: MetricSink,
    ) -> None:
        if state.session is None:
            started = time.monotonic()
            state.connects += 1
            state.session = open_session(
                target.driver,
                target.dsn,
                target.user,
                target.password.get_secret_value(),
                target.role,
                self.connect_timeout,
            )
            state.connect_seconds = time.monotonic() - started
        session = state.session
        header = hdr.parse_header(session.database_info(hdr.REQUEST, deadline))
        now = time.monotonic()
        refresh = (
            state.activity is None or now - state.activity_at >= target.monitoring_min_interval
        )
        with session.read_transaction(deadline) as query:
            started = time.monotonic()
            identity = mon.parse_identity(query(mon.PROBE_SQL)[0])
            query_seconds = time.monotonic() - started
            if header.ods_major >= mon.ODS_SYSTEM_PRIVILEGES and not identity.sees_all_attachments:
                identity = self._with_privilege(name, query, identity)
            if refresh:
                database_row = query(mon.DATABASE_SQL)[0]
                attachments = query(mon.attachments_sql(header.ods_major))
                statements = query(mon.STATEMENTS_SQL)
                state.activity = mon.parse_activity(database_row, attachments, statements)
                state.activity_at = time.monotonic()
        if not identity.sees_all_attachments and not state.limited_logged:
            state.limited_logged = True
            log.info(
                "user sees only its own attachments in MON$ (connect as SYSDBA, the owner or "
                "with role RDB$ADMIN for all)",
                extra=fields(target=name),
            )
        series.driver(sink, session.driver, session.driver_version, session.client_version)
        series.identity(sink, identity, header, target.dsn, session.server_version)
        series.header(sink, header)
        assert state.activity is not None
        series.activity(sink, state.activity, time.monotonic() - state.activity_at)
        series.timings(sink, state.connect_seconds, query_seconds, state.connects)

    @staticmethod
    def _with_privilege(name: str, query: Query, identity: mon.Identity) -> mon.Identity:
        """Firebird 4+: does a role give us MONITOR_ANY_ATTACHMENT? Unknown counts as no."""
        try:
            granted = bool(query(mon.PRIVILEGE_SQL)[0][0])
        except Exception as exc:  # a statement error leaves the transaction usable
            log.debug("system privilege check failed", extra=fields(target=name, err=str(exc)))
            return identity
        return dataclasses.replace(identity, monitor_any_attachment=granted)

    @staticmethod
    def _drop(state: _TargetState) -> None:
        session, state.session = state.session, None
        state.activity = None
        if session is not None:
            with contextlib.suppress(Exception):
                session.close()

    def collect_global(self, sink: MetricSink) -> None:
        """firebird.log error counts: per target, but reported even when the database is down."""
        for name, target in self.config.targets.items():
            if not target.log_file:
                continue
            follower = self._logs.get(name)
            if follower is None or follower.path != target.log_file:
                follower = self._logs[name] = logscan.LogFollower(target.log_file)
            try:
                counts = follower.poll()
            except OSError as exc:
                log.warning("reading firebird.log failed", extra=fields(target=name, err=str(exc)))
                counts = dict(follower.parser.counts)
            target_sink = MetricSink({"target": name}, sink.catalogue)
            series.log_errors(target_sink, follower.readable, counts)
            sink.merge(target_sink)

    def close(self) -> None:
        for state in list(self._states.values()):
            if state.lock.acquire(timeout=0.1):
                try:
                    self._drop(state)
                finally:
                    state.lock.release()
        for follower in self._logs.values():
            follower.close()
