"""Thin adapters over firebird-driver (Firebird 3-5, the default) and fdb (Firebird 2.5).

Everything the collector needs from a database goes through `Session`, so the collector does
not care which driver is used. Both load a libfbclient: the system's, or the one named by
`client_library` (`fbroot.client_library()`), e.g. an embedded engine's.

Every call into the database after the connect runs under `bounded(deadline, ...)`: a timer
cancels the running operation with `fb_cancel_operation(fb_cancel_raise)` when the scrape
deadline passes (the statement then fails with "operation was cancelled" and the collector
drops the connection). The connect itself is bounded by libfbclient's `ConnectionTimeout`
(`fbroot`); a connect that the deadline overtakes is abandoned by the core's scrape runner,
and the per-target lock keeps later scrapes from piling up behind it.
"""

from __future__ import annotations

import atexit
import contextlib
import ctypes
import re
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, Protocol

from exporters.core import Deadline
from exporters.firebird import fbroot
from exporters.firebird.header import DB_READ_ONLY, FORCED_WRITES

Query = Callable[[str], list[tuple[Any, ...]]]

DRIVERS = ("firebird-driver", "fdb")
DEFAULT_DRIVER = "firebird-driver"

# isc_tpb_version3, isc_tpb_read, isc_tpb_read_committed, isc_tpb_rec_version, isc_tpb_nowait:
# read-only read-committed transactions are pre-committed (Firebird 2.5+) and never hold back
# the oldest active transaction.
READ_TPB = bytes([3, 8, 15, 17, 7])

FB_CANCEL_RAISE = 3
"""fb_cancel_operation option: make the running operation fail with isc_cancelled."""

SHUTDOWN_TIMEOUT = 3.0
"""Seconds the process exit waits for firebird-driver's shutdown of libfbclient."""
_shutdown_lock = threading.Lock()
_shutdown_bounded = False


def bound_driver_shutdown(core: Any) -> None:
    """firebird-driver shuts libfbclient down at exit (`fb_shutdown` with no timeout), which
    waits for a connect hung on a silent port until ConnectionTimeout: the exporter's exit
    would stall that long. Run that shutdown with a bound instead (it still flushes an
    embedded engine's pages in the normal case)."""
    global _shutdown_bounded
    shutdown = getattr(core, "_api_shutdown", None)
    with _shutdown_lock:
        if _shutdown_bounded or not callable(shutdown):
            return
        atexit.unregister(shutdown)

        def bounded_shutdown() -> None:
            worker = threading.Thread(target=shutdown, name="fb-shutdown", daemon=True)
            worker.start()
            worker.join(SHUTDOWN_TIMEOUT)

        atexit.register(bounded_shutdown)
        _shutdown_bounded = True


class DeadlineCancelled(TimeoutError):
    """A database call was cancelled because the scrape deadline passed."""


@contextmanager
def bounded(deadline: Deadline, cancel: Callable[[], None]) -> Iterator[None]:
    """Run the block with `cancel()` called from a timer thread when `deadline` passes."""
    if deadline.expired:
        raise DeadlineCancelled("scrape deadline passed before the database call")
    fired = threading.Event()

    def fire() -> None:
        fired.set()
        with contextlib.suppress(Exception):  # nothing running: "nothing to cancel"
            cancel()

    timer = threading.Timer(deadline.remaining(), fire)
    timer.daemon = True
    timer.start()
    try:
        yield
    except Exception as exc:
        if fired.is_set():
            raise DeadlineCancelled(
                f"database call cancelled at the scrape deadline ({exc})"
            ) from exc
        raise
    finally:
        timer.cancel()


class Session(Protocol):
    driver: str
    driver_version: str
    client_version: str
    server_version: str

    def database_info(self, codes: Sequence[int], deadline: Deadline) -> dict[int, object]: ...

    def read_transaction(self, deadline: Deadline) -> Any:
        """Context manager yielding a `Query`; commits on exit, rolls back on error."""

    def close(self) -> None: ...


