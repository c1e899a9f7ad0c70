"""HTTP server of `exporters.core`: keep-alive vs new connections, against a Go peer.

Prometheus reuses its connection for every scrape. Before issue 18, headers and body left
in two writes without TCP_NODELAY, so every response on a reused connection waited ~40 ms
for the client's delayed ACK (Nagle): keep-alive was ~60x *slower* than a new connection.
This scrapes `/metrics` of the sample exporter (core only) and of Debian's
prometheus-blackbox-exporter (Go's net/http) over one kept-alive connection and over a new
connection per request, alternating, and prints medians and ratios. A keep-alive/new ratio
near or below 1 means the delay is gone. Also: a burst of simultaneous connections (the
listen backlog). Run: `python -m bench.http_bench [--requests 300] [--burst 200]`.
"""

from __future__ import annotations

import argparse
import http.client
import socket
import statistics
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from devkit.exporter import ExporterProcess
from devkit.ports import free_port
from devkit.procs import ServiceProcess, http_ok


def keep_alive(port: int, n: int) -> list[float]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    out = []
    for _ in range(n):
        start = time.perf_counter()
        conn.request("GET", "/metrics")
        resp = conn.getresponse()
        resp.read()
        out.append(time.perf_counter() - start)
    conn.close()
    return out


def new_connections(port: int, n: int) -> list[float]:
    out = []
    for _ in range(n):
        start = time.perf_counter()
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        conn.request("GET", "/metrics", headers={"Connection": "close"})
        conn.getresponse().read()
        conn.close()
        out.append(time.perf_counter() - start)
    return out


def burst(port: int, n: int) -> tuple[float, int]:
    """n connections at once, each one GET; (seconds until all answered, answered)."""

    def one(_: int) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=60) as sock:
                sock.sendall(b"GET /-/healthy HTTP/1.1\r\nHost: bench\r\nConnection: close\r\n\r\n")
                return sock.recv(64).startswith(b"HTTP/1.1 200")
        except OSError:
            return False

    start = time.perf_counter()
    with ThreadPoolExecutor(n) as pool:
        answered = sum(pool.map(one, range(n)))
    return time.perf_counter() - start, answered


def ms(values: list[float]) -> str:
    ordered = sorted(values)
    p90 = ordered[int(0.9 * (len(ordered) - 1))]
    return f"median {statistics.median(values) * 1000:7.2f} ms  p90 {p90 * 1000:7.2f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--burst", type=int, default=200)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="http-bench-"))
    (work / "c.yml").write_text("targets: {}\n")
    ours = ExporterProcess("sample", work / "c.yml", work, module="devkit.sample_exporter")
    go_port = free_port()
    (work / "blackbox.yml").write_text("modules:\n  tcp:\n    prober: tcp\n")
    go = ServiceProcess(
        "blackbox",
        [
            "prometheus-blackbox-exporter",
            f"--config.file={work / 'blackbox.yml'}",
            f"--web.listen-address=127.0.0.1:{go_port}",
        ],
        work / "blackbox.log",
    )
    try:
        go.wait_until(lambda: http_ok(f"http://127.0.0.1:{go_port}/metrics"), what="ready")
        rows = {}
        for name, port in (("praxis (core)", ours.port), ("blackbox (Go)", go_port)):
            keep_alive(port, 20)  # warm up
            ka: list[float] = []
            new: list[float] = []
            for _ in range(5):
                ka += keep_alive(port, args.requests // 5)
                new += new_connections(port, args.requests // 5)
            rows[name] = (ka, new)
            print(f"{name:14s} keep-alive      {ms(ka)}")
            print(f"{name:14s} new connection  {ms(new)}")
            ratio = statistics.median(ka) / statistics.median(new)
            before = "  (before issue 18: 60, i.e. 44 ms per scrape)" if port == ours.port else ""
            print(f"{name:14s} keep-alive/new  {ratio:5.2f}{before}")
        ours_ka = statistics.median(rows["praxis (core)"][0])
        go_ka = statistics.median(rows["blackbox (Go)"][0])
        print(f"keep-alive /metrics praxis/Go ratio: {ours_ka / go_ka:5.2f}")
        for name, port in (("praxis (core)", ours.port), ("blackbox (Go)", go_port)):
            seconds, answered = burst(port, args.burst)
            print(
                f"{name:14s} burst of {args.burst} connections: {answered} answered "
                f"in {seconds:.2f} s"
            )
    finally:
        ours.stop()
        go.stop()


if __name__ == "__main__":
    main()
