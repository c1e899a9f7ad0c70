"""The fleet at scale: VictoriaMetrics (single node, 1.79) vs Prometheus (2.42) as the
central store of many practices, same data, same machine, same run.

Each simulated practice is the demo practice's real exposition (tests/ops/fixtures/
demo-practice, captured with `python -m devkit.fleet capture`) relabelled with its own
`site`, plus the scrape series an agent adds; about 2 % are in trouble (a UPS on battery,
a 3-day-old backup, the SQL Server exporter down). Counters grow, durations jitter, the
rest keeps its value (as states, limits and flags do). Both stores ingest the same
remote-write requests through their production write path (Prometheus'
--web.enable-remote-write-receiver, VictoriaMetrics' /api/v1/write), 30 s apart per sample.

Two phases, bounded so that one run stays under about ten minutes on two cores:
1. "fleet": N practices (default 100 and 300), 20 minutes of samples around now; then
   every rule file is evaluated (Prometheus itself, vmalert against VictoriaMetrics, 30 s
   groups as shipped) and the fleet board's and the overview's queries are timed. Measured:
   ingestion rate and CPU, resident memory, board query p50/p95, rule group evaluation
   time; extrapolated to 1 000 practices with the slope between the two sizes.
2. "day": M practices (default 5), 24 hours at 30 s, time-ordered like a live fleet; then
   bytes per sample on disk (VictoriaMetrics after a forced merge, Prometheus' compacted
   blocks), scaled to disk per day for 1 000 practices.

Goals (issue 19): slowest board panel < 1 s at 1 000 practices, every rule group in under
a tenth of its interval (3 s of 30 s). Not part of the test suite.

Run: `python -m bench.fleet_bench [--practices 100,300] [--day-practices 5]`.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import tempfile
import time
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from devkit.dashboards import DASHBOARD_DIR, expand_variables, load, panel_queries
from devkit.fleet import fleet_series, load_fixture
from devkit.procs import ServiceProcess
from devkit.prometheus import Prometheus, rule_files
from devkit.remote_write import SampleEncoder, encode_labels, send, write_request
from devkit.victoria import VictoriaMetrics, VMAlert

INTERVAL_S = 30
RULE_INTERVAL = "10s"
"""Evaluated every 10 s here to get three evaluations quickly; the shipped central config
evaluates every 30 s, which the goal (a tenth of the interval) refers to."""
GOAL_INTERVAL_S = 30
TROUBLE_EVERY = 50
BATCH_SERIES = 2000
SENDERS = 2
CLK_TCK = os.sysconf("SC_CLK_TCK")

Labels = tuple[tuple[str, str], ...]


# --- the simulated fleet ------------------------------------------------------------------


@dataclass
class Series:
    labels: Labels
    value: float
    kind: str  # "const", "counter", "jitter"


def practice(expositions: dict[str, str], index: int, now: float) -> list[Series]:
    """One practice's series; every TROUBLE_EVERY-th is in trouble."""
    site = f"praxis-{index:04d}"
    trouble = index % TROUBLE_EVERY == 1
    out = []
    for labels, value in fleet_series(expositions, site):
        d = dict(labels)
        name = d["__name__"]
        if trouble:
            if name == "ups_on_battery" and d.get("target") == "usv-server":
                value = 1.0
            elif name == "backup_last_success_timestamp_seconds":
                value = now - 3 * 86400
            elif name == "up" and d["job"] == "praxis-mssql":
                value = 0.0
        if name.endswith(("_total", "_count", "_sum")):
            kind = "counter"
        elif name.endswith("_seconds") and not name.endswith("_timestamp_seconds"):
            kind = "jitter" if value and not float(value).is_integer() else "const"
        elif name == "scrape_duration_seconds":
            kind = "jitter"
        else:
            kind = "const"
        out.append(Series(labels, value, kind))
    return out


