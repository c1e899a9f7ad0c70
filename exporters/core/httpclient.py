"""A small HTTP(S)/1.1 client on the standard library, bounded in time and size.

Why not `requests`: it (with urllib3, idna, charset_normalizer, certifi) costs 5-8 MiB of
RSS per exporter process for the few GETs and POSTs our collectors make (issue 16).

What every call guarantees:

- time: connect, TLS handshake, sending and every single socket read wait at most the time
  left to the scrape `Deadline`, and no read starts after it - so a server dripping one byte
  at a time (headers or body) cannot keep a call alive past the deadline;
- size: the body is read in chunks and the call fails as soon as more than `max_bytes`
  arrived, whatever Content-Length says or whether there is one (chunked, read-to-close);
  a declared length above the bound fails before reading; a body shorter than its
  declared length fails as truncated (http.client itself would return it silently);
- no surprises: redirects are returned, never followed (a token must not travel to
  another host), proxies and .netrc from the environment are never used, compressed
  answers are only asked for never (`Accept-Encoding: identity`) and decoded within the
  same bound if a server sends them anyway;
- errors: one exception type per kind of failure (`HttpTimeout`, `TLSFailed`,
  `ConnectFailed`, `HttpStatusError`, `ResponseTooLarge`, `MalformedResponse`, all
  `HttpError`), with short messages built from fixed text and OpenSSL's or the OS's reason
  - never a header, URL query or body - and run through `redaction.redact` besides.

Connections are kept alive per origin (scheme, host, port) and reused when the server
allows it and the previous answer was read completely. A reused connection that the server
closed meanwhile is detected before sending (readable while idle) or, in the remaining
race, retried once on a fresh connection when it failed before any answer byte arrived.
"""

from __future__ import annotations

import base64
import functools
import http.client
import io
import json
import os
import select
import socket
import ssl
import threading
import zlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from email.message import Message
from typing import Any
from urllib.parse import urlencode, urlsplit

from exporters.core.deadline import Deadline
from exporters.core.redaction import redact
from exporters.core.tlspeer import presented_chain

CHUNK = 64 * 1024
DEFAULT_MAX_BYTES = 4 * 1024 * 1024
MAX_IDLE_PER_ORIGIN = 2
USER_AGENT = "praxis-exporters"


class HttpError(Exception):
    """A call failed; the message is safe to log (no secrets, no document content)."""

    def __init__(self, message: str) -> None:
        super().__init__(redact(message))


class ConnectFailed(HttpError):
    """Name not resolved, connection refused or reset, or closed before any answer."""


class HttpTimeout(HttpError):
    """The deadline passed while connecting, sending, waiting or reading."""


class TLSFailed(HttpError):
    """Certificate verification or the TLS handshake failed, or TLS set-up (files) failed."""


class HttpStatusError(HttpError):
    """The answer's status was not one the caller accepts (see `Response.expect`)."""

    def __init__(self, status: int, message: str | None = None) -> None:
        super().__init__(message or f"HTTP {status}")
        self.status = status


class ResponseTooLarge(HttpError):
    """The body is (or announced to be) larger than the caller's bound."""


class MalformedResponse(HttpError):
    """Not HTTP, a broken chunked encoding, a truncated body, or (for `json()`) not JSON."""


@dataclass(frozen=True)
class Response:
    """A completely read answer."""

    status: int
    headers: Message
    body: bytes
    peer_chain: tuple[bytes, ...] = ()
    """DER certificates the server presented on this connection, leaf first (HTTPS)."""

    def header(self, name: str, default: str = "") -> str:
        value = self.headers.get(name)
        return default if value is None else str(value)

    @property
    def content_type(self) -> str:
        return self.header("Content-Type")

    def expect(self, *ok: int) -> Response:
        """Return self if the status is one of `ok` (default 200), else HttpStatusError."""
        if self.status not in (ok or (200,)):
            raise HttpStatusError(self.status)
        return self

    def json(self) -> Any:
        try:
            return json.loads(self.body)
        except (UnicodeDecodeError, ValueError, RecursionError):
            raise MalformedResponse("answer is not valid JSON") from None


