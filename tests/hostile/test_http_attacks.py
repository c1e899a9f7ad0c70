"""Items 2, 3, 4, 8 and the HTTP parts of 12 of issue 18, against a real exporter process:
huge and slow request heads, the listen backlog, one write per response, request
smuggling on keep-alive, strict Content-Length, short bodies, HTTP/0.9, plain HTTP split
into pieces on the TLS port. Bounded in count and time, loopback only, no timing asserts."""

from __future__ import annotations

import re
import socket
import ssl
import subprocess
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from devkit import pki
from devkit.exporter import ExporterProcess
from tests.hostile.helpers import bcrypt_hash, raw_exchange, start_sample, status_of


@pytest.fixture(scope="module")
def exporter(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ExporterProcess]:
    proc = start_sample(tmp_path_factory.mktemp("http"))
    yield proc
    proc.stop()


def _statuses(data: bytes) -> list[int]:
    return [int(code) for code in re.findall(rb"HTTP/1\.[01] (\d{3}) ", data)]


def _rss_peak_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    raise AssertionError("no VmHWM")


# -- item 2: memory before authentication ------------------------------------------------


def test_total_header_size_is_bounded(exporter: ExporterProcess) -> None:
    headers = b"".join(b"X-Pad-%d: %s\r\n" % (i, b"a" * 1000) for i in range(40))  # 40 KB
    reply = raw_exchange(exporter.port, b"GET /metrics HTTP/1.1\r\nHost: x\r\n" + headers + b"\r\n")
    assert status_of(reply) == 431
    small = raw_exchange(exporter.port, b"GET /-/healthy HTTP/1.1\r\nConnection: close\r\n\r\n")
    assert status_of(small) == 200


def _send_huge_head(port: int, tls: bool = False) -> None:
    line = b"X-Big: " + b"b" * (60 * 1024) + b"\r\n"
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=30) as raw:
            sock = raw
            if tls:
                ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
                ctx.check_hostname = False
                ctx.verify_mode = ssl.CERT_NONE
                sock = ctx.wrap_socket(raw, server_hostname="localhost")
            sock.sendall(b"GET /metrics HTTP/1.1\r\nHost: x\r\n")
            for _ in range(98):
                sock.sendall(line)
            sock.sendall(b"\r\n")
            sock.recv(4096)
    except OSError:
        pass  # the server answered 431 and closed while we were still sending


def test_many_huge_heads_at_once_stay_within_memory(exporter: ExporterProcess) -> None:
    before = _rss_peak_kib(exporter.pid)
    with ThreadPoolExecutor(16) as pool:
        list(pool.map(lambda _: _send_huge_head(exporter.port), range(16)))
    # before the fix: ~40 MB per connection while parsed, 16 at once -> several 100 MB
    assert _rss_peak_kib(exporter.pid) - before < 120 * 1024
    assert exporter.alive()


def test_huge_heads_with_tls_and_basic_auth_stay_within_memory(tmp_path: Path) -> None:
    # the attack as reported: TLS and basic auth on, every answer 401, 1.5 GB peak before
    ca = pki.make_ca("hostile CA")
    server = pki.make_cert("localhost", ca, sans=["localhost", "127.0.0.1"])
    cert = pki.write_pem(tmp_path / "s.pem", server)
    key = pki.write_key(tmp_path / "s.key", server)
    proc = start_sample(
        tmp_path,
        web_config=f"tls_server_config:\n  cert_file: {cert}\n  key_file: {key}\n"
        f"basic_auth_users:\n  prom: {bcrypt_hash()}\n",
        scheme="https",
    )
    try:
        before = _rss_peak_kib(proc.pid)
        with ThreadPoolExecutor(16) as pool:
            list(pool.map(lambda _: _send_huge_head(proc.port, tls=True), range(16)))
        assert _rss_peak_kib(proc.pid) - before < 120 * 1024
        assert proc.alive()
    finally:
        proc.stop()


def test_slow_head_and_short_body_end_with_an_answer(exporter: ExporterProcess) -> None:
    """A head dripped byte by byte and a body shorter than its Content-Length each held a
    thread for a minute per byte; both now end with an answer within a bound."""

    def drip() -> bytes:
        with socket.create_connection(("127.0.0.1", exporter.port), timeout=40) as sock:
            request = b"GET /metrics HTTP/1.1\r\nX-Slow: " + b"s" * 200
            for byte in request:
                try:
                    sock.sendall(bytes([byte]))
                except OSError:
                    break
                sock.settimeout(0.5)
                try:
                    answer = sock.recv(4096)
                    if answer:
                        return answer
                except TimeoutError:
                    continue
            return b""

    def short_body() -> bytes:
        return raw_exchange(
            exporter.port,
            b"POST /-/reload HTTP/1.1\r\nContent-Length: 100\r\n\r\n" + b"x" * 10,
            timeout=40,
        )

    with ThreadPoolExecutor(2) as pool:
        dripped = pool.submit(drip)
        short = pool.submit(short_body)
        assert status_of(dripped.result()) == 408
        assert status_of(short.result()) == 400


