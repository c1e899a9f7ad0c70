"""Misbehaving daemons on loopback for the bad-input tests (a real upsd/apcupsd never sends
these; what each one sends is written out in its test)."""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Callable

from devkit.listeners import _Listener


class Scripted(_Listener):
    """Runs `script(conn)` for every connection in its own thread, then closes it."""

    def __init__(self, script: Callable[[socket.socket], None]) -> None:
        self.script = script
        super().__init__()

    def handle(self, conn: socket.socket) -> None:
        def run() -> None:
            with contextlib.suppress(OSError), conn:
                conn.settimeout(30)
                self.script(conn)

        threading.Thread(target=run, daemon=True).start()


def read_request(conn: socket.socket) -> bytes:
    """Whatever the client sent first (its pipelined commands)."""
    return conn.recv(65536)


def endless(conn: socket.socket, chunk: bytes, limit: int = 64 * 1024 * 1024) -> None:
    """Send `chunk` again and again (until the client goes away or `limit` bytes)."""
    sent = 0
    while sent < limit:
        conn.sendall(chunk)
        sent += len(chunk)
