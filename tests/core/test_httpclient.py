"""exporters.core.httpclient against real local HTTP and HTTPS servers that answer as told:
good, slow, dripping, huge, lying about their length, truncated, chunked, compressed,
malformed, redirecting, closing kept-alive connections, refusing client certificates."""

from __future__ import annotations

import gzip
import json
import os
import socket
import ssl
import threading
import time
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from devkit import pki
from devkit.listeners import BlackHole, Greeter
from exporters.core import redaction
from exporters.core.deadline import Deadline
from exporters.core.httpclient import (
    ConnectFailed,
    HttpClient,
    HttpError,
    HttpStatusError,
    HttpTimeout,
    MalformedResponse,
    ResponseTooLarge,
    TLSFailed,
    TLSOptions,
)

pytestmark = pytest.mark.integration


@dataclass
class Request:
    method: str
    target: str
    headers: dict[str, str]
    body: bytes


Handler = Callable[[Request, socket.socket], bool]
"""Writes the answer to the socket; returns whether to keep the connection open."""


@dataclass
class RawServer:
    """A loopback HTTP/1.1 server whose answers are written byte by byte by the test."""

    handler: Handler
    context: ssl.SSLContext | None = None
    requests: list[Request] = field(default_factory=list)
    connections: int = 0

    def __post_init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(32)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self._stop = threading.Event()
        self._open: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    @property
    def url(self) -> str:
        scheme = "https" if self.context else "http"
        return f"{scheme}://127.0.0.1:{self.port}"

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.connections += 1
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn: socket.socket) -> None:
        try:
            conn.settimeout(30)
            if self.context is not None:
                conn = self.context.wrap_socket(conn, server_side=True)
            self._open.append(conn)
            reader = conn.makefile("rb")
            while not self._stop.is_set():
                line = reader.readline()
                if not line:
                    break
                method, target, _ = line.decode().split(" ", 2)
                headers = {}
                while (h := reader.readline()) not in (b"\r\n", b""):
                    name, _, value = h.decode().partition(":")
                    headers[name.strip().lower()] = value.strip()
                body = reader.read(int(headers.get("content-length", "0")))
                request = Request(method, target, headers, body)
                self.requests.append(request)
                if not self.handler(request, conn):
                    break
        except (OSError, ssl.SSLError, ValueError):
            pass
        finally:
            try:
                conn.close()
            except OSError:
                pass

    def close(self) -> None:
        self._stop.set()
        for conn in self._open:
            try:
                conn.close()
            except OSError:
                pass
        self.sock.close()


def answer(
    body: bytes = b"{}",
    status: str = "200 OK",
    headers: tuple[str, ...] = ("Content-Type: application/json",),
    length: int | None = None,
    keep: bool = True,
) -> Handler:
    def handle(request: Request, conn: socket.socket) -> bool:
        declared = len(body) if length is None else length
        head = [f"HTTP/1.1 {status}", *headers, f"Content-Length: {declared}"]
        if not keep:
            head.append("Connection: close")
        conn.sendall(("\r\n".join(head) + "\r\n\r\n").encode() + body)
        return keep

    return handle


@pytest.fixture
def serve() -> Iterator[Callable[..., RawServer]]:
    servers: list[RawServer] = []

    def start(handler: Handler, context: ssl.SSLContext | None = None) -> RawServer:
        server = RawServer(handler, context)
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.close()


@dataclass(frozen=True)
class Tls:
    ca: Path
    server: ssl.SSLContext
    client_cert: Path
    client_key: Path
    other_ca: Path


