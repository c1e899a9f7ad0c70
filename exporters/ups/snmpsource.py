"""SNMP targets: one GET for all scalars, one GETBULK for the tables.

Once the table sizes are known (from the previous scrape), both are sent at once, so a
scrape costs one round trip; a change in size (a new alarm) costs one more GETBULK.

The I/O is here; everything about what the values mean is in the MIB modules. With
`mib: auto` the first scrape asks the scalars of all known MIBs in the same GET and picks
one (see detect.py); the choice is kept until the target fails once.
"""

from __future__ import annotations

import logging
import threading
import time

from exporters.core import Deadline, MetricSink
from exporters.core.logsetup import fields
from exporters.core.snmp.session import EventLoopThread, SessionBase, SnmpError, open_session
from exporters.ups import apc, placeholders, rfc1628, series, xups
from exporters.ups.config import UpsTarget
from exporters.ups.detect import choose
from exporters.ups.mib import SYS_OBJECT_ID, MibSpec
from exporters.ups.reading import Reading
from exporters.ups.values import SnmpValue

log = logging.getLogger("exporters.ups")
MIBS: dict[str, MibSpec] = {spec.name: spec for spec in (rfc1628.SPEC, apc.SPEC, xups.SPEC)}


class SnmpSource:
    """One session per target; v1/v2c run in the collecting thread, v3 (pysnmp) on one
    shared background event loop started for the first v3 target."""

    def __init__(self) -> None:
        self._loop = EventLoopThread("ups-snmp")
        self._lock = threading.Lock()
        self._sessions: dict[str, SessionBase] = {}
        self._chosen: dict[str, str] = {}
        self._planned: dict[str, dict[str, int]] = {}

    def prepare(self, name: str, target: UpsTarget, timeout: float) -> SessionBase:
        """The target's session; built at (re)load: an SNMP engine takes 0.2-0.3 s to build
        (it loads its MIB tables), which must not eat the first scrape's deadline."""
        with self._lock:
            session = self._sessions.get(name)
            if session is None:
                assert target.snmp is not None
                host, port = target.host_port()
                session = open_session(host, port, target.snmp, timeout)
                self._sessions[name] = session
            return session

    def read(
        self, name: str, target: UpsTarget, timeout: float, deadline: Deadline, sink: MetricSink
    ) -> Reading:
        session = self.prepare(name, target, timeout)
        before = session.packets_sent
        try:
            return self._read(name, target, session, deadline)
        except Exception:
            self._chosen.pop(name, None)
            self._planned.pop(name, None)
            raise
        finally:
            # Written also on failure; the core drops a failed target's series anyway.
            series.snmp_packets(sink, session.packets_sent - before)

    def _read(
        self, name: str, target: UpsTarget, session: SessionBase, deadline: Deadline
    ) -> Reading:
        mib = target.mib if target.mib != "auto" else self._chosen.get(name)
        candidates = [MIBS[mib]] if mib else list(MIBS.values())
        oids = list(dict.fromkeys(oid for spec in candidates for oid in spec.oids()))
        planned = self._planned.get(name, {}) if mib else {}
        table: dict[str, SnmpValue] = {}
        if any(planned.values()):
            # Table sizes rarely change: read the tables as last time, in parallel with
            # the GET, so a scrape costs one round trip instead of two.
            answer, table = self._loop.call_both(
                session,
                session.get(oids, deadline),
                session.bulk_columns(planned, deadline),
                deadline,
            )
        else:
            answer = self._loop.call(session, session.get(oids, deadline), deadline)
        answered = [spec.name for spec in candidates if any(oid in answer for oid in _own(spec))]
        if mib is None:
            mib = choose(_text(answer.get(SYS_OBJECT_ID)), answered)
            if mib is None:
                raise SnmpError("the agent answered none of the UPS MIBs (RFC 1628, APC, XUPS)")
            self._chosen[name] = mib
            log.info("UPS MIB chosen", extra=fields(target=name, mib=mib))
        elif mib not in answered:
            raise SnmpError(f"the agent answered none of the {mib} OIDs")
        spec = MIBS[mib]
        scalars = spec.keyed(answer)
        columns = spec.tables(scalars)
        if columns != planned and any(columns.values()):
            table = self._loop.call(session, session.bulk_columns(columns, deadline), deadline)
        elif not any(columns.values()):
            table = {}
        self._planned[name] = columns
        notes = placeholders.scrub(mib, scalars)
        reading = spec.parse(scalars, table, time.time())
        reading.problems.extend(notes)
        return reading

    def close(self) -> None:
        with self._lock:
            sessions = list(self._sessions.values())
            self._sessions.clear()

        def close_sessions() -> None:
            for session in sessions:
                try:
                    session.close()
                except Exception as exc:
                    log.debug("closing SNMP session failed", extra=fields(err=str(exc)))

        self._loop.close(close_sessions)


def _own(spec: MibSpec) -> list[str]:
    """The MIB's own scalars (not the system group every agent answers)."""
    return [oid for key, oid in spec.scalars.items() if not key.startswith("sys")]


def _text(value: SnmpValue | None) -> str | None:
    return str(value) if value is not None else None
