"""UPS exporter (NUT target) vs NUT's own `upsc` (whole process) on the same upsd, same run.

A real upsd with dummy-ups serves the APC Back-UPS recording (`simulators/nut`), with a real
upsmon attached so `LIST CLIENT` has an entry. Each round times one `/probe?target=usb`
scrape of the exporter (connect, VER + LIST VAR + LIST CLIENT in one write, parse, render)
and one run of `upsc backups@host` (fork, exec, connect, LIST VAR, print): both give every
value of the UPS. The rounds alternate so that load on the host hits both alike. Prints the
medians, the latency ratio (goal < 1: faster than upsc per reading), the exporter's RSS
after all scrapes and upsc's peak RSS.

Run: `python -m bench.nut_bench [rounds]`.
"""

from __future__ import annotations

import resource
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import yaml

from devkit.exporter import ExporterProcess
from devkit.nut import NutServer, dev_file

UPS = "backups"


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def timed_scrape(url: str) -> tuple[float, str]:
    started = time.perf_counter()
    with urllib.request.urlopen(url, timeout=30) as resp:  # noqa: S310 (loopback http)
        body = resp.read().decode()
    return time.perf_counter() - started, body


def timed_upsc(address: str) -> tuple[float, str]:
    started = time.perf_counter()
    result = subprocess.run(
        ["upsc", f"{UPS}@{address}"], capture_output=True, text=True, check=True, timeout=30
    )
    return time.perf_counter() - started, result.stdout


def main(rounds: int = 300) -> None:
    with tempfile.TemporaryDirectory(prefix="nut-bench-") as tmp:
        work = Path(tmp)
        nut = NutServer(work / "nut", {UPS: dev_file("apc-back-ups-es-700")})
        try:
            nut.attach_upsmon(UPS)
            config = work / "ups.yml"
            config.write_text(
                yaml.safe_dump(
                    {
                        "targets": {
                            "usb": {
                                "nut": {"address": nut.address, "ups": UPS},
                                "expected_shutdown_clients": ["127.0.0.1"],
                            }
                        }
                    }
                )
            )
            ours = ExporterProcess("ups", config, work, extra_args=["--log.level=warn"])
            try:
                url = f"{ours.url}/probe?target=usb"
                _, body = timed_scrape(url)  # warm-up
                assert 'ups_battery_runtime_seconds{target="usb"} 2280.0' in body, body
                assert 'ups_shutdown_client_attached{client="127.0.0.1"' in body, body
                _, text = timed_upsc(nut.address)
                assert "battery.runtime: 2280" in text, text
                mine: list[float] = []
                theirs: list[float] = []
                for _ in range(rounds):
                    mine.append(timed_scrape(url)[0])
                    theirs.append(timed_upsc(nut.address)[0])
                ours_ms = statistics.median(mine) * 1000
                upsc_ms = statistics.median(theirs) * 1000
                upsc_rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
                print(f"{rounds} alternating rounds, one upsd (dummy-ups), one upsmon attached")
                print(
                    f"praxis-ups-exporter /probe  median {ours_ms:6.2f} ms  "
                    f"p90 {sorted(mine)[int(rounds * 0.9) - 1] * 1000:6.2f} ms"
                )
                print(
                    f"upsc (whole process)        median {upsc_ms:6.2f} ms  "
                    f"p90 {sorted(theirs)[int(rounds * 0.9) - 1] * 1000:6.2f} ms"
                )
                print(f"latency ratio (exporter/upsc, median) {ours_ms / upsc_ms:.2f} (goal < 1)")
                print(
                    f"RSS exporter after {rounds + 1} scrapes {rss_mib(ours.pid):.1f} MiB; "
                    f"upsc peak {upsc_rss:.1f} MiB (largest child of this process)"
                )
            finally:
                ours.stop()
        finally:
            nut.stop()


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 300)