# -- item 3: listen backlog --------------------------------------------------------------


def test_listen_backlog_is_the_os_maximum(exporter: ExporterProcess) -> None:
    out = subprocess.run(
        ["ss", "-Hltn", f"sport = :{exporter.port}"], capture_output=True, text=True, check=True
    ).stdout.split()
    backlog = int(out[2])  # Send-Q of a listening socket is its backlog
    expected = min(4096, int(Path("/proc/sys/net/core/somaxconn").read_text()))
    assert backlog >= min(expected, socket.SOMAXCONN)
    assert backlog > 5


def test_burst_of_connections_is_answered(exporter: ExporterProcess) -> None:
    def one(_: int) -> int:
        return status_of(
            raw_exchange(exporter.port, b"GET /-/healthy HTTP/1.1\r\nConnection: close\r\n\r\n")
        )

    with ThreadPoolExecutor(64) as pool:
        assert set(pool.map(one, range(200))) == {200}


# -- item 4: one write per response ------------------------------------------------------


def test_keep_alive_response_leaves_in_one_piece(exporter: ExporterProcess) -> None:
    """Headers and body in one write: the first recv holds the whole response. Before the
    fix the body was a second write held back by Nagle for the client's delayed ACK."""
    whole = 0
    with socket.create_connection(("127.0.0.1", exporter.port), timeout=30) as sock:
        for _ in range(10):
            sock.sendall(b"GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n")
            first = sock.recv(1 << 20)
            head, _, body = first.partition(b"\r\n\r\n")
            length = int(
                next(
                    ln for ln in head.split(b"\r\n") if ln.lower().startswith(b"content-length")
                ).split(b":")[1]
            )
            whole += len(body) == length
            while len(body) < length:
                body += sock.recv(1 << 20)
    assert whole >= 8


# -- item 8: request smuggling on keep-alive -----------------------------------------------


def test_unused_body_is_not_parsed_as_the_next_request(exporter: ExporterProcess) -> None:
    smuggled = b"GET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n"
    request = (
        b"GET /-/healthy HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n\r\n" % len(smuggled)
        + smuggled
        + b"GET /-/healthy HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
    )
    assert _statuses(raw_exchange(exporter.port, request)) == [200, 200]
    # an error closes the connection: nothing after it is read as a request
    request = (
        b"POST /-/healthy HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n\r\n" % len(smuggled)
        + smuggled
    )
    assert _statuses(raw_exchange(exporter.port, request)) == [405]


@pytest.mark.parametrize("value", [b"1_0", b"+10", b"1 0", b"0x10", b"-1", b"10, 11"])
def test_content_length_is_strict(exporter: ExporterProcess, value: bytes) -> None:
    request = b"POST /-/reload HTTP/1.1\r\nContent-Length: " + value + b"\r\n\r\n" + b"x" * 10
    request += b"GET /-/healthy HTTP/1.1\r\n\r\n"
    assert _statuses(raw_exchange(exporter.port, request)) == [400]


def test_conflicting_content_lengths_and_chunked_are_refused(exporter: ExporterProcess) -> None:
    two = b"POST /-/reload HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nxx"
    assert _statuses(raw_exchange(exporter.port, two)) == [400]
    chunked = b"POST /-/reload HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"
    assert _statuses(raw_exchange(exporter.port, chunked)) == [411]


# -- item 12: HTTP/0.9, unknown methods ----------------------------------------------------


def test_http_09_is_answered_at_once(exporter: ExporterProcess) -> None:
    # before the fix the server waited 60 s for headers an HTTP/0.9 client never sends
    reply = raw_exchange(exporter.port, b"GET /metrics\r\n", timeout=20)
    assert status_of(reply) == 400
    assert b"HTTP/0.9" in reply


def test_what_held_still_holds(exporter: ExporterProcess) -> None:
    long_line = b"GET /" + b"a" * 70000 + b" HTTP/1.1\r\n\r\n"
    assert status_of(raw_exchange(exporter.port, long_line)) == 414
    assert status_of(raw_exchange(exporter.port, b"BREW /pot HTTP/1.1\r\n\r\n")) == 501
    assert status_of(raw_exchange(exporter.port, b"GARBAGE\r\n\r\n")) == 400
    many = b"".join(b"X-%d: a\r\n" % i for i in range(101))
    assert status_of(raw_exchange(exporter.port, b"GET / HTTP/1.1\r\n" + many + b"\r\n")) == 431
    pipelined = b"".join(b"GET /-/healthy HTTP/1.1\r\nHost: x\r\n\r\n" for _ in range(50))
    pipelined += b"GET /-/healthy HTTP/1.1\r\nConnection: close\r\n\r\n"
    assert _statuses(raw_exchange(exporter.port, pipelined)) == [200] * 51