@pytest.fixture(scope="module")
def tls(tmp_path_factory: pytest.TempPathFactory) -> Tls:
    d = tmp_path_factory.mktemp("httpclient-pki")
    ca = pki.make_ca("HTTP Client Test CA")
    leaf = pki.make_cert("server.praxis.test", issuer=ca, sans=["127.0.0.1"])
    client = pki.make_cert("client", issuer=ca)
    other = pki.make_ca("Some Other CA")
    pki.write_pem(d / "ca.pem", ca)
    pki.write_pem(d / "other.pem", other)
    pki.write_pem(d / "server.pem", leaf, ca)
    pki.write_key(d / "server.key", leaf)
    pki.write_pem(d / "client.pem", client)
    pki.write_key(d / "client.key", client)
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(d / "server.pem", d / "server.key")
    return Tls(d / "ca.pem", ctx, d / "client.pem", d / "client.key", d / "other.pem")


def deadline(seconds: float = 5.0) -> Deadline:
    return Deadline.after(seconds)


# -- good answers -------------------------------------------------------------------------------


def test_get_json_with_headers_params_and_keep_alive(serve) -> None:
    server = serve(answer(b'{"ok": true}'))
    client = HttpClient(headers={"Accept": "application/json"})
    for _ in range(3):
        reply = client.get(
            f"{server.url}/api/v2/status?a=1", deadline(), params={"vdom": "root", "n": 2}
        )
        assert reply.expect(200).json() == {"ok": True}
        assert reply.content_type == "application/json"
    assert server.connections == 1  # one kept-alive connection for all three
    first = server.requests[0]
    assert first.target == "/api/v2/status?a=1&vdom=root&n=2"
    assert first.headers["accept"] == "application/json"
    assert first.headers["accept-encoding"] == "identity"
    assert first.headers["host"] == f"127.0.0.1:{server.port}"
    client.close()


def test_post_form_and_body_and_basic_auth(serve) -> None:
    server = serve(answer(b"ok", headers=("Content-Type: text/plain",)))
    client = HttpClient(basic_auth=("praxis\\monitor", "Geheim:123"))
    client.post(f"{server.url}/token", deadline(), form={"grant_type": "password", "p": "a&b"})
    client.request(
        "POST", f"{server.url}/soap", deadline(), body=b"<x/>", headers={"SOAPAction": '"a#b"'}
    )
    form, soap = server.requests
    assert form.body == b"grant_type=password&p=a%26b"
    assert form.headers["content-type"] == "application/x-www-form-urlencoded"
    assert form.headers["authorization"] == "Basic cHJheGlzXG1vbml0b3I6R2VoZWltOjEyMw=="
    assert soap.body == b"<x/>" and soap.headers["soapaction"] == '"a#b"'
    assert soap.headers["content-length"] == "4"


