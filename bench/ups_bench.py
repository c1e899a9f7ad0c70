"""UPS exporter vs Debian's prometheus-snmp-exporter on the same snmpsim agent, same run.

Both scrape the real Eaton 93E recording through a counting UDP relay, so SNMP packets per
scrape are measured the same way for both. The snmp_exporter module (0.21 format) is
written by hand to cover the same values (RFC 1628: identity, battery, output source, line
tables, alarms, self-test). Prints latency (median, p90), the latency ratio, packets per
scrape and RSS. Goals: ratio <= 0.5, <= 2 packets per scrape, RSS < 40 MiB.

CPU per scrape is read from /proc in clock ticks (10 ms): the default of 1000 scrapes keeps
that rounding below 2 %; RSS is read after them (goal: < 40 MiB after 1000 scrapes).

The CPU ratio is measured twice, both times interleaved (ten rounds of a tenth of the
scrapes, ours then the peer's), so that a neighbour's load or a change of clock speed
during the run falls on both alike: once with a new connection per scrape (urllib) and once
over one kept-alive connection, as Prometheus scrapes.

Run: `python -m bench.ups_bench [scrapes]`.
"""

from __future__ import annotations

import asyncio
import functools
import http.client
import os
import statistics
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from collections.abc import Callable
from pathlib import Path

import yaml

from devkit.exporter import ExporterProcess
from devkit.ports import free_port
from devkit.procs import ServiceProcess, http_ok
from devkit.prometheus import binary
from devkit.snmpsim import SnmpSim, install_recordings

REPO = Path(__file__).resolve().parent.parent
RECORDING = REPO / "simulators" / "snmp" / "eaton-93e-80.snmprec"
COMMUNITY = "eaton-93e-80"
UPS = "1.3.6.1.2.1.33.1"

SCALARS = {
    "upsIdentManufacturer": (f"{UPS}.1.1", "DisplayString"),
    "upsIdentModel": (f"{UPS}.1.2", "DisplayString"),
    "upsIdentUPSSoftwareVersion": (f"{UPS}.1.3", "DisplayString"),
    "upsBatteryStatus": (f"{UPS}.2.1", "gauge"),
    "upsSecondsOnBattery": (f"{UPS}.2.2", "gauge"),
    "upsEstimatedMinutesRemaining": (f"{UPS}.2.3", "gauge"),
    "upsEstimatedChargeRemaining": (f"{UPS}.2.4", "gauge"),
    "upsBatteryVoltage": (f"{UPS}.2.5", "gauge"),
    "upsBatteryTemperature": (f"{UPS}.2.7", "gauge"),
    "upsInputNumLines": (f"{UPS}.3.2", "gauge"),
    "upsOutputSource": (f"{UPS}.4.1", "gauge"),
    "upsOutputNumLines": (f"{UPS}.4.3", "gauge"),
    "upsAlarmsPresent": (f"{UPS}.6.1", "gauge"),
    "upsTestResultsSummary": (f"{UPS}.7.3", "gauge"),
    "upsTestStartTime": (f"{UPS}.7.5", "gauge"),
    "sysUpTime": ("1.3.6.1.2.1.1.3", "gauge"),
    "sysObjectID": ("1.3.6.1.2.1.1.2", "OctetString"),
}
COLUMNS = {
    "upsInputVoltage": (f"{UPS}.3.3.1.3", "upsInputLineIndex"),
    "upsOutputVoltage": (f"{UPS}.4.4.1.2", "upsOutputLineIndex"),
    "upsOutputPercentLoad": (f"{UPS}.4.4.1.5", "upsOutputLineIndex"),
    "upsAlarmDescr": (f"{UPS}.6.2.1.2", "upsAlarmId"),
}


def snmp_exporter_module() -> dict[str, object]:
    """A hand-written snmp_exporter 0.21 module for the same RFC 1628 values."""
    metrics: list[dict[str, object]] = []
    for name, (oid, kind) in SCALARS.items():
        metric: dict[str, object] = {"name": name, "oid": oid, "type": kind, "help": name}
        if kind == "OctetString":
            metric["type"] = "DisplayString"
        metrics.append(metric)
    for name, (oid, index) in COLUMNS.items():
        kind = "OctetString" if name == "upsAlarmDescr" else "gauge"
        metrics.append(
            {
                "name": name,
                "oid": oid,
                "type": kind,
                "help": name,
                "indexes": [{"labelname": index, "type": "gauge"}],
            }
        )
    return {
        "ups_rfc1628": {
            "version": 2,
            "auth": {"community": COMMUNITY},
            "retries": 0,
            "timeout": "5s",
            "max_repetitions": 25,
            "get": [f"{oid}.0" for oid, _ in SCALARS.values()],
            "walk": [oid for oid, _ in COLUMNS.values()],
            "metrics": metrics,
        }
    }