@dataclass(frozen=True)
class TLSOptions:
    """How to verify the server and whom to present: the options our configs offer."""

    ca_file: str | None = None
    """PEM CA certificates to trust instead of the system's; None: the system store."""
    insecure_skip_verify: bool = False
    cert_file: str | None = None
    key_file: str | None = None
    """Client certificate (chain) and its unencrypted key, PEM."""

    def files(self) -> tuple[str, ...]:
        return tuple(f for f in (self.ca_file, self.cert_file, self.key_file) if f)


def tls_context(options: TLSOptions) -> ssl.SSLContext:
    """A client context for `options`; raises TLSFailed naming the file that failed."""
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2  # as urllib3 2.x did before
    if options.insecure_skip_verify:
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
    elif options.ca_file:
        try:
            ctx.load_verify_locations(cafile=options.ca_file)
        except (OSError, ssl.SSLError) as exc:
            raise TLSFailed(f"cannot load ca_file: {os_reason(exc)}") from None
    else:
        ctx.load_default_certs()
    if options.cert_file:
        load_client_pem(ctx, options.cert_file, options.key_file)
    return ctx


def load_client_pem(ctx: ssl.SSLContext, cert_file: str, key_file: str | None) -> None:
    """Present this client certificate (chain) with its unencrypted PEM key; raises TLSFailed.

    A password callback, so that an encrypted key fails instead of prompting on a terminal.
    """
    try:
        ctx.load_cert_chain(cert_file, key_file, password=lambda: b"")
    except (OSError, ssl.SSLError) as exc:
        raise TLSFailed(f"cannot load client certificate: {os_reason(exc)}") from None


def os_reason(exc: BaseException) -> str:
    """The short reason of an OSError/SSLError (never the file name or data)."""
    if isinstance(exc, ssl.SSLError):
        return str(exc.reason or type(exc).__name__)
    if isinstance(exc, OSError):
        return str(exc.strerror or type(exc).__name__)
    return type(exc).__name__


_TLS_HINTS = {
    "SSLEOFError": " (the server closed the connection: client certificate missing or refused?)",
    "UNEXPECTED_EOF_WHILE_READING": " (the server closed the connection: client certificate"
    " missing or refused?)",
    "TLSV13_ALERT_CERTIFICATE_REQUIRED": " (the server requires a client certificate)",
    "WRONG_VERSION_NUMBER": " (not a TLS port? check the scheme of the URL)",
    "RECORD_LAYER_FAILURE": " (not a TLS port? check the scheme of the URL)",
}


def tls_reason(exc: ssl.SSLError) -> str:
    """'certificate verification failed: ...' or 'handshake failed: REASON (hint)'."""
    if isinstance(exc, ssl.SSLCertVerificationError):
        return f"certificate verification failed: {exc.verify_message or 'not trusted'}"
    reason = str(exc.reason or type(exc).__name__)
    hint = _TLS_HINTS.get(reason) or _TLS_HINTS.get(type(exc).__name__, "")
    return f"handshake failed: {reason}{hint}"


# -- reading within the deadline ---------------------------------------------------------------


class _DeadlineReader(io.RawIOBase):
    """Socket reads that each wait at most the time left, and none after the deadline."""

    def __init__(self, sock: socket.socket, deadline: Deadline) -> None:
        super().__init__()
        self._sock = sock
        self._raw = sock.makefile("rb", buffering=0)  # holds the socket open like http.client
        self._deadline = deadline

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        if self._deadline.expired:
            raise TimeoutError("deadline passed")
        self._sock.settimeout(self._deadline.remaining())
        n = self._raw.readinto(buffer)
        return n or 0

    def close(self) -> None:
        self._raw.close()
        super().close()


class _ReadSide:
    """What `HTTPResponse.__init__` needs of a socket: `makefile`, bounded by a deadline."""

    def __init__(self, sock: socket.socket, deadline: Deadline) -> None:
        self._sock = sock
        self._deadline = deadline

    def makefile(self, mode: str) -> io.BufferedReader:
        return io.BufferedReader(_DeadlineReader(self._sock, self._deadline), CHUNK)


class _Response(http.client.HTTPResponse):
    def __init__(
        self,
        sock: socket.socket,
        debuglevel: int = 0,
        method: str | None = None,
        url: str | None = None,
        *,
        deadline: Deadline,
    ) -> None:
        super().__init__(_ReadSide(sock, deadline), debuglevel, method, url)  # type: ignore[arg-type]


