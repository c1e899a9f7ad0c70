"""A TDS 7.4 endpoint that answers the exporter's statements with canned result sets.

It accepts one SQL login, answers PRELOGIN without encryption, and replies to each query
group of `exporters.mssql.queries` with the documented shape from `resultsets`. Any other
SELECT gets SQL Server's error 208 so a changed statement cannot pass unnoticed; SET
statements (sent by drivers after login) get a plain DONE. Groups listed in `denied` get
error 229 (permission denied), as a login without the grants would; groups in `hang` get
no answer until the client cancels.
"""

from __future__ import annotations

import logging
import re
import socket
import socketserver
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime

from exporters.mssql.queries import all_queries
from simulators.tds import protocol as p
from simulators.tds.resultsets import SCENARIOS, result_sets

log = logging.getLogger("simulators.tds")
_TOP = re.compile(r"TOP \(\d+\)")


def _normalize(sql: str) -> str:
    return _TOP.sub("TOP (N)", " ".join(sql.split()))


@dataclass
class Settings:
    scenario: str = "standard"
    user: str = "monitor"
    password: str = "monitor"
    compat: dict[str, int] = field(default_factory=dict)
    denied: set[str] = field(default_factory=set)
    hang: set[str] = field(default_factory=set)
    """Groups never answered (until the client cancels with ATTENTION): a hung server."""
    change_after: float = 0.0
    """Seconds after start before `compat` applies (a level that changes while watched)."""
    batches: list[str] = field(default_factory=list)
    started: float = field(default_factory=time.monotonic)

    def current_compat(self) -> dict[str, int]:
        return self.compat if time.monotonic() - self.started >= self.change_after else {}


class _Handler(socketserver.BaseRequestHandler):
    server: TdsServer

    def handle(self) -> None:
        sock: socket.socket = self.request
        try:
            while True:
                kind, body = _read_message(sock)
                if kind == p.PRELOGIN:
                    sock.sendall(p.packets(p.TABULAR, p.prelogin_response(self.server.version)))
                elif kind == p.LOGIN7:
                    if not self._login(sock, body):
                        return
                elif kind == p.SQL_BATCH:
                    reply = self._batch(p.batch_text(body))
                    if reply is not None:
                        sock.sendall(p.packets(p.TABULAR, reply))
                elif kind == p.ATTENTION:
                    sock.sendall(p.packets(p.TABULAR, p.done(0x20, 0, 0)))  # DONE_ATTN
                else:
                    sock.sendall(p.packets(p.TABULAR, self._error(0, f"packet {kind} unsupported")))
        except (ConnectionError, OSError, EOFError):
            return

    def _login(self, sock: socket.socket, body: bytes) -> bool:
        login = p.parse_login7(body)
        settings = self.server.settings
        if login["user"] != settings.user or login["password"] != settings.password:
            msg = f"Login failed for user '{login['user']}'."
            sock.sendall(p.packets(p.TABULAR, p.error(18456, 1, 14, msg, "SIM")
                                   + p.done(p.DONE_ERROR, 0, 0)))  # fmt: skip
            return False
        program = "Microsoft SQL Server"
        sock.sendall(p.packets(p.TABULAR, p.login_ack(program, self.server.version, "master")))
        return True

    def _batch(self, sql: str) -> bytes | None:
        settings = self.server.settings
        settings.batches.append(sql)
        name = self.server.statements.get(_normalize(sql))
        if name is None:
            if sql.lstrip().upper().startswith("SELECT"):
                return self._error(208, "Invalid object name (statement unknown to the simulator).")
            return p.done(p.DONE_FINAL, 0, 0)
        if name in settings.hang:
            return None
        if name in settings.denied:
            return self._error(229, f"The SELECT permission was denied ({name}).")
        now = datetime.now(UTC).replace(tzinfo=None)
        data = result_sets(settings.scenario, now, settings.current_compat())[name]
        return p.result(data.columns, data.rows)

    def _error(self, number: int, message: str) -> bytes:
        return p.error(number, 1, 16, message, "SIM") + p.done(p.DONE_ERROR, 0, 0)


def _read_exact(sock: socket.socket, n: int) -> bytes:
    buf = bytearray()
    while len(buf) < n:
        chunk = sock.recv(n - len(buf))
        if not chunk:
            raise EOFError
        buf += chunk
    return bytes(buf)


def _read_message(sock: socket.socket) -> tuple[int, bytes]:
    """One message, reassembled from its packets (until the EOM status bit)."""
    body = bytearray()
    while True:
        kind, status, length, _, _, _ = p.HEADER.unpack(_read_exact(sock, p.HEADER.size))
        body += _read_exact(sock, length - p.HEADER.size)
        if status & p.STATUS_EOM:
            return kind, bytes(body)


class TdsServer(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], settings: Settings) -> None:
        if settings.scenario not in SCENARIOS:
            raise ValueError(f"unknown scenario {settings.scenario}")
        self.settings = settings
        build = SCENARIOS[settings.scenario]["version"].split(".")
        self.version = (int(build[0]), int(build[1]), int(build[2]))
        self.statements = {_normalize(q.sql): q.name for q in all_queries()}
        super().__init__(address, _Handler)

    @property
    def port(self) -> int:
        return int(self.server_address[1])

    def start(self) -> threading.Thread:
        thread = threading.Thread(target=self.serve_forever, daemon=True)
        thread.start()
        return thread
