"""HTTP(S) server: `/metrics`, `/probe`, `/`, `/-/healthy`, `/-/reload`, exporter routes.

Thread per connection; TLS handshakes happen in the connection's thread (a slow client
never blocks accepting others). The web config is re-read when its file or certificates
change, so certificates rotate without a restart, as with exporter-toolkit.
"""

from __future__ import annotations

import gzip
import html
import logging
import socket
import ssl
from collections.abc import Sequence
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from prometheus_client import REGISTRY
from prometheus_client.exposition import choose_encoder

from exporters import __version__
from exporters.core.http import Request, Response, Route
from exporters.core.logsetup import fields
from exporters.core.metrics import MetricSink
from exporters.core.runtime import Runtime
from exporters.core.websecurity import WebSecurity

log = logging.getLogger("exporters.core.server")

HANDSHAKE_TIMEOUT = 10.0
IDLE_TIMEOUT = 60.0
_HTTP_METHODS = (b"GET ", b"POST", b"HEAD", b"PUT ", b"DELE", b"OPTI", b"PATC")


class ExporterHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False  # exit must not wait for idle keep-alive connections
    allow_reuse_address = True

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
        super().__init__(address, _Handler)

    def server_bind(self) -> None:
        if self.address_family == socket.AF_INET6:
            self.socket.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
        super().server_bind()

    def handle_error(self, request: Any, client_address: Any) -> None:
        log.debug("connection error", extra=fields(client=str(client_address)))


class _Handler(BaseHTTPRequestHandler):
    server: ExporterHTTPServer
    protocol_version = "HTTP/1.1"
    timeout = IDLE_TIMEOUT
    server_version = "praxis-exporters"
    sys_version = ""

    def setup(self) -> None:
        security = self.server.security
        security.refresh()
        ctx = security.ssl_context
        if ctx is not None:
            raw: socket.socket = self.request
            raw.settimeout(HANDSHAKE_TIMEOUT)
            try:
                head = raw.recv(4, socket.MSG_PEEK)
            except OSError:
                head = b""
            if head.upper() in _HTTP_METHODS:
                raw.sendall(
                    b"HTTP/1.0 400 Bad Request\r\nContent-Type: text/plain\r\n"
                    b"Connection: close\r\n\r\n"
                    b"Client sent an HTTP request to an HTTPS server.\n"
                )
                raise ConnectionAbortedError("plain HTTP on a TLS port")
            try:
                self.request = ctx.wrap_socket(raw, server_side=True)
            except (ssl.SSLError, OSError) as exc:
                log.debug(
                    "TLS handshake failed",
                    extra=fields(client=self.client_address[0], err=str(exc)),
                )
                raise
            if not self._client_san_allowed():
                raise ConnectionAbortedError("client certificate SAN not allowed")
        super().setup()

    def _client_san_allowed(self) -> bool:
        tls = self.server.security.config.tls_server_config
        if tls is None or not tls.client_allowed_sans:
            return True
        cert = self.request.getpeercert()
        sans = {v for _, v in (cert or {}).get("subjectAltName", ())}
        return bool(sans & set(tls.client_allowed_sans))

    def log_message(self, format: str, *args: Any) -> None:
        log.debug("http " + (format % args), extra=fields(client=self.client_address[0]))

    # -- dispatch --------------------------------------------------------------------------

    def do_GET(self) -> None:
        self._dispatch("GET")

    def do_HEAD(self) -> None:
        self._dispatch("HEAD")

    def do_POST(self) -> None:
        self._dispatch("POST")

    def do_PUT(self) -> None:
        self._dispatch("PUT")

    def do_DELETE(self) -> None:
        self._dispatch("DELETE")

    def _dispatch(self, method: str) -> None:
        try:
            response = self._route(method)
        except Exception as exc:  # never let a handler kill the connection thread silently
            log.error(
                "request failed",
                extra=fields(path=self.path.split("?")[0], err=f"{type(exc).__name__}: {exc}"),
            )
            response = Response.text(500, "internal error; see the exporter's log")
        self._send(method, response)

    def _route(self, method: str) -> Response:
        url = urlsplit(self.path)
        path = url.path
        headers = {k.lower(): v for k, v in self.headers.items()}
        query = parse_qs(url.query, keep_blank_values=True)
        extra = next((r for r in self.server.routes if path.startswith(r.prefix)), None)
        needs_auth = extra is None or not extra.own_auth
        if needs_auth and not self.server.security.auth.check_header(headers.get("authorization")):
            resp = Response.text(401, "Unauthorized")
            resp.headers["WWW-Authenticate"] = 'Basic realm="praxis-exporters"'
            return resp
        runtime = self.server.runtime
        if extra is not None:
            if method != extra.method:
                return _method_not_allowed(extra.method)
            body, error = self._read_body(extra.max_body)
            if error is not None:
                return error
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

    def _read_body(self, limit: int) -> tuple[bytes, Response | None]:
        length_header = self.headers.get("Content-Length")
        if self.headers.get("Transfer-Encoding"):
            self.close_connection = True
            return b"", Response.text(411, "send the body with a Content-Length")
        if not length_header:
            return b"", None
        try:
            length = int(length_header)
        except ValueError:
            self.close_connection = True
            return b"", Response.text(400, "invalid Content-Length")
        if length < 0:
            self.close_connection = True
            return b"", Response.text(400, "invalid Content-Length")
        if length > limit:
            self.close_connection = True
            return b"", Response.text(413, f"body larger than {limit} bytes")
        return self.rfile.read(length), None

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
        return _exposition(headers, [sink, REGISTRY])

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
        return _exposition(headers, [sink])

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
        body = response.body
        self.send_response(response.status)
        self.send_header("Content-Type", response.content_type)
        for name, value in self.server.security.config.http_server_config.headers.items():
            self.send_header(name, value)
        for name, value in response.headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        if method != "HEAD":
            self.wfile.write(body)


def _method_not_allowed(allowed: str) -> Response:
    resp = Response.text(405, "Method Not Allowed")
    resp.headers["Allow"] = allowed
    return resp


def _exposition(headers: dict[str, str], registries: Sequence[Any]) -> Response:
    encoder, content_type = choose_encoder(headers.get("accept", ""))
    parts = []
    for registry in registries:
        parts.append(encoder(registry))
    body = b"".join(parts)
    if content_type.startswith("application/openmetrics-text"):
        # one EOF marker at the very end only
        body = body.replace(b"# EOF\n", b"") + b"# EOF\n"
    resp = Response(200, body, content_type)
    if "gzip" in headers.get("accept-encoding", ""):
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
    host, sep, port_text = listen.rpartition(":")
    if not sep or not port_text.isdigit() or not 0 <= int(port_text) <= 65535:
        raise ValueError(f"invalid --web.listen-address {listen!r}; use host:port or :port")
    return host.strip("[]"), int(port_text)


__all__ = ["ExporterHTTPServer", "MetricSink", "WebSecurity", "build_server"]
