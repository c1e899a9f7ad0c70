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

The head is parsed here too (`parse_head`), with http.server's rules for the request line
and its limits for headers (at most `MAX_HEADERS`), but without the email package that
http.server parses headers with (memory at start and CPU on every request).
"""

from __future__ import annotations

import re
import socket
import threading
import time
from dataclasses import dataclass
from typing import Any

MAX_REQUEST_LINE = 8 * 1024
MAX_HEAD = 32 * 1024
SMALL_HEAD = 8 * 1024
LARGE_HEAD_SLOTS = 8
HEAD_TIMEOUT = 10.0
BODY_TIMEOUT = 10.0

MAX_HEADERS = 100
"""As http.client: more header lines are answered 431."""

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


@dataclass
class ParsedHead:
    """The request line and headers of one request."""

    method: str
    target: str
    version: tuple[int, int]
    headers: dict[str, str]
    """Lower-case names; of a repeated header the last value."""
    content_lengths: list[str]
    """Every `Content-Length` value (`content_length` refuses more than one distinct)."""

    @property
    def keep_alive(self) -> bool:
        """HTTP/1.1 keeps the connection unless told to close; 1.0 only if asked to keep."""
        connection = self.headers.get("connection", "").lower()
        if connection == "close":
            return False
        return connection == "keep-alive" or self.version >= (1, 1)

    @property
    def expect_continue(self) -> bool:
        return self.version >= (1, 1) and self.headers.get("expect", "").lower() == "100-continue"


def parse_head(head: bytes) -> ParsedHead:
    """Request line and headers of a head `read_head` returned; `RequestError` (400, 431,
    505) for what http.server refuses, and for folded or nameless header lines."""
    lines = head.decode("latin-1").split("\n")
    request_line = lines[0].rstrip("\r")
    words = request_line.split()
    if len(words) == 2:
        raise RequestError(400, "HTTP/0.9 requests are not supported")
    if len(words) >= 3:
        version = _version(words[-1])
    if len(words) != 3:
        raise RequestError(400, f"bad request syntax ({request_line[:100]!r})")
    method, target = words[0], words[1]
    if target.startswith("//"):
        target = "/" + target.lstrip("/")  # as http.server: never a scheme-relative URL
    headers: dict[str, str] = {}
    lengths: list[str] = []
    for count, raw in enumerate(lines[1:], 1):
        line = raw.rstrip("\r")
        if not line:
            break
        if count > MAX_HEADERS:
            raise RequestError(431, "too many headers")
        if line[0] in " \t":
            raise RequestError(400, "folded header lines are not supported")
        name, sep, value = line.partition(":")
        if not sep or not name or name != name.strip() or " " in name or "\t" in name:
            raise RequestError(400, "bad header line")
        key = name.lower()
        value = value.strip(" \t")
        headers[key] = value
        if key == "content-length":
            lengths.append(value)
    return ParsedHead(method, target, version, headers, lengths)


def _version(text: str) -> tuple[int, int]:
    """`HTTP/x.y` as (x, y); 400 if malformed, 505 from HTTP/2 on (as http.server)."""
    if not text.startswith("HTTP/"):
        raise RequestError(400, f"bad request version ({text[:20]!r})")
    parts = text[5:].split(".")
    if len(parts) != 2 or not all(p.isdigit() and p.isascii() and len(p) <= 10 for p in parts):
        raise RequestError(400, f"bad request version ({text[:20]!r})")
    version = (int(parts[0]), int(parts[1]))
    if version >= (2, 0):
        raise RequestError(505, f"invalid HTTP version ({text[:20]})")
    return version


_PHRASES = {
    100: "Continue",
    200: "OK",
    201: "Created",
    202: "Accepted",
    204: "No Content",
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    408: "Request Timeout",
    409: "Conflict",
    411: "Length Required",
    413: "Request Entity Too Large",
    414: "Request-URI Too Long",
    415: "Unsupported Media Type",
    422: "Unprocessable Entity",
    429: "Too Many Requests",
    431: "Request Header Fields Too Large",
    500: "Internal Server Error",
    501: "Not Implemented",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
    505: "HTTP Version Not Supported",
}


def status_line(status: int) -> str:
    """`HTTP/1.1 <status> <phrase>` with CRLF (http.server's phrases, without importing
    the `http` package's enum for them)."""
    return f"HTTP/1.1 {status} {_PHRASES.get(status, '')}\r\n"