class FirebirdDriverSession:
    """firebird-driver (Firebird 3 to 5; needs a libfbclient of 3 or newer)."""

    driver = "firebird-driver"

    def __init__(self, dsn: str, user: str, password: str, role: str | None, timeout: int) -> None:
        from firebird.driver import (
            __VERSION__,
            CancelType,
            DbAccessMode,
            DbInfoCode,
            DbWriteMode,
            connect,
            driver_config,
            get_api,
        )
        from firebird.driver import core as driver_core

        bound_driver_shutdown(driver_core)

        library = fbroot.client_library()
        if library and driver_config.fb_client_library.value != library:
            driver_config.fb_client_library.value = library
        self._codes = DbInfoCode
        self._sync = DbWriteMode.SYNC
        self._read_only = DbAccessMode.READ_ONLY
        self._cancel_type = CancelType.RAISE
        driver_config.db_defaults.timeout.value = timeout
        self._con = connect(dsn, user=user, password=password, role=role or None)
        # firebird_version lists every hop ("...\n.../tcp (host)/P15:C"); the first is the server
        self.server_version = str(self._con.info.firebird_version).split("\n", 1)[0]
        self.driver_version = str(__VERSION__)
        major, minor = get_api().util.get_client_version()
        self.client_version = f"{major}.{minor}"
        self._tm: Any = None
        self._cur: Any = None

    def _cancel(self) -> None:
        self._con._att.cancel_operation(self._cancel_type)

    def database_info(self, codes: Sequence[int], deadline: Deadline) -> dict[int, object]:
        out: dict[int, object] = {}
        with bounded(deadline, self._cancel):
            for code in codes:
                value = self._con.info.get_info(self._codes(code))
                # this driver answers the two flags with enums; fdb (and `header`) use 0/1
                if value is self._sync or value is self._read_only:
                    value = 1
                elif code in (FORCED_WRITES, DB_READ_ONLY):
                    value = 0
                out[code] = value
        return out

    @contextmanager
    def read_transaction(self, deadline: Deadline) -> Iterator[Query]:
        # the connection keeps every TransactionManager it made, so reuse one
        if self._tm is None:
            self._tm = self._con.transaction_manager(default_tpb=READ_TPB)
            self._cur = self._tm.cursor()
        tm, cur = self._tm, self._cur

        def query(sql: str) -> list[tuple[Any, ...]]:
            cur.execute(sql)
            return [tuple(r) for r in cur.fetchall()]

        with bounded(deadline, self._cancel):
            tm.begin()
            try:
                yield query
                tm.commit()
            except BaseException:
                with contextlib.suppress(Exception):
                    tm.rollback()
                raise

    def close(self) -> None:
        self._con.close()


class FdbSession:
    """fdb (legacy; for Firebird 2.5, whose libfbclient firebird-driver cannot load)."""

    driver = "fdb"

    def __init__(self, dsn: str, user: str, password: str, role: str | None) -> None:
        import fdb

        self._con = fdb.connect(
            dsn=dsn,
            user=user,
            password=password,
            role=role or None,
            fb_library_name=fbroot.client_library(),
        )
        self._api = fdb.fbcore.api
        self.server_version = str(self._con.firebird_version)
        self.driver_version = str(fdb.__version__)
        self.client_version = _fdb_client_version(self._api.client_library)
        self._tr: Any = None
        self._cur: Any = None

    def _cancel(self) -> None:
        from fdb import ibase

        fn = self._api.client_library.fb_cancel_operation
        fn.argtypes = [
            ctypes.POINTER(ibase.ISC_STATUS),
            ctypes.POINTER(ibase.isc_db_handle),
            ctypes.c_ushort,
        ]
        status = ibase.ISC_STATUS_ARRAY()
        fn(status, self._con._db_handle, FB_CANCEL_RAISE)

    def database_info(self, codes: Sequence[int], deadline: Deadline) -> dict[int, object]:
        with bounded(deadline, self._cancel):
            return dict(self._con.db_info(list(codes)))

    @contextmanager
    def read_transaction(self, deadline: Deadline) -> Iterator[Query]:
        # One Transaction and Cursor object per connection, begun and committed per scrape:
        # fdb keeps every Transaction object `trans()` creates, so a new one per scrape leaks.
        if self._tr is None:
            self._tr = self._con.trans(default_tpb=READ_TPB)
            self._cur = self._tr.cursor()
        tr, cur = self._tr, self._cur

        def query(sql: str) -> list[tuple[Any, ...]]:
            cur.execute(sql)
            return [tuple(r) for r in cur.fetchall()]

        with bounded(deadline, self._cancel):
            tr.begin()
            try:
                yield query
                tr.commit()
            except BaseException:
                with contextlib.suppress(Exception):
                    tr.rollback()
                raise

    def close(self) -> None:
        self._con.close()


def _fdb_client_version(lib: Any) -> str:
    """ "3.0" from isc_get_client_version's "LI-V3.0.11.33703 Firebird 3.0" (the numeric
    isc_get_client_major_version answers InterBase's 6)."""
    buffer = ctypes.create_string_buffer(256)
    lib.isc_get_client_version(buffer)
    text = buffer.value.decode("ascii", errors="replace")
    match = re.search(r"Firebird (\d+\.\d+)", text)
    return match.group(1) if match else text.split(" ", 1)[0]


def open_session(
    driver: str, dsn: str, user: str, password: str, role: str | None, timeout: int
) -> Session:
    """Connect with the configured driver; a missing driver is a clear error."""
    try:
        if driver == "fdb":
            return FdbSession(dsn, user, password, role)
        return FirebirdDriverSession(dsn, user, password, role, timeout)
    except ModuleNotFoundError as exc:
        package = "fdb" if driver == "fdb" else "firebird-driver"
        raise RuntimeError(
            f"driver {driver} is not installed (pip install {package}, or the "
            "'praxis-exporters[firebird]' extra)"
        ) from exc
