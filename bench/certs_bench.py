"""Certs exporter vs Debian's prometheus-blackbox-exporter on 50 loopback TLS endpoints.

The same 50 implicit-TLS endpoints (one `python -m simulators.mail` process, one CA) are
probed one at a time through the certs exporter's `/probe?target=` and through
blackbox_exporter's tcp prober with `tls: true` (config written here), alternating, in the
same run; then all 50 through one `/metrics` scrape of the certs exporter. Goals (issues 3
and 16): per-probe latency ratio certs/blackbox <= 1.0, all 50 in one scrape under 1 s,
exporter RSS under 40 MiB. The "probe work alone" line separates the probe (handshake,
parsing, series) from the HTTP layer around it. For RSS with file and PKCS#12 targets and
1000 scrapes see `bench.footprint_bench --parts certs`.
Run: `python -m bench.certs_bench [--endpoints 50] [--rounds 5]`.
"""

from __future__ import annotations

import argparse
import http.client
import os
import socket
import ssl
import statistics
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import yaml

from devkit.exporter import REPO, ExporterProcess, parse_samples, value
from devkit.pki import make_ca, make_cert, write_key, write_pem
from devkit.ports import free_port
from devkit.procs import ServiceProcess, http_ok
from devkit.prometheus import binary

MIB = 1024 * 1024


