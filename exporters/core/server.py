"""HTTP(S) server: `/metrics`, `/probe`, `/`, `/-/healthy`, `/-/reload`, exporter routes.

Thread per connection; TLS handshakes happen in the connection's thread (a slow client
never blocks accepting others). The web config is re-read when its file or certificates
change, so certificates rotate without a restart, as with exporter-toolkit.

Everyone who can reach the port is untrusted until authenticated (docs/security.md):
requests are read within the size and time bounds of `exporters.core.httpio`, bodies are
read completely (or refused) before a request is handled, every error closes the
connection, and each response leaves in one write with TCP_NODELAY.
"""

from __future__ import annotations

import html
import logging
import queue
import socket
import socketserver
import threading
import time
from collections.abc import Sequence
from typing import Any
from urllib.parse import parse_qs, urlsplit

from exporters import __version__
from exporters.core.auth import AuthBusy
from exporters.core.exposition import CONTENT_TYPE, Metric, process_families, render
from exporters.core.hostport import listen_address
from exporters.core.http import Request, Response, Route
from exporters.core.httpio import (
    RequestError,
    content_length,
    parse_head,
    read_body,
    read_head,
    status_line,
)
from exporters.core.logsetup import fields
from exporters.core.metrics import MetricSink
from exporters.core.runtime import Runtime
from exporters.core.websecurity import WebSecurity

log = logging.getLogger("exporters.core.server")

HANDSHAKE_TIMEOUT = 10.0
THREAD_IDLE = 30.0
IDLE_TIMEOUT = 60.0
DRAIN_LIMIT = 64 * 1024
"""Bodies of built-in endpoints (which use none) up to this size are read and dropped."""
_TLS_HANDSHAKE = b"\x16"
SERVER_HEADER = "praxis-exporters"
_METHODS = frozenset(("GET", "HEAD", "POST", "PUT", "DELETE"))


def listen_backlog() -> int:
    """The OS maximum, as Go's net package uses: socketserver's default of 5 made bursts of
    connections wait for SYN retransmits (1 s, 3 s, ...) before they were even accepted."""
    try:
        with open("/proc/sys/net/core/somaxconn", encoding="ascii") as handle:
            return max(socket.SOMAXCONN, int(handle.read().strip()))
    except (OSError, ValueError):
        return socket.SOMAXCONN


class ExporterHTTPServer(socketserver.ThreadingMixIn, socketserver.TCPServer):
    """A thread per connection; the HTTP itself is `_Handler` with `exporters.core.httpio`
    (http.server's parsing went through the email package: memory and CPU per request).

    A connection thread that is done waits `THREAD_IDLE` seconds for the next connection
    before it ends: a client that connects anew for every scrape (snmp_exporter-style
    probes, curl, urllib) does not cost a thread start and end each time.
    """

    daemon_threads = True
    block_on_close = False  # exit must not wait for idle keep-alive connections
    allow_reuse_address = True
    request_queue_size = listen_backlog()

    def __init__(
        self,
        address: tuple[str, int],
        runtime: Runtime,
        security: WebSecurity,
        routes: Sequence[Route],
        title: str,
        address_family: int,
    ) -> None:
        self.address_family = address_family
        self.runtime = runtime
        self.security = security
        self.routes = list(routes)
        self.title = title
        self._idle: list[queue.SimpleQueue[tuple[Any, Any] | None]] = []
        self._idle_lock = threading.Lock()
        super().__init__(address, _Handler)

    def process_request(self, request: Any, client_address: Any) -> None:
        """Hand the connection to an idle connection thread, or start one."""
        with self._idle_lock:
            waiting = self._idle.pop() if self._idle else None
        if waiting is not None:
            waiting.put((request, client_address))
            return
        threading.Thread(
            target=self._connection_thread, args=(request, client_address), daemon=True
        ).start()

    def _connection_thread(self, request: Any, client_address: Any) -> None:
        jobs: queue.SimpleQueue[tuple[Any, Any] | None] = queue.SimpleQueue()
        job: tuple[Any, Any] | None = (request, client_address)
        while job is not None:
            self.process_request_thread(*job)  # handles, closes; errors to handle_error
            with self._idle_lock:
                self._idle.append(jobs)
            try:
                job = jobs.get(timeout=THREAD_IDLE)
            except queue.Empty:
                with self._idle_lock:
                    if jobs in self._idle:
                        self._idle.remove(jobs)
                        return
                job = jobs.get()  # handed a connection just as the wait ended

    def server_close(self) -> None:
        super().server_close()
        with self._idle_lock:
            idle, self._idle = self._idle, []
        for jobs in idle:
            jobs.put(None)

    def server_bind(self) -> None:
        if self.address_family == socket.AF_INET6:
            self.socket.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
        super().server_bind()
        self.server_port = self.socket.getsockname()[1]

    def handle_error(self, request: Any, client_address: Any) -> None:
        log.debug("connection error", extra=fields(client=str(client_address)))