def requests_for(
    fleet: Sequence[Series], timestamps_ms: Sequence[int], chunk: int, seed: int = 1
) -> Iterator[tuple[bytes, int]]:
    """Remote-write requests in time order: all series for a chunk of timestamps, then the
    next chunk. Yields (payload, samples in it)."""
    rng = random.Random(seed)
    label_bytes = [encode_labels(s.labels) for s in fleet]
    counters = [s.value for s in fleet]
    for start in range(0, len(timestamps_ms), chunk):
        encoder = SampleEncoder(timestamps_ms[start : start + chunk])
        n = len(encoder)
        for first in range(0, len(fleet), BATCH_SERIES):
            batch = []
            for i in range(first, min(first + BATCH_SERIES, len(fleet))):
                s = fleet[i]
                if s.kind == "const":
                    samples = encoder.constant(s.value)
                elif s.kind == "counter":
                    step = rng.choice((0.0, 0.0, 1.0, 3.0))
                    values = [counters[i] + step * k for k in range(1, n + 1)]
                    counters[i] = values[-1]
                    samples = encoder.values(values)
                else:
                    base = s.value or 0.05
                    samples = encoder.values([base * rng.uniform(0.8, 1.2) for _ in range(n)])
                batch.append((label_bytes[i], samples))
            yield write_request(batch), len(batch) * n


# --- measuring ------------------------------------------------------------------------------