def test_chunked_answer_is_joined(serve) -> None:
    def chunked(request: Request, conn: socket.socket) -> bool:
        conn.sendall(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n")
        for part in (b"hello ", b"chunked ", b"world"):
            conn.sendall(f"{len(part):x}\r\n".encode() + part + b"\r\n")
        conn.sendall(b"0\r\n\r\n")
        return True

    server = serve(chunked)
    client = HttpClient()
    assert client.get(server.url, deadline()).body == b"hello chunked world"
    assert client.get(server.url, deadline()).body == b"hello chunked world"
    assert server.connections == 1


def test_read_to_close_answer(serve) -> None:
    def no_length(request: Request, conn: socket.socket) -> bool:
        conn.sendall(b"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n" + b"x" * 100_000)
        return False

    server = serve(no_length)
    client = HttpClient()
    assert len(client.get(server.url, deadline()).body) == 100_000
    assert len(client.get(server.url, deadline()).body) == 100_000
    assert server.connections == 2


def test_gzip_answer_is_decoded_within_the_bound(serve) -> None:
    payload = json.dumps({"x": "y" * 1000}).encode()
    server = serve(answer(gzip.compress(payload), headers=("Content-Encoding: gzip",)))
    client = HttpClient()
    assert client.get(server.url, deadline()).json() == {"x": "y" * 1000}
    bomb = serve(answer(gzip.compress(b"\0" * 50_000_000), headers=("Content-Encoding: gzip",)))
    with pytest.raises(ResponseTooLarge, match="larger than 1000000 bytes"):
        client.get(bomb.url, deadline(), max_bytes=1_000_000)
    deflated = serve(answer(zlib.compress(b"abc"), headers=("Content-Encoding: deflate",)))
    assert client.get(deflated.url, deadline()).body == b"abc"
    broken = serve(answer(b"not gzip at all", headers=("Content-Encoding: gzip",)))
    with pytest.raises(MalformedResponse, match="compressed"):
        client.get(broken.url, deadline())
    odd = serve(answer(b"x", headers=("Content-Encoding: br",)))
    with pytest.raises(MalformedResponse, match="content encoding"):
        client.get(odd.url, deadline())


def test_status_is_returned_and_redirects_are_not_followed(serve) -> None:
    server = serve(
        answer(b"", status="302 Found", headers=("Location: https://203.0.113.9/steal",))
    )
    reply = HttpClient().get(server.url, deadline())
    assert reply.status == 302 and reply.header("Location") == "https://203.0.113.9/steal"
    with pytest.raises(HttpStatusError, match="HTTP 302") as err:
        reply.expect(200)
    assert err.value.status == 302
    assert len(server.requests) == 1


# -- size ---------------------------------------------------------------------------------------


def test_declared_length_above_the_bound_fails_before_reading(serve) -> None:
    server = serve(answer(b"x" * 10, length=10_000_000))
    with pytest.raises(ResponseTooLarge, match="larger than 1000 bytes"):
        HttpClient().get(server.url, deadline(), max_bytes=1000)


@pytest.mark.parametrize("kind", ["no-length", "chunked", "lying-length"])
def test_endless_answer_is_cut_at_the_bound(serve, kind: str) -> None:
    sent = {"bytes": 0}

    def endless(request: Request, conn: socket.socket) -> bool:
        head = {
            "no-length": b"HTTP/1.1 200 OK\r\n\r\n",
            "chunked": b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n",
            "lying-length": b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n",
        }[kind]
        conn.sendall(head)
        block = b"y" * 65536
        if kind == "chunked":
            block = b"10000\r\n" + block + b"\r\n"
        try:
            for _ in range(1024):  # 64 MiB unless the client stops reading
                conn.sendall(block)
                sent["bytes"] += len(block)
        except OSError:
            pass
        return False

    server = serve(endless)
    client = HttpClient()
    if kind == "lying-length":
        # only the declared 100 bytes are read; the rest makes the connection unusable
        assert client.get(server.url, deadline()).body == b"y" * 100
        assert client.get(server.url, deadline()).body == b"y" * 100
        assert server.connections == 2
        return
    with pytest.raises(ResponseTooLarge, match="larger than 200000 bytes"):
        client.get(server.url, deadline(), max_bytes=200_000)


def test_body_shorter_than_its_length_is_truncated(serve) -> None:
    server = serve(answer(b'{"a": 1', length=500, keep=False))
    with pytest.raises(MalformedResponse, match="truncated"):
        HttpClient().get(server.url, deadline())


def test_broken_chunked_encoding_is_malformed(serve) -> None:
    def broken(request: Request, conn: socket.socket) -> bool:
        conn.sendall(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nabc")
        return False

    def bad_size(request: Request, conn: socket.socket) -> bool:
        conn.sendall(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n")
        return False

    for handler in (broken, bad_size):
        with pytest.raises(MalformedResponse, match=r"truncated|malformed"):
            HttpClient().get(serve(handler).url, deadline())


@pytest.mark.parametrize(
    "raw",
    [b"SSH-2.0-OpenSSH_9.6\r\n", b"HTTP/1.1 abc OK\r\n\r\n", b"HTTP/1.1 200 OK\r\n" + b"X" * 70000],
    ids=["not-http", "bad-status", "endless-header"],
)
def test_not_http_is_malformed(serve, raw: bytes) -> None:
    def send(request: Request, conn: socket.socket) -> bool:
        conn.sendall(raw)
        return False

    with pytest.raises(MalformedResponse, match="malformed answer"):
        HttpClient().get(serve(send).url, deadline())


def test_json_that_is_not_json(serve) -> None:
    reply = HttpClient().get(serve(answer(b'{"results": ')).url, deadline())
    with pytest.raises(MalformedResponse, match="not valid JSON"):
        reply.json()


# -- time ---------------------------------------------------------------------------------------


def test_silent_server_times_out_at_the_deadline() -> None:
    with BlackHole() as hole:
        started = time.monotonic()
        with pytest.raises(HttpTimeout, match="waiting for the answer"):
            HttpClient().get(f"http://{hole.address}/", deadline(0.5))
        assert time.monotonic() - started < 3


def test_silent_tls_server_times_out_in_the_handshake(tls: Tls) -> None:
    client = HttpClient(TLSOptions(ca_file=str(tls.ca)))
    with BlackHole() as hole, pytest.raises(HttpTimeout, match="connecting"):
        client.get(f"https://{hole.address}/", deadline(0.5))


@pytest.mark.parametrize("where", ["head", "body"])
def test_dripping_server_ends_at_the_deadline(serve, where: str) -> None:
    stop = threading.Event()

    def drip(request: Request, conn: socket.socket) -> bool:
        data = b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n" + b"z" * 1000
        start = 0 if where == "head" else data.index(b"\r\n\r\n") + 4
        conn.sendall(data[:start])
        for i in range(start, len(data)):
            if stop.is_set():
                break
            conn.sendall(data[i : i + 1])
            time.sleep(0.05)  # 50 s for everything
        return False

    server = serve(drip)
    started = time.monotonic()
    with pytest.raises(HttpTimeout, match="timed out"):
        HttpClient().get(server.url, deadline(1.0))
    took = time.monotonic() - started
    stop.set()
    assert took < 3


def test_expired_deadline_sends_nothing(serve) -> None:
    server = serve(answer())
    with pytest.raises(HttpTimeout, match="no time left"):
        HttpClient().get(server.url, Deadline.after(0))
    assert server.requests == []


# -- connections --------------------------------------------------------------------------------


def test_refused_and_unresolvable() -> None:
    with BlackHole() as hole:
        port = hole.port
    with pytest.raises(ConnectFailed, match="connection failed"):
        HttpClient().get(f"http://127.0.0.1:{port}/", deadline())
    with pytest.raises(ConnectFailed, match="not resolved"):
        HttpClient().get("http://name.invalid/", deadline())


def test_connection_closed_by_the_server_while_idle_is_replaced(serve) -> None:
    def once(request: Request, conn: socket.socket) -> bool:
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
        return False  # closes, but without saying so (no Connection: close)

    server = serve(once)
    client = HttpClient()
    for _ in range(3):
        time.sleep(0.05)
        assert client.get(server.url, deadline()).body == b"ok"
    assert server.connections == 3


def test_connection_closed_without_an_answer(serve) -> None:
    server = serve(lambda request, conn: False)
    with pytest.raises(ConnectFailed, match="without an answer"):
        HttpClient().get(server.url, deadline())


def test_urls_the_client_refuses() -> None:
    client = HttpClient()
    for url in ("ftp://host/x", "http:///x", "https://user:pw@host/", "http://host:99999/"):
        with pytest.raises(HttpError) as err:
            client.get(url, deadline())
        assert "pw" not in str(err.value)


# -- TLS ----------------------------------------------------------------------------------------


def test_https_with_ca_file_and_peer_chain(serve, tls: Tls) -> None:
    server = serve(answer(b"{}"), tls.server)
    client = HttpClient(TLSOptions(ca_file=str(tls.ca)), capture_peer_chain=True)
    reply = client.get(server.url, deadline())
    assert reply.status == 200
    assert len(reply.peer_chain) == 2  # leaf and CA as the server sent them
    assert client.get(server.url, deadline()).peer_chain == reply.peer_chain  # reused
    assert server.connections == 1


def test_untrusted_certificate_and_skip_verify(serve, tls: Tls) -> None:
    server = serve(answer(b"{}"), tls.server)
    with pytest.raises(TLSFailed, match="certificate verification failed"):
        HttpClient(TLSOptions(ca_file=str(tls.other_ca))).get(server.url, deadline())
    with pytest.raises(TLSFailed, match="certificate verification failed"):
        HttpClient().get(server.url, deadline())  # system CAs do not know the test CA
    insecure = HttpClient(TLSOptions(insecure_skip_verify=True))
    assert insecure.get(server.url, deadline()).status == 200


def test_host_name_is_checked(serve, tls: Tls) -> None:
    server = serve(answer(b"{}"), tls.server)
    url = server.url.replace("127.0.0.1", "localhost")  # not in the certificate's names
    with pytest.raises(TLSFailed, match="certificate verification failed"):
        HttpClient(TLSOptions(ca_file=str(tls.ca))).get(url, deadline())


def test_plain_http_port_behind_https_url() -> None:
    plain = Greeter(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")
    with plain, pytest.raises(TLSFailed, match="not a TLS port"):
        HttpClient().get(f"https://{plain.address}/", deadline())


def test_client_certificate(serve, tls: Tls, tmp_path: Path) -> None:
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(tls.ca.parent / "server.pem", tls.ca.parent / "server.key")
    ctx.load_verify_locations(tls.ca)
    ctx.verify_mode = ssl.CERT_REQUIRED
    server = serve(answer(b"{}"), ctx)
    with_cert = HttpClient(
        TLSOptions(str(tls.ca), cert_file=str(tls.client_cert), key_file=str(tls.client_key))
    )
    assert with_cert.get(server.url, deadline()).status == 200
    with pytest.raises((TLSFailed, ConnectFailed), match=r"client certificate|connection"):
        HttpClient(TLSOptions(ca_file=str(tls.ca))).get(server.url, deadline())
    missing = HttpClient(TLSOptions(ca_file=str(tmp_path / "nope.pem")))
    with pytest.raises(TLSFailed, match="cannot load ca_file"):
        missing.get(server.url, deadline())


def test_ca_file_is_reloaded_when_it_changes(serve, tls: Tls, tmp_path: Path) -> None:
    server = serve(answer(b"{}", keep=False), tls.server)
    ca = tmp_path / "ca.pem"
    ca.write_bytes(tls.other_ca.read_bytes())
    client = HttpClient(TLSOptions(ca_file=str(ca)))
    with pytest.raises(TLSFailed):
        client.get(server.url, deadline())
    ca.write_bytes(tls.ca.read_bytes())
    stat = ca.stat()
    os.utime(ca, (stat.st_atime, stat.st_mtime + 5))
    assert client.get(server.url, deadline()).status == 200


# -- secrets ------------------------------------------------------------------------------------


def test_messages_never_carry_secrets(serve) -> None:
    secret = "Bearer-Token-abc123"
    redaction.register(secret)
    try:
        err = HttpError(f"failed near {secret}")
        assert secret not in str(err)
        server = serve(answer(b"", status="401 Unauthorized"))
        client = HttpClient(headers={"Authorization": f"Bearer {secret}"})
        reply = client.get(f"{server.url}/x?token={secret}", deadline())
        with pytest.raises(HttpStatusError) as status:
            reply.expect()
        assert secret not in str(status.value)
        with BlackHole() as hole, pytest.raises(HttpTimeout) as timeout:
            client.get(f"http://{hole.address}/?token={secret}", deadline(0.3))
        assert secret not in str(timeout.value) and "token" not in str(timeout.value)
    finally:
        redaction.clear()