class _Handler(socketserver.StreamRequestHandler):
    server: ExporterHTTPServer
    timeout = IDLE_TIMEOUT
    close_connection: bool
    path: str
    headers: dict[str, str]

    def setup(self) -> None:
        raw: socket.socket = self.request
        # headers and body go out in one write anyway; without Nagle's delay a keep-alive
        # response never waits 40 ms for the client's delayed ACK
        if raw.family in (socket.AF_INET, socket.AF_INET6):
            raw.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        security = self.server.security
        security.refresh()
        ctx = security.ssl_context
        if ctx is not None:
            raw.settimeout(HANDSHAKE_TIMEOUT)
            try:
                first = raw.recv(1, socket.MSG_PEEK)
            except OSError:
                first = b""
            if not first:
                raise ConnectionAbortedError("closed before the TLS handshake")
            if first != _TLS_HANDSHAKE:
                # not a TLS record, however it is split into packets: plain HTTP
                _refuse_plain(raw)
                raise ConnectionAbortedError("plain HTTP on a TLS port")
            try:
                self.request = ctx.wrap_socket(raw, server_side=True)
            except OSError as exc:  # ssl.SSLError is an OSError
                log.debug(
                    "TLS handshake failed",
                    extra=fields(client=self.client_address[0], err=str(exc)),
                )
                raise
            if not self._client_san_allowed():
                raise ConnectionAbortedError("client certificate SAN not allowed")
        super().setup()

    def _client_san_allowed(self) -> bool:
        allowed = self.server.security.client_allowed_sans
        if not allowed:
            return True
        cert = self.request.getpeercert()
        sans = {v for _, v in (cert or {}).get("subjectAltName", ())}
        return bool(sans & set(allowed))

    # -- reading a request -----------------------------------------------------------------

    def handle(self) -> None:
        self.close_connection = True
        self.handle_one_request()
        while not self.close_connection:
            self.handle_one_request()

    def handle_one_request(self) -> None:
        """One request, read and parsed within the bounds of `exporters.core.httpio`."""
        self.close_connection = True
        self.path = ""
        self._length = 0
        self._expect_continue = False
        try:
            head = read_head(self.rfile, self.connection, IDLE_TIMEOUT)
            if head is None:
                return
            request = parse_head(head)
        except RequestError as exc:
            self._refuse(exc)
            return
        method = request.method
        self.path = request.target
        self.headers = request.headers
        if method not in _METHODS:
            self._refuse(RequestError(501, f"unsupported method {method[:20]!r}"))
            return
        try:
            if "transfer-encoding" in request.headers:
                raise RequestError(411, "send the body with a Content-Length")
            length = content_length(request.content_lengths)
        except RequestError as exc:
            self._refuse(exc)
            return
        self.close_connection = not request.keep_alive
        self._expect_continue = request.expect_continue
        self._length = length or 0
        if log.isEnabledFor(logging.DEBUG):
            log.debug(
                f"http {method} {self.path[:200]}", extra=fields(client=self.client_address[0])
            )
        self._dispatch(method)

    def _refuse(self, error: RequestError) -> None:
        self.close_connection = True
        try:
            self._send("GET", Response.text(error.status, error.message))
        except OSError:
            pass

    # -- dispatch --------------------------------------------------------------------------

    def _dispatch(self, method: str) -> None:
        try:
            if not self.server.security.limiter.allow():
                response = Response.text(429, "Too Many Requests")
            else:
                response = self._route(method, self._read_whole_body())
        except RequestError as exc:
            response = Response.text(exc.status, exc.message)
        except Exception as exc:  # never let a handler kill the connection thread silently
            log.error(
                "request failed",
                extra=fields(path=self.path.split("?")[0], err=f"{type(exc).__name__}: {exc}"),
            )
            response = Response.text(500, "internal error; see the exporter's log")
        if response.status >= 400:
            self.close_connection = True  # nothing after an error is trusted on this stream
        self._send(method, response)

    def _extra_route(self) -> Route | None:
        routes = self.server.routes
        if not routes:
            return None
        path = urlsplit(self.path).path
        return next((r for r in routes if path.startswith(r.prefix)), None)

    def _read_whole_body(self) -> bytes:
        """The body, read before anything is done with the request: complete within
        `BODY_TIMEOUT` (else 400) and within the endpoint's limit (else 413, unread).
        A body an endpoint does not use is read and dropped too, so that it is never
        parsed as the next request on a kept-alive connection."""
        if self._length == 0:
            return b""
        extra = self._extra_route()
        limit = extra.max_body if extra is not None else DRAIN_LIMIT
        if self._length > limit:
            raise RequestError(413, f"body larger than {limit} bytes")
        if self._expect_continue:  # the client waits for this before it sends the body
            self.wfile.write(b"HTTP/1.1 100 Continue\r\n\r\n")
        return read_body(self.rfile, self.connection, self._length)

    def _route(self, method: str, body: bytes) -> Response:
        target = self.path
        if target[:1] == "/" and not any(c in target for c in "?#"):
            path, query = target, {}  # the common case (`GET /metrics`), no urllib needed
        else:
            url = urlsplit(target)
            path = url.path
            query = parse_qs(url.query, keep_blank_values=True)
        headers = self.headers
        extra = self._extra_route()
        needs_auth = extra is None or not extra.own_auth
        try:
            allowed = not needs_auth or self.server.security.auth.check_header(
                headers.get("authorization")
            )
        except AuthBusy:
            resp = Response.text(429, "too many authentication attempts at once; retry later")
            resp.headers["Retry-After"] = "1"
            return resp
        if not allowed:
            resp = Response.text(401, "Unauthorized")
            resp.headers["WWW-Authenticate"] = 'Basic realm="praxis-exporters"'
            return resp
        runtime = self.server.runtime
        if extra is not None:
            if method != extra.method:
                return _method_not_allowed(extra.method)
            request = Request(method, path, query, headers, body, self.client_address[0])
            return extra.handler(request, runtime)
        if method not in ("GET", "HEAD", "POST"):
            return _method_not_allowed("GET")
        if path == "/-/reload":
            if method != "POST":
                return _method_not_allowed("POST")
            ok, message = runtime.reload()
            return Response.text(200 if ok else 500, message)
        if method == "POST":
            return _method_not_allowed("GET")
        if path == "/metrics":
            return self._metrics(runtime, headers)
        if path == "/probe":
            return self._probe(runtime, query, headers)
        if path in ("/-/healthy", "/-/ready"):
            return Response.text(200, "OK")
        if path == "/":
            return self._landing(runtime)
        return Response.text(404, "Not Found")

    # -- built-in endpoints ----------------------------------------------------------------

    def _scrape_timeout(self, headers: dict[str, str]) -> float | None:
        value = headers.get("x-prometheus-scrape-timeout-seconds")
        if not value:
            return None
        try:
            seconds = float(value)
        except ValueError:
            return None
        return seconds if seconds > 0 else None

    def _metrics(self, runtime: Runtime, headers: dict[str, str]) -> Response:
        with runtime.use() as runner:  # a reload meanwhile does not close this runner
            sink = runner.scrape(runner.target_names(), self._scrape_timeout(headers))
            runner.collect_global(sink)
        runtime.self_metrics(sink, __version__)
        self.server.security.self_metrics(sink, runtime.prefix)
        return _exposition(headers, [*sink.families(), *process_families()])

    def _probe(
        self, runtime: Runtime, query: dict[str, list[str]], headers: dict[str, str]
    ) -> Response:
        names = query.get("target", [])
        if len(names) != 1 or not names[0]:
            return Response.text(400, "give exactly one target parameter: /probe?target=NAME")
        with runtime.use() as runner:
            if names[0] not in runner.config.targets:
                return Response.text(404, "unknown target; /probe only scrapes configured targets")
            sink = runner.scrape(names, self._scrape_timeout(headers))
        return _exposition(headers, sink.families())

    def _landing(self, runtime: Runtime) -> Response:
        title = html.escape(self.server.title)
        targets = "".join(
            f'<li><a href="/probe?target={html.escape(n)}">{html.escape(n)}</a></li>'
            for n in runtime.config.targets
        )
        extra = "".join(
            f"<li><code>{html.escape(r.method)} {html.escape(r.prefix)}</code> "
            f"{html.escape(r.description)}</li>"
            for r in self.server.routes
        )
        page = (
            f"<!doctype html><html><head><meta charset='utf-8'><title>{title}</title></head>"
            f"<body><h1>{title}</h1><p>Version {html.escape(__version__)}</p><ul>"
            "<li><a href='/metrics'>/metrics</a> all configured targets and the exporter's own "
            "metrics</li><li><code>/probe?target=NAME</code> one configured target</li>"
            "<li><a href='/-/healthy'>/-/healthy</a></li>"
            "<li><code>POST /-/reload</code> reload the config</li>"
            f"{extra}</ul><h2>Targets</h2><ul>{targets}</ul></body></html>"
        )
        return Response(200, page.encode(), "text/html; charset=utf-8")

    # -- output ----------------------------------------------------------------------------

    def _send(self, method: str, response: Response) -> None:
        """Status line, headers and body in one write (see `setup` on Nagle)."""
        self.connection.settimeout(IDLE_TIMEOUT)  # the head/body deadline is over now
        body = response.body
        lines = [
            status_line(response.status),
            f"Server: {SERVER_HEADER}\r\nDate: {http_date()}\r\n"
            f"Content-Type: {response.content_type}\r\n",
        ]
        for name, value in self.server.security.response_headers.items():
            lines.append(f"{name}: {value}\r\n")
        for name, value in response.headers.items():
            lines.append(f"{name}: {value}\r\n")
        lines.append(f"Content-Length: {len(body)}\r\n")
        if self.close_connection:
            lines.append("Connection: close\r\n")
        lines.append("\r\n")
        data = "".join(lines).encode("latin-1", "strict")
        self.wfile.write(data + body if method != "HEAD" else data)


