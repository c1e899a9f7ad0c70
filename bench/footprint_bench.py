"""Memory footprint of the demo practice's exporters vs their Go peers, same run.

Starts the demo parts (real or simulated targets, as `python -m demo` does, without
Prometheus), then:

- `separate`: one process per exporter (`python -m exporters.<name>`), each scraped
  `--scrapes` times (`/metrics`); RSS of each after that, and the sum;
- `single`: all of them in one `praxis-exporters --config.dir` process (each on its own
  port), each scraped `--scrapes` times; the process's RSS;
- peers: the Go exporter that would watch the same thing, each scraped `--scrapes` times
  against a local target: snmp_exporter (UPS, firewall: an snmpsim agent),
  blackbox_exporter (certs, TI connector: TLS probes), sql_exporter (Firebird, SQL Server),
  node_exporter with only the textfile collector (backup results). The peer sum counts the
  peer of each exporter that ran, e.g. snmp_exporter twice when UPS and firewall ran.

Goals (issue 16): every exporter < 40 MiB RSS after 1 000 scrapes; the demo practice's
exporters together below the sum of their Go peers. RSS of separate processes double
counts shared libraries exactly as it does for the peers; that is how `ps` and the Windows
task manager show it, so the comparison is made the same way.

Run: `python -m bench.footprint_bench [--scrapes 1000] [--mode both|separate|single]`.
"""

from __future__ import annotations

import argparse
import importlib
import shutil
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

import yaml

from bench.ups_bench import RECORDING, snmp_exporter_module
from demo.context import DemoContext, DemoPart
from demo.runner import available_parts
from devkit.exporter import REPO, ExporterProcess
from devkit.pki import make_ca, make_cert, write_key, write_pem
from devkit.ports import free_port
from devkit.procs import ServiceProcess, http_ok
from devkit.prometheus import binary
from devkit.snmpsim import SnmpSim, install_recordings

MIB = 1024 * 1024
GOAL_MIB = 40.0
PEER_OF = {
    "firebird": "sql_exporter",
    "mssql": "sql_exporter",
    "backup": "node_exporter (textfile)",
    "ups": "snmp_exporter",
    "firewall": "snmp_exporter",
    "ti": "blackbox_exporter",
    "certs": "blackbox_exporter",
}
"""The Go exporter an operator would run instead of each of ours."""


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


def get(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=30) as resp:  # noqa: S310 (loopback)
        return bytes(resp.read())


def hammer(urls: dict[str, str], scrapes: int) -> dict[str, float]:
    """Scrape each URL `scrapes` times, one thread per URL (each sequential); seconds each."""
    took: dict[str, float] = {}
    errors: list[str] = []

    def run(name: str, url: str) -> None:
        start = time.perf_counter()
        try:
            for _ in range(scrapes):
                get(url)
        except Exception as exc:
            errors.append(f"{name}: {exc}")
        took[name] = time.perf_counter() - start

    threads = [threading.Thread(target=run, args=item) for item in urls.items()]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise RuntimeError("; ".join(errors))
    return took


def start_parts(work: Path, names: list[str]) -> tuple[list[DemoPart], list[DemoContext]]:
    parts, contexts = [], []
    for name in names:
        ctx = DemoContext(work / name)
        ctx.workdir.mkdir(parents=True, exist_ok=True)
        contexts.append(ctx)
        parts.append(importlib.import_module(f"demo.parts.{name}").start(ctx))
    return parts, contexts


def exporter_parts() -> list[str]:
    """Demo parts served by one of our exporters (not a stand-in such as windows)."""
    out = []
    for name in available_parts():
        try:
            importlib.import_module(f"exporters.{name}.__main__")
        except ModuleNotFoundError:
            continue
        out.append(name)
    return out


def run_separate(parts: list[DemoPart], work: Path, scrapes: int) -> dict[str, float]:
    procs = {
        p.exporter: ExporterProcess(
            p.exporter,
            p.config_file,
            p.config_file.parent,
            env=p.env,
            extra_args=[*p.extra_args, "--log.level=warn"],
        )
        for p in parts
    }
    try:
        idle = {n: rss_mib(p.pid) for n, p in procs.items()}
        took = hammer({n: f"{p.url}/metrics" for n, p in procs.items()}, scrapes)
        after = {n: rss_mib(p.pid) for n, p in procs.items()}
    finally:
        for proc in procs.values():
            proc.stop()
    print(f"\nseparate processes, RSS MiB at start -> after {scrapes} scrapes (goal < {GOAL_MIB})")
    for name in procs:
        mark = "ok" if after[name] < GOAL_MIB else "OVER"
        print(
            f"  {name:<10} {idle[name]:6.1f} -> {after[name]:6.1f}  ratio to goal "
            f"{after[name] / GOAL_MIB:4.2f} {mark}  ({took[name] / scrapes * 1000:6.1f} ms/scrape)"
        )
    print(f"  sum        {sum(idle.values()):6.1f} -> {sum(after.values()):6.1f}")
    return after