def cpu_seconds(proc: ServiceProcess) -> float:
    fields = Path(f"/proc/{proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def rss_mib(proc: ServiceProcess) -> float:
    for line in Path(f"/proc/{proc.pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def du_mib(path: Path, skip: Callable[[Path], bool] = lambda p: False) -> float:
    total = 0
    for p in path.rglob("*"):
        if p.is_file() and not skip(p):
            total += p.stat().st_size
    return total / 2**20


def ingest(
    url: str, payloads: list[tuple[bytes, int]], proc: ServiceProcess
) -> tuple[float, float]:
    """Send every request (SENDERS in parallel); returns (samples/s, CPU s per 1e6 samples)."""
    cpu0, t0 = cpu_seconds(proc), time.monotonic()
    with ThreadPoolExecutor(SENDERS) as pool:
        list(pool.map(lambda p: send(url, p[0]), payloads))
    elapsed, cpu = time.monotonic() - t0, cpu_seconds(proc) - cpu0
    samples = sum(n for _, n in payloads)
    return samples / elapsed, cpu / samples * 1e6


def query_latency(url: str, expr: str) -> float:
    q = urllib.parse.urlencode({"query": expr})
    t0 = time.perf_counter()
    with urllib.request.urlopen(f"{url}/api/v1/query?{q}", timeout=120) as resp:  # noqa: S310
        payload = json.loads(resp.read())
    elapsed = time.perf_counter() - t0
    if payload.get("status") != "success":
        raise RuntimeError(f"{expr}: {payload}")
    return elapsed


def board_latencies(url: str, site: str, rounds: int) -> dict[str, list[float]]:
    """Every fleet board and overview query (overview for one site), `rounds` times each."""
    out: dict[str, list[float]] = {}
    for board, values in (("fleet.json", None), ("practice-overview.json", {"site": site})):
        for title, expr in panel_queries(load(DASHBOARD_DIR / board)):
            concrete = expand_variables(expr, values)
            key = f"{board.removesuffix('.json')}: {title}: {concrete[:60]}"
            out[key] = [query_latency(url, concrete) for _ in range(rounds)]
    return out


def pct(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def get_json(url: str) -> Any:
    with urllib.request.urlopen(url, timeout=60) as resp:  # noqa: S310
        return json.loads(resp.read())


def wait(check: Callable[[], bool], timeout: float, what: str) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        try:
            if check():
                return
        except Exception:  # noqa: S110 (not there yet)
            pass
        time.sleep(1)
    raise TimeoutError(what)


def group_times_after(url: str, since: str, expected: int, rounds: int = 3) -> dict[str, float]:
    """Median evaluation seconds per group over `rounds` evaluations after `since`."""
    seen: dict[str, dict[str, float]] = {}

    def done() -> bool:
        groups = get_json(f"{url}/api/v1/rules")["data"]["groups"]
        for g in groups:
            last = g.get("lastEvaluation", "")
            if last <= since:
                continue
            seconds = g.get("evaluationTime")
            if seconds is None:
                # vmalert 1.79 has no group time; a rule's evaluationTime runs from the
                # start of the group's evaluation (they grow down the group), so the
                # last one is the group's. Cross-checked with vmalert's own
                # vmalert_iteration_duration_seconds in the report.
                seconds = max(r.get("evaluationTime", 0.0) for r in g["rules"])
            seen.setdefault(g["name"], {})[last] = float(seconds)
        return len(seen) >= expected and all(len(v) >= rounds for v in seen.values())

    wait(done, 300, f"rule groups at {url} evaluated")
    return {name: statistics.median(v.values()) for name, v in seen.items()}


# --- the phases -----------------------------------------------------------------------------


@dataclass
class StoreResult:
    ingest_rate: float = 0.0
    cpu_per_million: float = 0.0
    rss_mib: float = 0.0
    queries: dict[str, list[float]] = field(default_factory=dict)
    groups: dict[str, float] = field(default_factory=dict)
    rules_rss_mib: float = 0.0
    iteration: dict[str, float] = field(default_factory=dict)


def fleet_phase(
    n: int, expositions: dict[str, str], workdir: Path, rounds: int
) -> tuple[int, dict[str, StoreResult]]:
    now = time.time()
    fleet = [s for i in range(1, n + 1) for s in practice(expositions, i, now)]
    start_ms = int((now - 10 * 60) // INTERVAL_S * INTERVAL_S * 1000)
    timestamps = [start_ms + k * INTERVAL_S * 1000 for k in range(40)]  # until now + 10 min
    payloads = list(requests_for(fleet, timestamps, chunk=len(timestamps)))
    groups = sum(len(load_groups(p)) for p in rule_files())
    results: dict[str, StoreResult] = {}

    vm = VictoriaMetrics(workdir / "vm", latency_offset="30s")
    try:
        r = results["VictoriaMetrics"] = StoreResult()
        r.ingest_rate, r.cpu_per_million = ingest(f"{vm.url}/api/v1/write", payloads, vm)
        vm.flush()
        ups = sum(1 for s in fleet if dict(s.labels)["__name__"] == "up")
        wait(lambda: len(vm.query("up")) == ups, 120, "VM has the fleet")
        since = rfc3339(time.time())
        alert = VMAlert(
            workdir / "vmalert",
            rule_files(),
            vm.url,
            notifier="http://127.0.0.1:9/",  # nobody listens: notifying is not measured
            evaluation_interval=RULE_INTERVAL,
            extra_args=["-remoteWrite.flushInterval=1s"],
        )
        try:
            r.groups = group_times_after(alert.url, since, groups)
            r.iteration = {
                name: alert.metric("vmalert_iteration_duration_seconds", group=name, quantile="0.5")
                for name in r.groups
            }
            wait(lambda: len(vm.query("site:up:count")) == n, 180, "site:up:count in VM")
            r.rules_rss_mib = rss_mib(alert)
        finally:
            alert.stop()
        r.queries = board_latencies(vm.url, "praxis-0001", rounds)
        r.rss_mib = rss_mib(vm)
    finally:
        vm.stop()

    prom = Prometheus(
        workdir / "prom",
        [],
        rules=rule_files(),
        evaluation_interval=RULE_INTERVAL,
        extra_args=["--web.enable-remote-write-receiver"],
    )
    try:
        r = results["Prometheus"] = StoreResult()
        r.ingest_rate, r.cpu_per_million = ingest(f"{prom.url}/api/v1/write", payloads, prom)
        since = rfc3339(time.time())
        r.groups = group_times_after(prom.url, since, groups)
        wait(lambda: len(prom.query("site:up:count")) == n, 180, "site:up:count in Prometheus")
        r.queries = board_latencies(prom.url, "praxis-0001", rounds)
        r.rss_mib = rss_mib(prom)
    finally:
        prom.stop()
    return len(fleet), results


def day_phase(m: int, expositions: dict[str, str], workdir: Path) -> dict[str, tuple[float, int]]:
    """(MiB on disk, samples) per store for m practices over 24 h."""
    now = time.time()
    fleet = [s for i in range(1, m + 1) for s in practice(expositions, i, now)]
    end_ms = int(now // INTERVAL_S * INTERVAL_S * 1000)
    timestamps = [end_ms - k * INTERVAL_S * 1000 for k in range(24 * 3600 // INTERVAL_S)][::-1]
    samples = len(fleet) * len(timestamps)
    out: dict[str, tuple[float, int]] = {}
    vm = VictoriaMetrics(workdir / "vm")
    prom = Prometheus(
        workdir / "prom", [], rules=[], extra_args=["--web.enable-remote-write-receiver"]
    )
    try:
        for payload in _chunked(fleet, timestamps):
            for url in (vm.url, prom.url):
                send(f"{url}/api/v1/write", payload)
        vm.flush()
        with urllib.request.urlopen(f"{vm.url}/internal/force_merge", timeout=600) as resp:  # noqa: S310
            resp.read()
        wait(lambda: _vm_merges_idle(vm), 300, "VM merges done")
        out["VictoriaMetrics"] = (du_mib(vm.data_path), samples)
        # Prometheus: only compacted blocks count (the WAL and the head's chunks are the
        # last hours' working set, not growth per day); samples from the blocks' meta.json.
        tsdb = workdir / "prom" / "tsdb"

        def compacted() -> bool:
            ends = [json.loads(p.read_text())["maxTime"] for p in tsdb.glob("*/meta.json")]
            return bool(ends) and max(ends) >= end_ms - 4 * 3600 * 1000

        wait(compacted, 300, "Prometheus compacted the day into blocks")
        metas = [json.loads(p.read_text()) for p in tsdb.glob("*/meta.json")]
        block_samples = sum(int(m["stats"]["numSamples"]) for m in metas)
        block_mib = sum(du_mib(p.parent) for p in tsdb.glob("*/meta.json"))
        out["Prometheus"] = (block_mib, block_samples)
    finally:
        vm.stop()
        prom.stop()
    return out


def _chunked(fleet: Sequence[Series], timestamps: Sequence[int]) -> Iterator[bytes]:
    for payload, _ in requests_for(fleet, timestamps, chunk=60):
        yield payload


def _vm_merges_idle(vm: VictoriaMetrics) -> bool:
    return vm.metric("vm_active_merges") == 0


def load_groups(path: Path) -> list[dict[str, Any]]:
    import yaml

    return list(yaml.safe_load(path.read_text())["groups"])


def rfc3339(t: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(t))


# --- report ---------------------------------------------------------------------------------


def linear(x0: float, y0: float, x1: float, y1: float, x: float) -> float:
    slope = (y1 - y0) / (x1 - x0)
    return y0 + slope * (x - x0)


def report(
    sizes: list[int],
    series: dict[int, int],
    fleets: dict[int, dict[str, StoreResult]],
    day: dict[str, tuple[float, int]],
    day_practices: int,
    per_practice: int,
) -> None:
    print(f"\nseries per practice: {per_practice} (the demo practice + scrape series)")
    print(f"load average while running: {os.getloadavg()[0]:.1f} (2 cores, shared)")
    a, b = sizes[0], sizes[-1]
    for store in ("VictoriaMetrics", "Prometheus"):
        print(f"\n== {store}")
        for n in sizes:
            r = fleets[n][store]
            all_q = [v for vs in r.queries.values() for v in vs]
            slowest = max(r.queries.items(), key=lambda kv: statistics.median(kv[1]))
            worst_group = max(r.groups.items(), key=lambda kv: kv[1])
            print(
                f"  {n:5d} practices, {series[n]:7d} series: ingest "
                f"{r.ingest_rate / 1e3:7.0f} k samples/s, {r.cpu_per_million:5.2f} CPU s per "
                f"1e6 samples, RSS {r.rss_mib:6.0f} MiB"
                + (f" (vmalert {r.rules_rss_mib:.0f} MiB)" if r.rules_rss_mib else "")
            )
            print(
                f"        board queries p50 {pct(all_q, 0.5) * 1e3:6.1f} ms, p95 "
                f"{pct(all_q, 0.95) * 1e3:6.1f} ms; slowest panel "
                f"{statistics.median(slowest[1]) * 1e3:.1f} ms ({slowest[0]})"
            )
            if r.iteration:
                print(
                    f"        vmalert_iteration_duration_seconds (median) of that group: "
                    f"{r.iteration.get(worst_group[0], 0.0) * 1e3:.1f} ms, slowest "
                    f"{max(r.iteration.values()) * 1e3:.1f} ms"
                )
            print(
                f"        rule groups: slowest {worst_group[0]} {worst_group[1] * 1e3:.1f} ms, "
                f"all groups together {sum(r.groups.values()) * 1e3:.1f} ms"
            )
        ra, rb = fleets[a][store], fleets[b][store]
        rss_1000 = linear(a, ra.rss_mib, b, rb.rss_mib, 1000)
        slow_a = max(statistics.median(v) for v in ra.queries.values())
        slow_b = max(statistics.median(v) for v in rb.queries.values())
        grp_a, grp_b = max(ra.groups.values()), max(rb.groups.values())
        mib, samples = day[store]
        bytes_per_sample = mib * 2**20 / samples
        per_day_1000 = bytes_per_sample * per_practice * 1000 * 86400 / INTERVAL_S / 2**30
        rate_1000 = per_practice * 1000 / INTERVAL_S
        cpu_1000 = rb.cpu_per_million * rate_1000 / 1e6
        print(
            f"  growth {a}->{b}: RSS x{rb.rss_mib / ra.rss_mib:.2f}, slowest panel "
            f"x{slow_b / slow_a:.2f}, slowest group x{grp_b / grp_a:.2f}"
        )
        all_b = sum(rb.groups.values())
        rules_cpu = max(linear(a, sum(ra.groups.values()), b, all_b, 1000), all_b * 1000 / b)
        print(
            f"  1000 practices (extrapolated; linear, and in brackets proportional to "
            f"{b} = upper bound): {per_practice * 1000} series, {rate_1000 / 1e3:.1f} k "
            f"samples/s, RSS {rss_1000:.0f} MiB ({rb.rss_mib * 1000 / b:.0f}), slowest panel "
            f"{linear(a, slow_a, b, slow_b, 1000) * 1e3:.0f} ms ({slow_b * 1000 / b * 1e3:.0f}),"
            f" slowest group {linear(a, grp_a, b, grp_b, 1000) * 1e3:.0f} ms "
            f"({grp_b * 1000 / b * 1e3:.0f}; goal {GOAL_INTERVAL_S * 100} ms), CPU: ingestion "
            f"{cpu_1000:.2f} + rules {rules_cpu / GOAL_INTERVAL_S:.2f} cores"
        )
        print(
            f"  disk: {bytes_per_sample:.2f} bytes/sample ({day_practices} practices x 24 h); "
            f"per 1000 practices {per_day_1000:.2f} GiB/day"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--practices", default="100,300")
    parser.add_argument("--day-practices", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=5, help="runs of each board query")
    args = parser.parse_args(argv)
    sizes = [int(x) for x in args.practices.split(",")]
    expositions = load_fixture()
    per_practice = len(list(fleet_series(expositions, "x")))
    t0 = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="fleet-bench-") as tmp:
        fleets, series = {}, {}
        for n in sizes:
            series[n], fleets[n] = fleet_phase(n, expositions, Path(tmp) / f"n{n}", args.rounds)
            print(f"fleet of {n} done after {time.monotonic() - t0:.0f} s", flush=True)
        day = day_phase(args.day_practices, expositions, Path(tmp) / "day")
        print(f"day phase done after {time.monotonic() - t0:.0f} s", flush=True)
    report(sizes, series, fleets, day, args.day_practices, per_practice)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