_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_date_cache: tuple[int, str] = (0, "")


def http_date() -> str:
    """The `Date` header (RFC 9110 IMF-fixdate), made once per second."""
    global _date_cache
    now = int(time.time())
    second, text = _date_cache
    if second != now:
        t = time.gmtime(now)
        text = (
            f"{_DAYS[t.tm_wday]}, {t.tm_mday:02d} {_MONTHS[t.tm_mon - 1]} {t.tm_year} "
            f"{t.tm_hour:02d}:{t.tm_min:02d}:{t.tm_sec:02d} GMT"
        )
        _date_cache = (now, text)
    return text


def _refuse_plain(raw: socket.socket) -> None:
    """Tell a plain-HTTP client on the TLS port what is wrong, as the Go exporters do; read
    a little of what it sent so that closing does not reset the answer away."""
    try:
        raw.sendall(
            b"HTTP/1.0 400 Bad Request\r\nContent-Type: text/plain\r\n"
            b"Connection: close\r\n\r\n"
            b"Client sent an HTTP request to an HTTPS server.\n"
        )
        raw.shutdown(socket.SHUT_WR)
        raw.settimeout(1.0)
        for _ in range(16):
            if not raw.recv(4096):
                break
    except OSError:
        pass


def _method_not_allowed(allowed: str) -> Response:
    resp = Response.text(405, "Method Not Allowed")
    resp.headers["Allow"] = allowed
    return resp


