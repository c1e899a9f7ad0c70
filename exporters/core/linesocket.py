"""Line-based conversations over a socket (STARTTLS greetings, NUT's upsd), bounded.

Every read waits at most until the deadline, the whole conversation reads at most
`max_bytes` and, where given, one line at most `max_line` bytes: a peer that never answers,
drips, floods or closes mid-line ends in one clear error naming where and in which phase,
of the caller's own error type.
"""

from __future__ import annotations

import socket
from collections.abc import Callable

from exporters.core.deadline import Deadline


class LineSocket:
    """LF-terminated lines (a CR before the LF dropped) from a plain or TLS socket."""

    def __init__(
        self,
        sock: socket.socket,
        deadline: Deadline,
        where: str,
        error: Callable[[str], Exception],
        max_bytes: int,
        max_line: int | None = None,
        chunk_size: int = 4096,
    ) -> None:
        self.sock = sock
        self.deadline = deadline
        self.where = where
        self.error = error
        self.max_bytes = max_bytes
        self.max_line = max_line
        self.chunk_size = chunk_size
        self.buffer = b""
        self.total = 0

    def line(self, phase: str) -> str:
        """The next line; `phase` says in errors what was awaited ("the SMTP greeting")."""
        while b"\n" not in self.buffer:
            self._check_line_length()
            if self.deadline.expired:
                raise self.error(f"{self.where}: timed out waiting for {phase}")
            self.sock.settimeout(self.deadline.remaining())
            try:
                chunk = self.sock.recv(self.chunk_size)
            except TimeoutError:
                raise self.error(f"{self.where}: timed out waiting for {phase}") from None
            except OSError as exc:
                reason = exc.strerror or str(exc)
                raise self.error(
                    f"{self.where}: connection lost during {phase}: {reason}"
                ) from None
            if not chunk:
                raise self.error(f"{self.where}: connection closed during {phase}")
            self.total += len(chunk)
            if self.total > self.max_bytes:
                raise self.error(f"{self.where}: more than {self.max_bytes} bytes in {phase}")
            self.buffer += chunk
        raw, _, self.buffer = self.buffer.partition(b"\n")
        if self.max_line is not None and len(raw) > self.max_line:
            raise self.error(f"{self.where}: a line longer than {self.max_line} bytes")
        return raw.rstrip(b"\r").decode("utf-8", "replace")

    def send(self, data: bytes, what: str) -> None:
        """Send all of `data` within the deadline; `what` names it in errors."""
        self.sock.settimeout(self.deadline.remaining())
        try:
            self.sock.sendall(data)
        except TimeoutError:
            raise self.error(f"{self.where}: timed out sending {what}") from None
        except OSError as exc:
            reason = exc.strerror or str(exc)
            raise self.error(f"{self.where}: sending {what} failed: {reason}") from None

    def _check_line_length(self) -> None:
        if self.max_line is not None and len(self.buffer) > self.max_line:
            raise self.error(f"{self.where}: a line longer than {self.max_line} bytes")