class _Connection:
    """One keep-alive connection to an origin and what it learned at connect time."""

    def __init__(
        self, conn: http.client.HTTPConnection, context: ssl.SSLContext | None = None
    ) -> None:
        assert (context is not None) == isinstance(conn, http.client.HTTPSConnection)
        self.http = conn
        self.context = context  # set for HTTPS
        self.peer_chain: tuple[bytes, ...] = ()

    @property
    def sock(self) -> socket.socket | None:
        sock: socket.socket | None = self.http.sock
        return sock

    def idle_and_usable(self) -> bool:
        """An idle connection with something to read was closed by the server (or is
        out of step after a lying Content-Length): it must not carry another request."""
        sock = self.sock
        if sock is None:
            return False
        if isinstance(sock, ssl.SSLSocket) and sock.pending():
            return False
        try:
            readable, _, _ = select.select([sock], [], [], 0)
        except (OSError, ValueError):
            return False
        return not readable

    def close(self) -> None:
        try:
            self.http.close()
        except OSError:
            pass


@dataclass
class _Pool:
    idle: dict[tuple[str, str, int], list[_Connection]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)
    closed: bool = False


_STALE = (
    ConnectionResetError,  # includes http.client.RemoteDisconnected
    BrokenPipeError,
    ConnectionAbortedError,
    ssl.SSLEOFError,
    ssl.SSLZeroReturnError,
)