def run_single(parts: list[DemoPart], work: Path, scrapes: int) -> float:
    conf = work / "single-conf"
    conf.mkdir(exist_ok=True)
    ports: dict[str, int] = {}
    listen: list[str] = []
    env: dict[str, str] = {"PYTHONPATH": str(REPO)}
    for p in parts:
        (conf / f"{p.exporter}.yml").symlink_to(p.config_file.resolve())
        ports[p.exporter] = free_port()
        listen.append(f"--web.listen-address.{p.exporter}=127.0.0.1:{ports[p.exporter]}")
        env.update(p.env)
    proc = ServiceProcess(
        "praxis-exporters",
        [sys.executable, "-m", "exporters", f"--config.dir={conf}", *listen, "--log.level=warn"],
        work / "single.log",
        env=env,
        cwd=REPO,
    )
    try:
        for port in ports.values():
            proc.wait_until(lambda p=port: http_ok(f"http://127.0.0.1:{p}/-/healthy"), 60)
        idle = rss_mib(proc.pid)
        urls = {n: f"http://127.0.0.1:{port}/metrics" for n, port in ports.items()}
        took = hammer(urls, scrapes)
        after = rss_mib(proc.pid)
    finally:
        proc.stop()
    print(f"\none process (praxis-exporters --config.dir) serving {len(parts)} exporters")
    print(f"  RSS {idle:6.1f} -> {after:6.1f} MiB after {scrapes} scrapes of each")
    print(
        f"  per exporter {after / len(parts):5.1f} MiB (goal < {GOAL_MIB:.0f}, ratio "
        f"{after / len(parts) / GOAL_MIB:.2f})"
    )
    for name in ports:
        print(f"  {name:<10} {took[name] / scrapes * 1000:6.1f} ms/scrape")
    return after


def run_peers(work: Path, scrapes: int) -> dict[str, float]:
    """Each Go peer against a local target, scraped `scrapes` times; RSS after, MiB."""
    procs: list[ServiceProcess] = []
    urls: dict[str, str] = {}
    pids: dict[str, int] = {}

    def serve(name: str, argv: list[str], port: int, url: str) -> None:
        proc = ServiceProcess(name, argv, work / f"{name}.log")
        procs.append(proc)
        proc.wait_until(lambda: http_ok(f"http://127.0.0.1:{port}/"), what="ready")
        urls[name] = url
        pids[name] = proc.pid

    try:
        agent = SnmpSim(install_recordings([RECORDING], work / "snmp-data"), work / "snmp")
        procs.append(agent)
        (work / "snmp.yml").write_text(yaml.safe_dump(snmp_exporter_module(), sort_keys=False))
        port = free_port()
        serve(
            "snmp_exporter",
            [
                binary("prometheus-snmp-exporter"),
                f"--config.file={work / 'snmp.yml'}",
                f"--web.listen-address=127.0.0.1:{port}",
                "--log.level=warn",
            ],
            port,
            f"http://127.0.0.1:{port}/snmp?module=ups_rfc1628&target={agent.address}",
        )
        tls_port = _tls_endpoint(work, procs)
        (work / "blackbox.yml").write_text(
            yaml.safe_dump(
                {
                    "modules": {
                        "tls": {
                            "prober": "tcp",
                            "timeout": "5s",
                            "tcp": {"tls": True, "tls_config": {"ca_file": str(work / "ca.pem")}},
                        }
                    }
                }
            )
        )
        port = free_port()
        serve(
            "blackbox_exporter",
            [
                binary("prometheus-blackbox-exporter"),
                f"--config.file={work / 'blackbox.yml'}",
                f"--web.listen-address=127.0.0.1:{port}",
                "--log.level=warn",
            ],
            port,
            f"http://127.0.0.1:{port}/probe?module=tls&target=127.0.0.1:{tls_port}",
        )
        textfiles = work / "textfile"
        textfiles.mkdir()
        (textfiles / "backup.prom").write_text(
            "# HELP backup_last_success_timestamp_seconds Last good run.\n"
            "# TYPE backup_last_success_timestamp_seconds gauge\n"
            'backup_last_success_timestamp_seconds{job="nightly"} 1.7e+09\n'
        )
        port = free_port()
        serve(
            "node_exporter (textfile)",
            [
                _which("prometheus-node-exporter"),
                "--collector.disable-defaults",
                "--collector.textfile",
                f"--collector.textfile.directory={textfiles}",
                f"--web.listen-address=127.0.0.1:{port}",
                "--log.level=warn",
            ],
            port,
            f"http://127.0.0.1:{port}/metrics",
        )
        port = free_port()
        _sql_exporter_config(work / "sql_exporter.yml", free_port())
        serve(
            "sql_exporter",
            [
                _which("prometheus-sql-exporter"),
                f"-config.file={work / 'sql_exporter.yml'}",
                f"-web.listen-address=127.0.0.1:{port}",
            ],
            port,
            f"http://127.0.0.1:{port}/metrics",
        )
        hammer(urls, scrapes)
        return {name: rss_mib(pid) for name, pid in pids.items()}
    finally:
        for proc in reversed(procs):
            proc.stop()