class CountingRelay:
    """UDP relay in front of the agent that counts request datagrams per client port."""

    def __init__(self, agent_port: int) -> None:
        self.port = free_port(udp=True)
        self.agent = ("127.0.0.1", agent_port)
        self.sent: dict[int, int] = {}
        self.loop = asyncio.new_event_loop()
        ready = threading.Event()
        threading.Thread(target=self._run, args=(ready,), daemon=True).start()
        ready.wait(5)

    def _run(self, ready: threading.Event) -> None:
        asyncio.set_event_loop(self.loop)
        relay = self

        class Front(asyncio.DatagramProtocol):
            def connection_made(self, transport: asyncio.BaseTransport) -> None:
                self.transport = transport

            def datagram_received(self, data: bytes, addr: tuple[str, int]) -> None:
                relay.sent[addr[1]] = relay.sent.get(addr[1], 0) + 1
                front = self.transport

                class Back(asyncio.DatagramProtocol):
                    def connection_made(self, transport: asyncio.BaseTransport) -> None:
                        self.transport = transport

                    def datagram_received(self, reply: bytes, _: tuple[str, int]) -> None:
                        front.sendto(reply, addr)  # type: ignore[attr-defined]
                        self.transport.close()  # one socket per request, not one per run

                relay.loop.create_task(
                    relay.loop.create_datagram_endpoint(Back, remote_addr=relay.agent)
                ).add_done_callback(lambda t: t.result()[0].sendto(data))

        self.loop.run_until_complete(
            self.loop.create_datagram_endpoint(Front, local_addr=("127.0.0.1", self.port))
        )
        ready.set()
        self.loop.run_forever()

    def total(self) -> int:
        return sum(self.sent.values())


def scrape(url: str) -> float:
    started = time.perf_counter()
    with urllib.request.urlopen(url, timeout=30) as resp:  # noqa: S310 (loopback http)
        resp.read()
    return time.perf_counter() - started


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def measure(name: str, url: str, relay: CountingRelay, scrapes: int, pid: int) -> dict[str, float]:
    scrape(url)  # warm-up (v3 discovery, MIB choice, connection set-up)
    before = relay.total()
    cpu_before = cpu_seconds(pid)
    times = [scrape(url) for _ in range(scrapes)]
    cpu_ms = (cpu_seconds(pid) - cpu_before) / scrapes * 1000
    packets = (relay.total() - before) / scrapes
    times.sort()
    result = {
        "median_ms": statistics.median(times) * 1000,
        "p90_ms": times[int(len(times) * 0.9) - 1] * 1000,
        "packets": packets,
        "cpu_ms": cpu_ms,
    }
    print(
        f"{name:<22} median {result['median_ms']:7.2f} ms  p90 {result['p90_ms']:7.2f} ms  "
        f"packets/scrape {packets:.2f}  exporter CPU {cpu_ms:.2f} ms/scrape"
    )
    return result


class KeptAlive:
    """One HTTP/1.1 connection reused for every scrape, as Prometheus' scrape loop does."""

    def __init__(self, url: str) -> None:
        parts = urllib.parse.urlsplit(url)
        self.path = parts.path + (f"?{parts.query}" if parts.query else "")
        self.conn = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=30)

    def scrape(self) -> float:
        started = time.perf_counter()
        self.conn.request("GET", self.path)
        response = self.conn.getresponse()
        body = response.read()
        if response.status != 200 or response.will_close:
            raise RuntimeError(f"{self.path}: {response.status} {body[-300:]!r}")
        return time.perf_counter() - started

    def close(self) -> None:
        self.conn.close()


