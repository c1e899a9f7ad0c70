"""apcupsd Network Information Server client: the `status` command, one connection.

The protocol (apcupsd's `apcaccess` and `src/lib/apclibnis.c`): every message is a 2-byte
big-endian length followed by that many bytes. The client sends `status`; apcupsd answers
one message per line (`KEY      : value`) and a zero-length message at the end.

Every read is bounded by the deadline, the answer by `MAX_RECORDS` lines and `MAX_ANSWER`
bytes: a daemon that closes mid-answer or never ends raises `NisError`.
"""

from __future__ import annotations

import socket
import struct

from exporters.core.deadline import Deadline

MAX_RECORD = 1024
MAX_RECORDS = 300
MAX_ANSWER = 64 * 1024


class NisError(Exception):
    """apcupsd did not answer usably; the message is safe to log."""


def _recv_exact(sock: socket.socket, size: int, deadline: Deadline, where: str) -> bytes:
    data = b""
    while len(data) < size:
        if deadline.expired:
            raise NisError(f"{where}: timed out reading the status")
        sock.settimeout(deadline.remaining())
        try:
            chunk = sock.recv(size - len(data))
        except TimeoutError:
            raise NisError(f"{where}: timed out reading the status") from None
        except OSError as exc:
            raise NisError(f"{where}: connection lost ({exc.strerror or exc})") from None
        if not chunk:
            raise NisError(f"{where}: connection closed in the middle of the status")
        data += chunk
    return data


def status_lines(host: str, port: int, deadline: Deadline) -> list[str]:
    """The raw lines of `status` (without the END marker's empty message)."""
    where = f"apcupsd {host}:{port}"
    try:
        sock = socket.create_connection((host, port), timeout=deadline.remaining())
    except TimeoutError:
        raise NisError(f"{where}: connect timed out") from None
    except OSError as exc:
        raise NisError(f"{where}: connect failed: {exc.strerror or exc}") from None
    with sock:
        sock.settimeout(deadline.remaining())
        try:
            sock.sendall(struct.pack(">H", 6) + b"status")
        except OSError as exc:
            raise NisError(f"{where}: send failed: {exc.strerror or exc}") from None
        lines: list[str] = []
        total = 0
        while True:
            (size,) = struct.unpack(">H", _recv_exact(sock, 2, deadline, where))
            if size == 0:
                return lines
            if size > MAX_RECORD:
                raise NisError(f"{where}: a status line of {size} bytes (at most {MAX_RECORD})")
            total += size + 2
            if total > MAX_ANSWER or len(lines) >= MAX_RECORDS:
                raise NisError(f"{where}: status longer than {MAX_RECORDS} lines/{MAX_ANSWER} B")
            raw = _recv_exact(sock, size, deadline, where)
            lines.append(raw.decode("utf-8", "replace").rstrip("\r\n"))


def parse_status(lines: list[str]) -> dict[str, str]:
    """`KEY      : value` lines -> {KEY: value} (value stripped; unusable lines skipped)."""
    out: dict[str, str] = {}
    for line in lines:
        key, sep, value = line.partition(":")
        key = key.strip()
        if sep and key and key.replace("_", "").isalnum() and key not in out:
            out[key] = value.strip()
    return out