def _which(name: str) -> str:
    for candidate in (shutil.which(name), f"/usr/bin/{name}", f"/usr/sbin/{name}"):
        if candidate and Path(candidate).exists():
            return candidate
    raise FileNotFoundError(f"{name} not installed (scripts/install-system-deps.sh)")


def _tls_endpoint(work: Path, procs: list[ServiceProcess]) -> int:
    ca = make_ca("Footprint CA")
    leaf = make_cert("praxis.test", issuer=ca, sans=["127.0.0.1"])
    chain = write_pem(work / "chain.pem", leaf, ca)
    key = write_key(work / "key.pem", leaf)
    write_pem(work / "ca.pem", ca)
    mail = ServiceProcess(
        "mail",
        [
            sys.executable,
            "-m",
            "simulators.mail",
            f"--cert={chain}",
            f"--key={key}",
            "--serve=smtp:implicit:127.0.0.1:0",
        ],
        work / "mail.log",
        cwd=REPO,
    )
    procs.append(mail)
    mail.wait_until(lambda: " on 127.0.0.1:" in mail.log_text())
    return int(mail.log_text().splitlines()[0].rsplit(":", 1)[1])


def _sql_exporter_config(path: Path, db_port: int) -> None:
    """One job with the query a Firebird/SQL Server check would run; the database is a
    closed loopback port (the peer's own footprint is what is measured)."""
    path.write_text(
        yaml.safe_dump(
            {
                "jobs": [
                    {
                        "name": "pvs",
                        "interval": "1m",
                        "connections": [
                            f"postgres://bench:bench@127.0.0.1:{db_port}/pvs?sslmode=disable"
                        ],
                        "queries": [
                            {
                                "name": "db_up",
                                "help": "Database answers.",
                                "values": ["up"],
                                "query": "SELECT 1 AS up",
                            }
                        ],
                    }
                ]
            }
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scrapes", type=int, default=1000)
    parser.add_argument("--mode", choices=("both", "separate", "single"), default="both")
    parser.add_argument("--parts", default="", help="comma-separated demo parts (default: all)")
    args = parser.parse_args()
    names = args.parts.split(",") if args.parts else exporter_parts()
    with tempfile.TemporaryDirectory(prefix="footprint-bench-") as tmp:
        work = Path(tmp)
        parts, contexts = start_parts(work / "demo", names)
        try:
            peers = run_peers(work / "peers", args.scrapes)
            separate = run_separate(parts, work, args.scrapes) if args.mode != "single" else None
            single = run_single(parts, work, args.scrapes) if args.mode != "separate" else None
        finally:
            for ctx in contexts:
                for service in reversed(ctx.services):
                    service.stop()
    print(f"\nGo peers, RSS MiB after {args.scrapes} scrapes each")
    for name, rss in peers.items():
        print(f"  {name:<26} {rss:6.1f}")
    peer_sum = sum(peers[PEER_OF[p.exporter]] for p in parts if p.exporter in PEER_OF)
    listed = ", ".join(f"{p.exporter}->{PEER_OF.get(p.exporter, '?')}" for p in parts)
    print(f"  sum of the peers of the {len(parts)} exporters ({listed}): {peer_sum:.1f}")
    _report("separate processes", separate and sum(separate.values()), peer_sum)
    _report("one process", single, peer_sum)
    if separate:
        over = [n for n, v in separate.items() if v >= GOAL_MIB]
        print(f"exporters at or over {GOAL_MIB:.0f} MiB as separate processes: {over or 'none'}")


def _report(what: str, ours: float | None, peers: float) -> None:
    if ours is None:
        return
    verdict = "below" if ours < peers else "NOT below"
    print(f"{what}: {ours:.1f} MiB vs peers {peers:.1f} MiB, ratio {ours / peers:.2f} ({verdict})")


if __name__ == "__main__":
    main()