def rss_bytes(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise RuntimeError("no VmRSS")


def timed_get(url: str) -> tuple[float, str]:
    start = time.perf_counter()
    with urllib.request.urlopen(url, timeout=30) as resp:  # noqa: S310 (loopback http)
        body = resp.read().decode()
    return time.perf_counter() - start, body


class KeepAlive:
    """One persistent HTTP/1.1 connection, as Prometheus keeps one per target between
    scrapes (and probes)."""

    def __init__(self, base: str) -> None:
        host, port = base.split("//", 1)[1].rsplit(":", 1)
        self.conn = http.client.HTTPConnection(host, int(port), timeout=30)

    def get(self, path: str) -> tuple[float, str]:
        start = time.perf_counter()
        self.conn.request("GET", path)
        body = self.conn.getresponse().read().decode()
        return time.perf_counter() - start, body


def bare_handshake(context: ssl.SSLContext, port: int) -> float:
    """One connect + verifying TLS handshake from this process: what OpenSSL alone costs
    (the floor under any Python exporter's probe, as measured in the same conditions)."""
    start = time.perf_counter()
    raw = socket.create_connection(("127.0.0.1", port), timeout=5)
    with raw, context.wrap_socket(raw) as tls:
        tls.getpeercert(binary_form=True)
    return time.perf_counter() - start


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--endpoints", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="certs-bench-"))

    ca = make_ca("Bench CA")
    leaf = make_cert("bench.praxis.test", issuer=ca, sans=["127.0.0.1"])
    chain = write_pem(work / "chain.pem", leaf, ca)
    key = write_key(work / "key.pem", leaf)
    ca_file = write_pem(work / "ca.pem", ca)
    servers = ServiceProcess(
        "mail",
        [
            sys.executable,
            "-m",
            "simulators.mail",
            f"--cert={chain}",
            f"--key={key}",
            # port 0: the kernel picks free ports, the simulator prints them (no races)
            *["--serve=smtp:implicit:127.0.0.1:0"] * args.endpoints,
        ],
        work / "mail.log",
        cwd=REPO,
    )
    procs: list[ServiceProcess] = [servers]
    try:
        servers.wait_until(lambda: servers.log_text().count(" on 127.0.0.1:") >= args.endpoints)
        ports = [int(line.rsplit(":", 1)[1]) for line in servers.log_text().splitlines()]
        config = {
            "timeout": "5s",
            "targets": {
                f"ep{i:02d}": {"address": f"127.0.0.1:{p}", "ca_file": str(ca_file)}
                for i, p in enumerate(ports)
            },
        }
        (work / "certs.yml").write_text(yaml.safe_dump(config))
        exporter = ExporterProcess(
            "certs", work / "certs.yml", work, extra_args=["--log.level=warn"]
        )
        procs.append(exporter)
        bb_config = {
            "modules": {
                "tls_connect": {
                    "prober": "tcp",
                    "timeout": "5s",
                    "tcp": {"tls": True, "tls_config": {"ca_file": str(ca_file)}},
                }
            }
        }
        (work / "blackbox.yml").write_text(yaml.safe_dump(bb_config))
        bb_port = free_port()
        blackbox = ServiceProcess(
            "blackbox",
            [
                binary("prometheus-blackbox-exporter"),
                f"--config.file={work / 'blackbox.yml'}",
                f"--web.listen-address=127.0.0.1:{bb_port}",
                "--log.level=warn",
            ],
            work / "blackbox.log",
        )
        procs.append(blackbox)
        bb_url = f"http://127.0.0.1:{bb_port}"
        blackbox.wait_until(lambda: http_ok(f"{bb_url}/-/healthy"), what="healthy")

        # warm-up (imports, context caches, Go runtime) and a correctness check
        _, text = timed_get(f"{exporter.url}/probe?target=ep00")
        assert value(parse_samples(text), "cert_verified", target="ep00") == 1, text
        _, text = timed_get(f"{bb_url}/probe?module=tls_connect&target=127.0.0.1:{ports[0]}")
        assert value(parse_samples(text), "probe_success") == 1, text

        ours: list[float] = []
        inside: list[float] = []  # cert_scrape_duration_seconds: the probe itself
        theirs: list[float] = []
        theirs_inside: list[float] = []  # probe_duration_seconds
        floor: list[float] = []  # a bare handshake from this process
        bare = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        bare.check_hostname = False
        bare.load_verify_locations(cafile=str(ca_file))
        for _ in range(args.rounds):
            for i, port in enumerate(ports):
                t, text = timed_get(f"{exporter.url}/probe?target=ep{i:02d}")
                got = parse_samples(text)
                assert value(got, "cert_up", target=f"ep{i:02d}") == 1
                ours.append(t)
                inside.append(value(got, "cert_scrape_duration_seconds") or 0.0)
                t, text = timed_get(f"{bb_url}/probe?module=tls_connect&target=127.0.0.1:{port}")
                got = parse_samples(text)
                assert value(got, "probe_success") == 1
                theirs.append(t)
                theirs_inside.append(value(got, "probe_duration_seconds") or 0.0)
                floor.append(bare_handshake(bare, port))
        # the same probes over one kept-alive connection per exporter (as Prometheus does)
        ka_ours: list[float] = []
        ka_theirs: list[float] = []
        ours_conn, theirs_conn = KeepAlive(exporter.url), KeepAlive(bb_url)
        cpu_ours = cpu_theirs = 0.0
        for _ in range(args.rounds):
            for i, port in enumerate(ports):
                before = cpu_seconds(exporter.pid)
                t, text = ours_conn.get(f"/probe?target=ep{i:02d}")
                cpu_ours += cpu_seconds(exporter.pid) - before
                assert 'cert_up{target="ep' in text
                ka_ours.append(t)
                before = cpu_seconds(blackbox.pid)
                t, text = theirs_conn.get(f"/probe?module=tls_connect&target=127.0.0.1:{port}")
                cpu_theirs += cpu_seconds(blackbox.pid) - before
                assert "probe_success 1" in text
                ka_theirs.append(t)
        scrapes: list[float] = []
        for _ in range(args.rounds):
            t, text = timed_get(f"{exporter.url}/metrics")
            samples = parse_samples(text)
            up = sum(1 for (name, _), v in samples.items() if name == "cert_up" and v == 1)
            assert up == args.endpoints, f"only {up} of {args.endpoints} up"
            scrapes.append(t)
        rss = rss_bytes(exporter.pid)
        bb_rss = rss_bytes(blackbox.pid)

        med_ours, med_theirs = statistics.median(ours), statistics.median(theirs)
        print(
            f"certs exporter vs blackbox_exporter, {args.endpoints} loopback TLS endpoints, "
            f"{args.rounds} rounds"
        )
        print(
            f"  per probe, certs  /probe : median {med_ours * 1000:7.2f} ms  "
            f"p90 {pct(ours, 0.9) * 1000:7.2f} ms"
        )
        print(
            f"  per probe, blackbox tcp  : median {med_theirs * 1000:7.2f} ms  "
            f"p90 {pct(theirs, 0.9) * 1000:7.2f} ms"
        )
        print(
            f"  probe work alone (as each exporter reports it): certs median "
            f"{statistics.median(inside) * 1000:.2f} ms, blackbox median "
            f"{statistics.median(theirs_inside) * 1000:.2f} ms, ratio "
            f"{statistics.median(inside) / statistics.median(theirs_inside):.2f}"
        )
        print(
            f"  bare verifying handshake from the bench process (Python ssl, OpenSSL "
            f"{ssl.OPENSSL_VERSION.split()[1]}): median {statistics.median(floor) * 1000:.2f} ms"
        )
        print(
            f"  latency ratio certs/blackbox (median): {med_ours / med_theirs:.2f}  (goal <= 1.00)"
        )
        med_ka_ours, med_ka_theirs = statistics.median(ka_ours), statistics.median(ka_theirs)
        print(
            f"  kept-alive connections (as Prometheus probes): certs median "
            f"{med_ka_ours * 1000:.2f} ms, blackbox median {med_ka_theirs * 1000:.2f} ms, "
            f"latency ratio {med_ka_ours / med_ka_theirs:.2f} (goal <= 1.00); CPU per probe "
            f"certs {cpu_ours / len(ka_ours) * 1000:.2f} ms, blackbox "
            f"{cpu_theirs / len(ka_theirs) * 1000:.2f} ms"
        )
        print(
            f"  all {args.endpoints} in one /metrics scrape: median "
            f"{statistics.median(scrapes) * 1000:.1f} ms, max {max(scrapes) * 1000:.1f} ms "
            f"(goal < 1000 ms, ratio {statistics.median(scrapes) / 1.0:.2f} of goal)"
        )
        print(
            f"  RSS certs exporter: {rss / MIB:.1f} MiB (goal < 40 MiB, ratio "
            f"{rss / (40 * MIB):.2f}); blackbox_exporter: {bb_rss / MIB:.1f} MiB "
            f"(ratio certs/blackbox {rss / bb_rss:.2f})"
        )
    finally:
        for proc in reversed(procs):
            proc.stop()


if __name__ == "__main__":
    main()