def cpu_interleaved(
    sides: list[tuple[str, str, int]], scrapes: int, keep_alive: bool, rounds: int = 10
) -> dict[str, float]:
    """Exporter CPU ms per scrape for each (name, url, pid), in alternating rounds."""
    cpu = dict.fromkeys((name for name, _, _ in sides), 0.0)
    clients = {name: KeptAlive(url) for name, url, _ in sides} if keep_alive else {}
    fetch: dict[str, Callable[[], float]] = {
        name: clients[name].scrape if keep_alive else functools.partial(scrape, url)
        for name, url, _ in sides
    }
    per_round = max(1, scrapes // rounds)
    try:
        for name, _, _ in sides:  # warm-up: connection and, for ours, its thread
            fetch[name]()
        for _ in range(rounds):
            for name, _, pid in sides:
                before = cpu_seconds(pid)
                for _ in range(per_round):
                    fetch[name]()
                cpu[name] += cpu_seconds(pid) - before
    finally:
        for client in clients.values():
            client.close()
    return {name: seconds / (per_round * rounds) * 1000 for name, seconds in cpu.items()}


def main(scrapes: int = 1000) -> None:
    with tempfile.TemporaryDirectory(prefix="ups-bench-") as tmp:
        work = Path(tmp)
        agent = SnmpSim(install_recordings([RECORDING], work / "data"), work)
        relay = CountingRelay(agent.port)
        ours_cfg = work / "ups.yml"
        ours_cfg.write_text(
            yaml.safe_dump(
                {
                    "targets": {
                        "eaton": {
                            "address": f"127.0.0.1:{relay.port}",
                            "mib": "rfc1628",
                            "snmp": {"version": "2c", "community": COMMUNITY},
                        }
                    }
                }
            )
        )
        peer_cfg = work / "snmp.yml"
        peer_cfg.write_text(yaml.safe_dump(snmp_exporter_module(), sort_keys=False))
        peer_port = free_port()
        peer = ServiceProcess(
            "snmp-exporter",
            [
                binary("prometheus-snmp-exporter"),
                f"--config.file={peer_cfg}",
                f"--web.listen-address=127.0.0.1:{peer_port}",
                "--log.level=warn",
            ],
            work / "snmp-exporter.log",
        )
        ours = ExporterProcess("ups", ours_cfg, work, extra_args=["--log.level=warn"])
        try:
            peer.wait_until(lambda: http_ok(f"http://127.0.0.1:{peer_port}/"), what="ready")
            peer_url = (
                f"http://127.0.0.1:{peer_port}/snmp?module=ups_rfc1628"
                f"&target=127.0.0.1:{relay.port}"
            )
            body = urllib.request.urlopen(peer_url, timeout=30).read().decode()
            assert "upsEstimatedMinutesRemaining 1092" in body, body[-2000:]
            print(f"{scrapes} sequential scrapes each, Eaton 93E recording, one snmpsim agent")
            mine = measure("praxis-ups-exporter", f"{ours.url}/metrics", relay, scrapes, ours.pid)
            theirs = measure("snmp_exporter 0.21", peer_url, relay, scrapes, peer.proc.pid)
            rss_ours, rss_peer = rss_mib(ours.pid), rss_mib(peer.proc.pid)
            print(f"RSS praxis-ups-exporter {rss_ours:.1f} MiB, snmp_exporter {rss_peer:.1f} MiB")
            print(
                f"latency ratio (ours/peer, median) {mine['median_ms'] / theirs['median_ms']:.2f}"
                f" (goal <= 0.5); packets/scrape {mine['packets']:.1f} vs "
                f"{theirs['packets']:.1f} (goal <= 2); RSS goal < 40 MiB"
            )
            print(f"RSS ratio {rss_ours / rss_peer:.2f}")
            sides = [
                ("ours", f"{ours.url}/metrics", ours.pid),
                ("peer", peer_url, peer.proc.pid),
            ]
            for keep_alive, how in ((False, "new connection per scrape"), (True, "kept alive")):
                cpu = cpu_interleaved(sides, scrapes, keep_alive)
                print(
                    f"exporter CPU per scrape, interleaved, {how}: ours {cpu['ours']:.2f} ms, "
                    f"snmp_exporter {cpu['peer']:.2f} ms, ratio {cpu['ours'] / cpu['peer']:.2f}"
                    " (goal <= 1.0)"
                )
        finally:
            ours.stop()
            peer.stop()
            agent.stop()


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1000)
