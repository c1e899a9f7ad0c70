"""Loopback TCP peers for failure tests: a black hole that accepts and never answers, a
listener that counts connections, a server that sends a fixed greeting."""

from __future__ import annotations

import contextlib
import socket
import threading
from types import TracebackType


class _Listener:
    def __init__(self) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(128)
        self.sock.settimeout(0.2)
        self.port: int = self.sock.getsockname()[1]
        self.connections = 0
        self._held: list[socket.socket] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)
        self._thread.start()

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.connections += 1
            self.handle(conn)

    def handle(self, conn: socket.socket) -> None:
        self._held.append(conn)

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=2)
        for conn in self._held:
            with contextlib.suppress(OSError):
                conn.close()
        self.sock.close()

    def __enter__(self) -> _Listener:
        return self

    def __exit__(
        self, t: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


class BlackHole(_Listener):
    """Accepts connections and never sends a byte (a hung service)."""


class Greeter(_Listener):
    """Sends `greeting` to every connection, then closes it."""

    def __init__(self, greeting: bytes = b"220 ready\r\n") -> None:
        self.greeting = greeting
        super().__init__()

    def handle(self, conn: socket.socket) -> None:
        with contextlib.suppress(OSError):
            conn.sendall(self.greeting)
        conn.close()
