"""Thin adapters over fdb and firebird-driver: connect, database info, one read transaction.

Everything the collector needs from a database goes through `Session`, so the collector does
not care which driver is installed. Both load the same libfbclient.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, Protocol

from exporters.firebird.header import DB_READ_ONLY, FORCED_WRITES

Query = Callable[[str], list[tuple[Any, ...]]]

# isc_tpb_version3, isc_tpb_read, isc_tpb_read_committed, isc_tpb_rec_version, isc_tpb_nowait:
# read-only read-committed transactions are pre-committed (Firebird 2.5+) and never hold back
# the oldest active transaction.
READ_TPB = bytes([3, 8, 15, 17, 7])


class Session(Protocol):
    server_version: str

    def database_info(self, codes: Sequence[int]) -> dict[int, object]: ...

    def read_transaction(self) -> Any:
        """Context manager yielding a `Query`; commits on exit, rolls back on error."""

    def close(self) -> None: ...


class FdbSession:
    """fdb (Firebird 2.5 and 3)."""

    def __init__(self, dsn: str, user: str, password: str, role: str | None) -> None:
        import fdb

        self._con = fdb.connect(dsn=dsn, user=user, password=password, role=role or None)
        self.server_version = str(self._con.firebird_version)
        self._tr: Any = None
        self._cur: Any = None

    def database_info(self, codes: Sequence[int]) -> dict[int, object]:
        return dict(self._con.db_info(list(codes)))

    @contextmanager
    def read_transaction(self) -> Iterator[Query]:
        # One Transaction and Cursor object per connection, begun and committed per scrape:
        # fdb keeps every Transaction object `trans()` creates, so a new one per scrape leaks.
        if self._tr is None:
            self._tr = self._con.trans(default_tpb=READ_TPB)
            self._cur = self._tr.cursor()
        tr, cur = self._tr, self._cur
        tr.begin()

        def query(sql: str) -> list[tuple[Any, ...]]:
            cur.execute(sql)
            return [tuple(r) for r in cur.fetchall()]

        try:
            yield query
            tr.commit()
        except BaseException:
            with contextlib.suppress(Exception):
                tr.rollback()
            raise

    def close(self) -> None:
        self._con.close()


class FirebirdDriverSession:
    """firebird-driver (Firebird 3 to 5)."""

    def __init__(self, dsn: str, user: str, password: str, role: str | None, timeout: int) -> None:
        from firebird.driver import DbAccessMode, DbInfoCode, DbWriteMode, connect, driver_config

        self._codes = DbInfoCode
        self._sync = DbWriteMode.SYNC
        self._read_only = DbAccessMode.READ_ONLY
        driver_config.db_defaults.timeout.value = timeout
        self._con = connect(dsn, user=user, password=password, role=role or None)
        # firebird_version lists every hop ("...\n.../tcp (host)/P15:C"); the first is the server
        self.server_version = str(self._con.info.firebird_version).split("\n", 1)[0]
        self._tm: Any = None
        self._cur: Any = None

    def database_info(self, codes: Sequence[int]) -> dict[int, object]:
        out: dict[int, object] = {}
        for code in codes:
            value = self._con.info.get_info(self._codes(code))
            # this driver answers the two flags with enums; fdb (and the header module) use 0/1
            if value is self._sync or value is self._read_only:
                value = 1
            elif code in (FORCED_WRITES, DB_READ_ONLY):
                value = 0
            out[code] = value
        return out

    @contextmanager
    def read_transaction(self) -> Iterator[Query]:
        # as with fdb: the connection keeps every TransactionManager, so reuse one
        if self._tm is None:
            self._tm = self._con.transaction_manager(default_tpb=READ_TPB)
            self._cur = self._tm.cursor()
        tm, cur = self._tm, self._cur
        tm.begin()

        def query(sql: str) -> list[tuple[Any, ...]]:
            cur.execute(sql)
            return [tuple(r) for r in cur.fetchall()]

        try:
            yield query
            tm.commit()
        except BaseException:
            with contextlib.suppress(Exception):
                tm.rollback()
            raise

    def close(self) -> None:
        self._con.close()


def open_session(
    driver: str, dsn: str, user: str, password: str, role: str | None, timeout: int
) -> Session:
    """Connect with the configured driver; a missing driver is a clear error."""
    try:
        if driver == "firebird-driver":
            return FirebirdDriverSession(dsn, user, password, role, timeout)
        return FdbSession(dsn, user, password, role)
    except ModuleNotFoundError as exc:
        extra = "firebird-driver" if driver == "firebird-driver" else "firebird"
        raise RuntimeError(
            f"driver {driver} is not installed (pip install 'praxis-exporters[{extra}]')"
        ) from exc
