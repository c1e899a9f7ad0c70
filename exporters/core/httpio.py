"""Reading HTTP/1.1 requests from untrusted clients within bounds of size and time.

The standard library's request parsing limits each header line (64 KiB) and the number of
headers (100) but not their total, waits up to the idle timeout for every missing byte, and
accepts `Content-Length: +1_0`. Anyone who can reach the port is untrusted until basic auth
or TLS says otherwise, so here:
- the request head (request line + headers) is read within `HEAD_TIMEOUT` once its first
  byte arrived and is at most `MAX_HEAD` bytes; only `LARGE_HEAD_SLOTS` connections at a
  time may read beyond `SMALL_HEAD` bytes (real requests are far below: Prometheus sends
  ~300 bytes), so memory before authentication stays bounded however many connect;
- bodies are read within `BODY_TIMEOUT`; `Content-Length` is digits only, one value.
"""

from __future__ import annotations

import re
import socket
import threading
import time
from typing import Any

MAX_REQUEST_LINE = 8 * 1024
MAX_HEAD = 32 * 1024
SMALL_HEAD = 8 * 1024
LARGE_HEAD_SLOTS = 8
HEAD_TIMEOUT = 10.0
BODY_TIMEOUT = 10.0

_large_heads = threading.BoundedSemaphore(LARGE_HEAD_SLOTS)
_LENGTH = re.compile(rb"^[0-9]{1,15}$")
_END = re.compile(rb"\r?\n\r?\n")


class RequestError(Exception):
    """The request cannot be served; answer `status` with `message` and close."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def _is_http09(line: bytes) -> bool:
    """A request line without a protocol version (`GET /metrics`): HTTP/0.9."""
    return len(line.split()) == 2


def read_head(rfile: Any, sock: socket.socket, idle_timeout: float) -> bytes | None:
    """The request head up to and including the empty line; None if the client closed
    (or stayed silent for `idle_timeout`) before sending anything.

    Reads only what belongs to the head (the rest stays buffered for the body or the next
    pipelined request). An HTTP/0.9 request line ends the head at once: such a client
    sends no headers and would otherwise wait for the head deadline.
    """
    head = bytearray()
    deadline: float | None = None
    slot = False
    try:
        while True:
            if deadline is None:
                sock.settimeout(idle_timeout)
            else:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise RequestError(408, "request head not received in time")
                sock.settimeout(left)
            try:
                data = rfile.peek(1)
            except TimeoutError:
                if not head:
                    return None
                raise RequestError(408, "request head not received in time") from None
            except OSError:
                return None
            if not data:
                if head:
                    raise RequestError(400, "connection closed inside the request head")
                return None
            if deadline is None:
                deadline = time.monotonic() + HEAD_TIMEOUT
            if not head:
                # tolerate empty lines before the request line (RFC 9112 2.2)
                stripped = data.lstrip(b"\r\n")
                if len(stripped) < len(data):
                    rfile.read(len(data) - len(stripped))
                    continue
            take, done = _scan(bytes(head[-3:]), data)
            head += rfile.read(take)
            first_line_end = head.find(b"\n")
            if first_line_end < 0:
                if len(head) > MAX_REQUEST_LINE:
                    raise RequestError(414, "request line too long")
            else:
                if first_line_end > MAX_REQUEST_LINE:
                    raise RequestError(414, "request line too long")
                if _is_http09(bytes(head[:first_line_end])):
                    return bytes(head[: first_line_end + 1])
            if len(head) > MAX_HEAD:
                raise RequestError(431, "request header fields too large")
            if done:
                return bytes(head)
            if len(head) > SMALL_HEAD and not slot:
                left = max(0.0, deadline - time.monotonic())
                if not _large_heads.acquire(timeout=left):
                    raise RequestError(503, "too many large requests at once")
                slot = True
    finally:
        if slot:
            _large_heads.release()


def _scan(tail: bytes, data: bytes) -> tuple[int, bool]:
    """How many bytes of `data` belong to the head, and whether the head ends there."""
    joined = tail + data
    match = _END.search(joined)
    if match is None:
        return len(data), False
    return match.end() - len(tail), True


def content_length(values: list[str]) -> int | None:
    """The body length from all `Content-Length` headers: digits only, all equal."""
    if not values:
        return None
    distinct = {v.strip(" \t").encode("latin-1", "replace") for v in values}
    if len(distinct) != 1:
        raise RequestError(400, "conflicting Content-Length headers")
    value = distinct.pop()
    if not _LENGTH.match(value):
        raise RequestError(400, "invalid Content-Length")
    return int(value)


def read_body(rfile: Any, sock: socket.socket, length: int) -> bytes:
    """Exactly `length` bytes within `BODY_TIMEOUT`; a shorter body is a 400, not a thread
    held for the idle timeout."""
    deadline = time.monotonic() + BODY_TIMEOUT
    parts = []
    left = length
    while left > 0:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise RequestError(400, "request body shorter than its Content-Length")
        sock.settimeout(remaining)
        try:
            chunk = rfile.read1(min(left, 65536))
        except TimeoutError:
            raise RequestError(400, "request body shorter than its Content-Length") from None
        except OSError:
            raise RequestError(400, "connection broken inside the request body") from None
        if not chunk:
            raise RequestError(400, "request body shorter than its Content-Length")
        parts.append(chunk)
        left -= len(chunk)
    return b"".join(parts)
