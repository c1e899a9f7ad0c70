"""Backup exporter: 100 `files` targets over a tree of 200 000 files, vs GNU find.

Builds the tree in a temp dir (100 backup folders x 2 000 files in year/month subfolders,
half of them `.fbk` dumps, half logs), starts the exporter as a process with one target per
folder (`<folder>/**/*.fbk`, min_size_bytes) and scrapes `/metrics`. The peer is what a
textfile-collector script would do: `find <folder> -name '*.fbk' -printf '%s %T@\\n'` for
every folder, run the same number of times, alternating with the exporter.
Goals (issue 4): one scrape under 2 s on 2 cores; RSS stable across 1 000 scrapes.
Run: `python -m bench.backup_bench [--files 200000] [--targets 100] [--scrapes 1000]`.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from devkit.exporter import ExporterProcess, parse_samples, value

MIB = 1024 * 1024


def rss_bytes(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise RuntimeError("no VmRSS")


def build_tree(root: Path, files: int, targets: int) -> None:
    per_target = files // targets
    now = time.time()
    for t in range(targets):
        for i in range(per_target):
            month = root / f"job{t:03d}" / f"{2020 + i % 5}" / f"{1 + i % 12:02d}"
            if i < 60:
                month.mkdir(parents=True, exist_ok=True)
            path = month / (f"praxis-{i}.fbk" if i % 2 == 0 else f"praxis-{i}.log")
            with open(path, "wb") as fh:
                fh.truncate(2048 if i % 2 == 0 else 100)
            when = now - (per_target - i) * 3600
            os.utime(path, (when, when))


def scrape(url: str) -> tuple[float, str]:
    start = time.perf_counter()
    with urllib.request.urlopen(url, timeout=60) as resp:  # noqa: S310 (loopback http)
        body = resp.read().decode()
    return time.perf_counter() - start, body


def find_all(root: Path, targets: int) -> float:
    start = time.perf_counter()
    for t in range(targets):
        subprocess.run(
            ["find", str(root / f"job{t:03d}"), "-name", "*.fbk", "-printf", "%s %T@\\n"],
            stdout=subprocess.DEVNULL,
            check=True,
        )
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--files", type=int, default=200_000)
    parser.add_argument("--targets", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=5, help="alternating timed rounds")
    parser.add_argument("--scrapes", type=int, default=1000, help="scrapes for the RSS check")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="backup-bench-") as tmp:
        root = Path(tmp) / "nas"
        t0 = time.perf_counter()
        build_tree(root, args.files, args.targets)
        print(
            f"tree: {args.files} files in {args.targets} folders, built in "
            f"{time.perf_counter() - t0:.1f}s"
        )
        config = Path(tmp) / "backup.yml"
        config.write_text(
            "timeout: 30s\ntargets:\n"
            + "".join(
                f"  job{t:03d}:\n    type: files\n    path: {root}/job{t:03d}/**/*.fbk\n"
                "    min_size_bytes: 1024\n"
                for t in range(args.targets)
            )
        )
        exporter = ExporterProcess("backup", config, Path(tmp), extra_args=["--log.level=info"])
        try:
            url = f"{exporter.url}/metrics"
            _, body = scrape(url)  # warm-up (page cache, imports)
            samples = parse_samples(body)
            assert (
                value(samples, "backup_files", target="job000") == args.files // args.targets // 2
            )
            ours, peer = [], []
            for _ in range(args.rounds):
                ours.append(scrape(url)[0])
                peer.append(find_all(root, args.targets))
            o, p = statistics.median(ours), statistics.median(peer)
            print(
                f"one scrape of {args.targets} targets: median {o:.3f}s "
                f"(max {max(ours):.3f}s; goal < 2 s: {'met' if max(ours) < 2 else 'MISSED'})"
            )
            print(f"peer: {args.targets} x GNU find: median {p:.3f}s")
            print(f"ratio exporter/find: {o / p:.2f}")
            rss_start = rss_bytes(exporter.pid)
            rss_mid = rss_start
            t1 = time.perf_counter()
            for i in range(args.scrapes):
                scrape(url)
                if i == args.scrapes // 10:
                    rss_mid = rss_bytes(exporter.pid)
            elapsed = time.perf_counter() - t1
            rss_end = rss_bytes(exporter.pid)
            print(f"{args.scrapes} scrapes in {elapsed:.0f}s ({elapsed / args.scrapes:.3f}s each)")
            print(
                f"RSS: start {rss_start / MIB:.1f} MiB, after {args.scrapes // 10} scrapes "
                f"{rss_mid / MIB:.1f} MiB, end {rss_end / MIB:.1f} MiB "
                f"(growth after warm-up {(rss_end - rss_mid) / MIB:+.1f} MiB)"
            )
        finally:
            exporter.stop()
    sys.stdout.flush()


if __name__ == "__main__":
    main()
