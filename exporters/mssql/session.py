"""The thin I/O edge: one pyodbc connection per scrape, every call bounded by the deadline."""

from __future__ import annotations

from types import TracebackType
from typing import Any

from exporters.core import Deadline
from exporters.mssql import browser
from exporters.mssql.config import MssqlTarget
from exporters.mssql.dsn import connection_string, pick_driver
from exporters.mssql.values import Row

try:
    import pyodbc
except ImportError as exc:  # no libodbc or no pyodbc: every target reports why, no crash
    pyodbc = None
    _IMPORT_ERROR = f"pyodbc is not usable ({exc}); install praxis-exporters[mssql] and unixodbc"


def seconds(deadline: Deadline) -> int:
    """ODBC timeouts are whole seconds and 0 means "none": round down, at least 1."""
    return max(1, int(deadline.remaining()))


def is_fatal(exc: BaseException) -> bool:
    """Connection lost or timed out (the target is down), as opposed to one query failing."""
    if pyodbc is not None and isinstance(exc, pyodbc.OperationalError | pyodbc.InterfaceError):
        state = str(exc.args[0]) if exc.args else ""
        return not state or state.startswith(("08", "HYT"))
    return isinstance(exc, TimeoutError)


class Session:
    """An autocommit connection (no transaction stays open) to the master database."""

    def __init__(self, connection: Any) -> None:
        self._conn = connection

    @classmethod
    def open(cls, target: MssqlTarget, deadline: Deadline) -> Session:
        if pyodbc is None:
            raise RuntimeError(_IMPORT_ERROR)
        driver = pick_driver(target.driver, pyodbc.drivers())
        host, instance = browser.split_server(target.server)
        server = None
        if instance is not None:
            port = browser.resolve_port(
                host, instance, deadline.remaining(), browser.SQL_BROWSER_PORT
            )
            server = f"{host},{port}"
        conn = pyodbc.connect(
            connection_string(target, driver, server),
            autocommit=True,
            timeout=seconds(deadline),
        )
        return cls(conn)

    def rows(self, sql: str, deadline: Deadline) -> list[Row]:
        """Run one statement; column names as in the statement's select list."""
        if deadline.expired:
            raise TimeoutError("deadline expired before the query")
        self._conn.timeout = seconds(deadline)
        cursor = self._conn.cursor()
        try:
            cursor.execute(sql)
            columns = [d[0] for d in cursor.description or ()]
            return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]
        finally:
            cursor.close()

    def close(self) -> None:
        try:
            self._conn.close()
        except Exception:  # noqa: S110 (closing a broken connection must not mask the error)
            pass

    def __enter__(self) -> Session:
        return self

    def __exit__(
        self, t: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()