def _exposition(headers: dict[str, str], families: Sequence[Metric]) -> Response:
    """The text format 0.0.4 whatever the Accept header asks (as the Go exporters answer
    unless OpenMetrics is switched on; Prometheus accepts it)."""
    body = render(families)
    resp = Response(200, body, CONTENT_TYPE)
    if "gzip" in headers.get("accept-encoding", ""):
        import gzip  # loaded with the first client that asks for it

        resp.body = gzip.compress(body, compresslevel=5)
        resp.headers["Content-Encoding"] = "gzip"
    return resp


def build_server(
    listen: str, runtime: Runtime, security: WebSecurity, routes: Sequence[Route], title: str
) -> ExporterHTTPServer:
    """Bind `host:port` (`:port` means all interfaces, `[::1]:port` IPv6)."""
    host, port = split_listen_address(listen)
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    if host == "":
        host, family = "::", socket.AF_INET6
        if not socket.has_ipv6:
            host, family = "0.0.0.0", socket.AF_INET  # noqa: S104 (":port" means all)
    return ExporterHTTPServer((host, port), runtime, security, routes, title, family)


def split_listen_address(listen: str) -> tuple[str, int]:
    """`--web.listen-address` -> (host, port) by the one parser (`core.hostport`)."""
    try:
        return listen_address(listen)
    except ValueError as exc:
        raise ValueError(f"invalid --web.listen-address {listen!r}: {exc}") from None


__all__ = ["ExporterHTTPServer", "MetricSink", "WebSecurity", "build_server"]
