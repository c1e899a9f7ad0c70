"""Basic auth under password guessing: do scrapes with valid credentials stay fast?

Before issue 18, 16 guessing connections ran bcrypt on every CPU at once and a scrape with
valid (cached) credentials took ~1 s. Now at most half the CPUs check passwords at once
and cached credentials never wait for a check. This starts the sample exporter (core only)
with a cost-10 bcrypt user, measures `/metrics` with valid credentials alone and while 16
threads guess, and prints the medians, the worst scrape, their ratio and the guess rate.
Run: `python -m bench.auth_bench [--seconds 10] [--guessers 16]`.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import threading
import time
from pathlib import Path

import bcrypt
import requests

from devkit.exporter import ExporterProcess
from devkit.procs import port_open

PASSWORD = "bench-password-1"


def scrape_times(url: str, seconds: float) -> list[float]:
    out = []
    end = time.monotonic() + seconds
    with requests.Session() as session:
        session.auth = ("prom", PASSWORD)
        while time.monotonic() < end:
            start = time.perf_counter()
            assert session.get(url, timeout=60).status_code == 200
            out.append(time.perf_counter() - start)
            time.sleep(0.05)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--guessers", type=int, default=16)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="auth-bench-"))
    (work / "c.yml").write_text("targets: {}\n")
    hashed = bcrypt.hashpw(PASSWORD.encode(), bcrypt.gensalt(rounds=10)).decode()
    (work / "web.yml").write_text(f"basic_auth_users:\n  prom: {hashed}\n")
    proc = ExporterProcess(
        "sample",
        work / "c.yml",
        work,
        module="devkit.sample_exporter",
        extra_args=[f"--web.config.file={work / 'web.yml'}"],
    )
    try:
        proc.wait_until(lambda: port_open("127.0.0.1", proc.port), what="listening")
        url = f"{proc.url}/metrics"
        scrape_times(url, 1.0)  # the first check is not cached
        alone = scrape_times(url, args.seconds / 2)
        stop = threading.Event()
        guesses = [0]
        codes: dict[int, int] = {}

        def guess(n: int) -> None:
            with requests.Session() as session:
                i = 0
                while not stop.is_set():
                    code = session.get(url, auth=("prom", f"guess-{n}-{i}"), timeout=60).status_code
                    codes[code] = codes.get(code, 0) + 1
                    guesses[0] += 1
                    i += 1

        threads = [threading.Thread(target=guess, args=(n,)) for n in range(args.guessers)]
        for t in threads:
            t.start()
        began = time.monotonic()
        busy = scrape_times(url, args.seconds)
        stop.set()
        for t in threads:
            t.join()
        rate = guesses[0] / (time.monotonic() - began)
        a, b = statistics.median(alone) * 1000, statistics.median(busy) * 1000
        print(f"valid scrape alone           median {a:8.2f} ms")
        worst = max(busy) * 1000
        print(f"valid scrape, {args.guessers} guessing   median {b:8.2f} ms  max {worst:8.2f} ms")
        print(f"ratio guessing/alone: {b / a:6.2f}   (before issue 18: 7.4, worst scrape 1.05 s)")
        print(f"guesses per second: {rate:6.1f}   answers: {dict(sorted(codes.items()))}")
    finally:
        proc.stop()


if __name__ == "__main__":
    main()