# -- item 12: plain HTTP to the TLS port, split in two packets ------------------------------


def test_split_plain_http_on_tls_port_gets_400(tmp_path: Path) -> None:
    ca = pki.make_ca("hostile CA")
    server = pki.make_cert("localhost", ca, sans=["localhost", "127.0.0.1"])
    cert = pki.write_pem(tmp_path / "s.pem", server)
    key = pki.write_key(tmp_path / "s.key", server)
    proc = start_sample(
        tmp_path, web_config=f"tls_server_config:\n  cert_file: {cert}\n  key_file: {key}\n"
    )
    try:
        with socket.create_connection(("127.0.0.1", proc.port), timeout=20) as sock:
            sock.sendall(b"GE")
            time.sleep(0.2)  # two TCP segments, as a slow client sends them
            sock.sendall(b"T /metrics HTTP/1.1\r\nHost: x\r\n\r\n")
            reply = b""
            while chunk := sock.recv(4096):
                reply += chunk
        assert status_of(reply) == 400
        assert b"HTTPS server" in reply
    finally:
        proc.stop()


def test_response_header_injection_is_refused(tmp_path: Path) -> None:
    from tests.hostile.helpers import run_once

    (tmp_path / "c.yml").write_text("targets: {}\n")
    (tmp_path / "web.yml").write_text(
        'http_server_config:\n  headers:\n    X-Frame-Options: "deny\\r\\nSet-Cookie: a=b"\n'
    )
    result = run_once(
        f"--config.file={tmp_path / 'c.yml'}", f"--web.config.file={tmp_path / 'web.yml'}"
    )
    assert result.returncode == 2
    assert "control characters" in result.stderr


def test_rate_limit_is_applied(tmp_path: Path) -> None:
    proc = start_sample(tmp_path, web_config="rate_limit:\n  interval: 1m\n  burst: 3\n")
    try:
        codes = [
            status_of(
                raw_exchange(proc.port, b"GET /-/healthy HTTP/1.1\r\nConnection: close\r\n\r\n")
            )
            for _ in range(5)
        ]
        # the wait for listening used up to one token (a TCP connect, no request)
        assert codes[-1] == 429
        assert codes.count(200) <= 3 and 200 in codes
    finally:
        proc.stop()


def test_rate_limit_without_burst_is_refused(tmp_path: Path) -> None:
    from tests.hostile.helpers import run_once

    (tmp_path / "c.yml").write_text("targets: {}\n")
    (tmp_path / "web.yml").write_text("rate_limit:\n  interval: 1s\n")
    result = run_once(
        f"--config.file={tmp_path / 'c.yml'}", f"--web.config.file={tmp_path / 'web.yml'}"
    )
    assert result.returncode == 2
    assert "burst must be at least 1" in result.stderr


def _client_hello() -> bytes:
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    incoming, outgoing = ssl.MemoryBIO(), ssl.MemoryBIO()
    client = ctx.wrap_bio(incoming, outgoing, server_hostname="localhost")
    with pytest.raises(ssl.SSLWantReadError):
        client.do_handshake()
    return outgoing.read()


def test_tls_handshake_dripped_byte_by_byte_is_cut_off(tmp_path: Path) -> None:
    """What held, keep it so: Python's ssl bounds the whole handshake by the socket
    timeout (10 s), not each read, so a dripped ClientHello cannot hold a thread."""
    ca = pki.make_ca("hostile CA")
    server = pki.make_cert("localhost", ca, sans=["localhost", "127.0.0.1"])
    cert = pki.write_pem(tmp_path / "s.pem", server)
    key = pki.write_key(tmp_path / "s.key", server)
    proc = start_sample(
        tmp_path, web_config=f"tls_server_config:\n  cert_file: {cert}\n  key_file: {key}\n"
    )
    hello = _client_hello()
    closed = False
    try:
        with socket.create_connection(("127.0.0.1", proc.port), timeout=10) as sock:
            sock.settimeout(0.5)
            for i in range(60):  # 60 bytes over ~30 s: well below the ClientHello's size
                try:
                    sock.sendall(hello[i : i + 1])
                    if sock.recv(4096) == b"":
                        closed = True
                        break
                except TimeoutError:
                    continue
                except OSError:
                    closed = True
                    break
        assert closed, "the server still waited for the handshake after 30 s"
        assert len(hello) > 60
    finally:
        proc.stop()
