"""Firebird exporter: scrape latency under load and memory over many scrapes.

Load: 200 open attachments holding 1 000 prepared statements (5 each) on the real Firebird 3
server. The exporter runs as a process; /metrics is scraped over HTTP. Goals from issue 5:
under 100 ms per scrape, no growth of the exporter's memory over 1 000 scrapes. No peer
Firebird exporter runs here, so the ratios are against those goals. Run:
`python -m bench.firebird_bench [--attachments 200] [--statements 1000] [--scrapes 1000]`.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import fdb

from devkit import firebird as fb
from devkit.exporter import ExporterProcess, parse_samples, value

GOAL_SECONDS = 0.100


def rss_bytes(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise RuntimeError("no VmRSS")


def open_load(
    dsn: str, server: fb.FirebirdServer, attachments: int, statements: int
) -> list[tuple[Any, ...]]:
    """Attachments, each with prepared statements kept open (as a PVS client holds them)."""
    held: list[tuple[Any, ...]] = []
    per = max(1, statements // attachments)
    for _ in range(attachments):
        con = fdb.connect(dsn=dsn, user=server.user, password=server.password)
        cur = con.cursor()
        prepared = [
            cur.prep("select count(*) from rdb$relations where rdb$relation_id > ?")
            for _ in range(per)
        ]
        held.append((con, cur, prepared))
    return held


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--attachments", type=int, default=200)
    parser.add_argument("--statements", type=int, default=1000)
    parser.add_argument("--scrapes", type=int, default=1000)
    args = parser.parse_args()

    server = fb.ensure_server()
    path = fb.database_dir("bench") / "bench.fdb"
    dsn = fb.create_database(server, path)
    load = open_load(dsn, server, args.attachments, args.statements)
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        (workdir / "pw").write_text(server.password)
        config = workdir / "firebird.yml"
        config.write_text(
            f"timeout: 10s\ntargets:\n  bench:\n    dsn: {dsn}\n    password_file: pw\n"
        )
        exporter = ExporterProcess("firebird", config, workdir, extra_args=["--log.level=warn"])
        try:
            samples = parse_samples(exporter.get("/metrics"))
            seen = value(samples, "firebird_attachments", target="bench", state="idle")
            stmts = sum(
                value(samples, "firebird_statements", target="bench", state=s) or 0
                for s in ("idle", "active", "stalled")
            )
            for _ in range(20):  # warm up allocator and caches before the first RSS reading
                exporter.get("/metrics")
            rss_start = rss_bytes(exporter.pid)
            latencies = []
            rss_mid = rss_start
            for i in range(args.scrapes):
                started = time.perf_counter()
                exporter.get("/metrics")
                latencies.append(time.perf_counter() - started)
                if i == args.scrapes // 2:
                    rss_mid = rss_bytes(exporter.pid)
            rss_end = rss_bytes(exporter.pid)
        finally:
            exporter.stop()
    for con, cur, _ in load:
        cur.close()
        con.close()
    path.unlink(missing_ok=True)

    latencies.sort()
    median = statistics.median(latencies)
    p95 = latencies[int(len(latencies) * 0.95) - 1]
    print(
        f"firebird exporter, {args.attachments} attachments / {args.statements} prepared "
        f"statements (MON$ sees {seen:.0f} attachments, {stmts:.0f} statements)"
    )
    print(
        f"  scrape latency over {args.scrapes} scrapes: median {median * 1000:.1f} ms, "
        f"p95 {p95 * 1000:.1f} ms, max {latencies[-1] * 1000:.1f} ms"
    )
    print(
        f"  ratio median / goal (100 ms): {median / GOAL_SECONDS:.2f}  "
        f"p95 / goal: {p95 / GOAL_SECONDS:.2f}"
    )
    print(
        f"  exporter RSS: start {rss_start / 2**20:.1f} MiB, half-way {rss_mid / 2**20:.1f} MiB,"
        f" end {rss_end / 2**20:.1f} MiB; growth second half "
        f"{(rss_end - rss_mid) / 2**10:.0f} KiB (ratio end/start {rss_end / rss_start:.3f})"
    )


if __name__ == "__main__":
    main()