class HttpClient:
    """Calls with shared TLS settings, default headers and kept-alive connections.

    One client per target: `close()` it when the collector is replaced. Thread-safe.
    """

    def __init__(
        self,
        tls: TLSOptions | None = None,
        context: ssl.SSLContext | None = None,
        headers: Mapping[str, str] | None = None,
        basic_auth: tuple[str, str] | None = None,
        capture_peer_chain: bool = False,
        max_idle: int = MAX_IDLE_PER_ORIGIN,
    ) -> None:
        """`context` wins over `tls` (for callers with identities of their own, e.g. a
        PKCS#12 client certificate); otherwise the context is built from `tls` on the first
        HTTPS connection and rebuilt when one of its files changes."""
        self._tls = tls or TLSOptions()
        self._fixed_context = context
        self._context: tuple[tuple[float, ...], ssl.SSLContext] | None = None
        self._headers = {"User-Agent": USER_AGENT, "Accept-Encoding": "identity"}
        self._headers.update(headers or {})
        if basic_auth is not None:
            token = base64.b64encode(f"{basic_auth[0]}:{basic_auth[1]}".encode()).decode()
            self._headers["Authorization"] = f"Basic {token}"
        self._capture = capture_peer_chain
        self._max_idle = max_idle
        self._pool = _Pool()

    # -- public ---------------------------------------------------------------------------------

    def get(self, url: str, deadline: Deadline, **kwargs: Any) -> Response:
        return self.request("GET", url, deadline, **kwargs)

    def post(self, url: str, deadline: Deadline, **kwargs: Any) -> Response:
        return self.request("POST", url, deadline, **kwargs)

    def request(
        self,
        method: str,
        url: str,
        deadline: Deadline,
        *,
        body: bytes | None = None,
        form: Mapping[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
        params: Mapping[str, str | int] | None = None,
        max_bytes: int = DEFAULT_MAX_BYTES,
    ) -> Response:
        """One exchange, completely read within `deadline` and `max_bytes`."""
        scheme, host, port, target = _split(url, params)
        all_headers = dict(self._headers)
        all_headers.update(headers or {})
        if form is not None:
            body = urlencode(form).encode()
            all_headers.setdefault("Content-Type", "application/x-www-form-urlencoded")
        origin = (scheme, host, port)
        conn, reused = self._checkout(origin)
        while True:
            if deadline.expired:
                self._discard(conn)
                raise HttpTimeout("no time left before the deadline")
            try:
                response = self._exchange(conn, method, target, body, all_headers, deadline)
                break
            except _StaleConnection:
                self._discard(conn)
                if not reused:
                    raise ConnectFailed("connection closed without an answer") from None
                conn, reused = self._new(origin), False
            except BaseException:
                self._discard(conn)
                raise
        try:
            data = _read_body(response, deadline, max_bytes)
        except BaseException:
            response.close()
            self._discard(conn)
            raise
        reusable = not response.will_close and conn.sock is not None
        response.close()
        if reusable:
            self._checkin(origin, conn)
        else:
            self._discard(conn)
        return Response(response.status, response.msg, data, conn.peer_chain)

    def close(self) -> None:
        with self._pool.lock:
            self._pool.closed = True
            idle = [c for conns in self._pool.idle.values() for c in conns]
            self._pool.idle.clear()
        for conn in idle:
            conn.close()

    # -- connections ----------------------------------------------------------------------------

    def _checkout(self, origin: tuple[str, str, int]) -> tuple[_Connection, bool]:
        while True:
            with self._pool.lock:
                conns = self._pool.idle.get(origin)
                conn = conns.pop() if conns else None
            if conn is None:
                return self._new(origin), False
            if conn.idle_and_usable():
                return conn, True
            conn.close()

    def _checkin(self, origin: tuple[str, str, int], conn: _Connection) -> None:
        with self._pool.lock:
            conns = self._pool.idle.setdefault(origin, [])
            if not self._pool.closed and len(conns) < self._max_idle:
                conns.append(conn)
                return
        conn.close()

    def _discard(self, conn: _Connection) -> None:
        conn.close()

    def _new(self, origin: tuple[str, str, int]) -> _Connection:
        scheme, host, port = origin
        if scheme == "https":
            context = self._ssl_context()
            return _Connection(http.client.HTTPSConnection(host, port, context=context), context)
        return _Connection(http.client.HTTPConnection(host, port))

    def _ssl_context(self) -> ssl.SSLContext:
        if self._fixed_context is not None:
            return self._fixed_context
        stamp = tuple(_mtime(f) for f in self._tls.files())
        cached = self._context
        if cached is not None and cached[0] == stamp:
            return cached[1]
        ctx = tls_context(self._tls)
        self._context = (stamp, ctx)
        return ctx

    # -- one exchange ---------------------------------------------------------------------------

    def _exchange(
        self,
        conn: _Connection,
        method: str,
        target: str,
        body: bytes | None,
        headers: dict[str, str],
        deadline: Deadline,
    ) -> http.client.HTTPResponse:
        fresh = conn.sock is None
        if fresh:
            self._connect(conn, deadline)
        sock = conn.sock
        assert sock is not None
        # the instance's response class reads within this call's deadline
        conn.http.response_class = functools.partial(_Response, deadline=deadline)  # type: ignore[assignment]
        started = False
        try:
            sock.settimeout(deadline.remaining())
            conn.http.request(method, target, body=body, headers=headers)
            started = True
            return conn.http.getresponse()
        except TimeoutError:
            if not started:
                raise HttpTimeout("timed out sending the request") from None
            raise HttpTimeout("timed out waiting for the answer") from None
        except _STALE as exc:
            if not fresh:
                raise _StaleConnection from None
            if isinstance(exc, ssl.SSLError):
                raise TLSFailed(f"TLS error: {tls_reason(exc)}") from None
            raise ConnectFailed("connection closed without an answer") from None
        except ssl.SSLError as exc:
            raise TLSFailed(f"TLS error: {tls_reason(exc)}") from None
        except http.client.HTTPException as exc:
            raise MalformedResponse(f"malformed answer: {type(exc).__name__}") from None
        except OSError as exc:
            raise ConnectFailed(f"connection lost: {os_reason(exc)}") from None

    def _connect(self, conn: _Connection, deadline: Deadline) -> None:
        """TCP connect, then the TLS handshake, each waiting at most the time left then
        (http.client's own connect would give the handshake the connect's full timeout)."""
        http_conn = conn.http
        context = conn.context
        raw: socket.socket | None = None
        try:
            raw = socket.create_connection((http_conn.host, http_conn.port), deadline.remaining())
            raw.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            sock: socket.socket = raw
            if context is not None:
                if deadline.expired:
                    raise TimeoutError
                raw.settimeout(deadline.remaining())
                sock = context.wrap_socket(raw, server_hostname=http_conn.host)
        except ssl.SSLError as exc:
            _close(raw)
            raise TLSFailed(f"TLS error: {tls_reason(exc)}") from None
        except TimeoutError:
            _close(raw)
            raise HttpTimeout("timed out connecting") from None
        except socket.gaierror:
            _close(raw)
            raise ConnectFailed("connection failed: host name not resolved") from None
        except OSError as exc:
            _close(raw)
            raise ConnectFailed(f"connection failed: {os_reason(exc)}") from None
        http_conn.sock = sock
        if self._capture and isinstance(sock, ssl.SSLSocket):
            conn.peer_chain = presented_chain(sock)


class _StaleConnection(Exception):
    """A kept-alive connection turned out closed before any answer byte: retry fresh."""


def _split(url: str, params: Mapping[str, str | int] | None) -> tuple[str, str, int, str]:
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or not parts.hostname:
        raise HttpError("only http:// and https:// URLs with a host are supported")
    if parts.username is not None or parts.password is not None:
        raise HttpError("credentials in the URL are not supported")
    try:
        port = parts.port or (443 if scheme == "https" else 80)
    except ValueError:
        raise HttpError("invalid port in the URL") from None
    target = parts.path or "/"
    query = parts.query
    if params:
        extra = urlencode({k: str(v) for k, v in params.items()})
        query = f"{query}&{extra}" if query else extra
    if query:
        target = f"{target}?{query}"
    return scheme, parts.hostname, port, target


def _close(sock: socket.socket | None) -> None:
    if sock is not None:
        try:
            sock.close()
        except OSError:
            pass


def _mtime(path: str) -> float:
    try:
        return os.stat(path).st_mtime
    except OSError:
        return -1.0


def _decoder(encoding: str) -> Any:
    """A zlib decompressor for a Content-Encoding; None for identity."""
    name = encoding.strip().lower()
    if name in ("", "identity"):
        return None
    if name in ("gzip", "x-gzip"):
        return zlib.decompressobj(16 + zlib.MAX_WBITS)
    if name == "deflate":
        return zlib.decompressobj(zlib.MAX_WBITS)
    raise MalformedResponse("answer uses an unsupported content encoding")


def _inflate(decoder: Any, data: bytes, room: int, max_bytes: int) -> bytes:
    """Decompress at most `room` + 1 bytes: a zip bomb stops at the bound, not in memory."""
    try:
        out: bytes = decoder.decompress(data, room + 1)
    except zlib.error:
        raise MalformedResponse("answer is not valid compressed data") from None
    if len(out) > room or decoder.unconsumed_tail:
        raise ResponseTooLarge(f"answer larger than {max_bytes} bytes")
    return out


def _read_body(response: http.client.HTTPResponse, deadline: Deadline, max_bytes: int) -> bytes:
    if response.length is not None and response.length > max_bytes:
        raise ResponseTooLarge(f"answer larger than {max_bytes} bytes")
    decoder = _decoder(response.getheader("Content-Encoding") or "")
    chunks: list[bytes] = []
    total = 0
    try:
        while True:
            if response.length == 0 and not response.chunked:
                break
            if deadline.expired:
                raise HttpTimeout("timed out reading the answer")
            chunk = response.read1(CHUNK)
            if not chunk:
                break
            if decoder is not None:
                chunk = _inflate(decoder, chunk, max_bytes - total, max_bytes)
            total += len(chunk)
            if total > max_bytes:
                raise ResponseTooLarge(f"answer larger than {max_bytes} bytes")
            chunks.append(chunk)
    except TimeoutError:
        raise HttpTimeout("timed out reading the answer") from None
    except ssl.SSLError as exc:
        raise TLSFailed(f"TLS error reading the answer: {tls_reason(exc)}") from None
    except http.client.IncompleteRead:
        raise MalformedResponse("answer truncated (broken chunked encoding)") from None
    except http.client.HTTPException as exc:
        raise MalformedResponse(f"malformed answer: {type(exc).__name__}") from None
    except OSError as exc:
        raise ConnectFailed(f"connection lost reading the answer: {os_reason(exc)}") from None
    if response.length:
        raise MalformedResponse("answer truncated (shorter than its Content-Length)")
    return b"".join(chunks)
