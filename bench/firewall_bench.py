"""Firewall exporter vs Debian's prometheus-snmp-exporter on the same FortiGate recording.

Both read the FortiGate lab recording (FORTINET-FORTIGATE-MIB: identity, versions, licence
contracts, FortiGuard packages, HA, VPN tunnels, link monitors) through the UPS bench's
counting UDP relay, so SNMP packets per scrape are measured alike. The snmp_exporter module
(0.21 format) is written by hand to cover the same objects; it parses nothing (dates stay
text), so it is the lower bound of the work. Prints latency (median, p90), the ratio,
packets per scrape, exporter CPU per scrape and RSS.

Run: `python -m bench.firewall_bench [scrapes]`.
"""

from __future__ import annotations

import sys
import tempfile
import urllib.request
from pathlib import Path

import yaml

from bench.ups_bench import CountingRelay, measure, rss_mib
from devkit.exporter import ExporterProcess
from devkit.ports import free_port
from devkit.procs import ServiceProcess, http_ok
from devkit.prometheus import binary
from devkit.snmpsim import SnmpSim, install_recordings
from exporters.firewall import fortigate as fg

REPO = Path(__file__).resolve().parent.parent
RECORDING = REPO / "simulators" / "snmp" / "firewall-fortigate.snmprec"
COMMUNITY = "firewall-fortigate"
TEXT = {"model", "serial", "version", "av", "ips"}
COLUMNS = {
    "fgLicContractDesc": (fg.CONTRACT_DESC, "DisplayString"),
    "fgLicContractExpiry": (fg.CONTRACT_EXPIRY, "DisplayString"),
    "fgLicVersionDesc": (fg.PKG_DESC, "DisplayString"),
    "fgLicVersionNumber": (fg.PKG_NUMBER, "DisplayString"),
    "fgLicVersionUpdTime": (fg.PKG_UPDATED, "DisplayString"),
    "fgLicVersionTryResult": (fg.PKG_RESULT, "DisplayString"),
    "fgHaStatsSerial": (fg.HA_SERIAL, "DisplayString"),
    "fgHaStatsSyncStatus": (fg.HA_SYNC, "gauge"),
    "fgHaStatsMasterSerial": (fg.HA_MASTER, "DisplayString"),
    "fgVpnTunEntPhase1Name": (fg.VPN_P1, "DisplayString"),
    "fgVpnTunEntPhase2Name": (fg.VPN_P2, "DisplayString"),
    "fgVpnTunEntStatus": (fg.VPN_STATUS, "gauge"),
    "fgLinkMonitorName": (fg.LINK_NAME, "DisplayString"),
    "fgLinkMonitorState": (fg.LINK_STATE, "gauge"),
}


def snmp_exporter_module() -> dict[str, object]:
    metrics: list[dict[str, object]] = []
    for key, oid in fg.SCALARS.items():
        base = oid.removesuffix(".0").removesuffix(".1") if key == "model" else oid[:-2]
        kind = "DisplayString" if key in TEXT or key == "sysDescr" else "gauge"
        if key == "sysObjectID":
            kind = "OctetString"
        metrics.append({"name": f"fg_{key}", "oid": base, "type": kind, "help": key})
    for name, (oid, kind) in COLUMNS.items():
        metrics.append(
            {
                "name": name,
                "oid": oid,
                "type": kind,
                "help": name,
                "indexes": [{"labelname": "index", "type": "gauge"}],
            }
        )
    return {
        "fortigate": {
            "version": 2,
            "auth": {"community": COMMUNITY},
            "retries": 0,
            "timeout": "5s",
            "max_repetitions": 25,
            "get": list(fg.SCALARS.values()),
            "walk": [oid for oid, _ in COLUMNS.values()],
            "metrics": metrics,
        }
    }


def main(scrapes: int = 50) -> None:
    with tempfile.TemporaryDirectory(prefix="firewall-bench-") as tmp:
        work = Path(tmp)
        agent = SnmpSim(install_recordings([RECORDING], work / "data"), work)
        relay = CountingRelay(agent.port)
        ours_cfg = work / "firewall.yml"
        ours_cfg.write_text(
            yaml.safe_dump(
                {
                    "state_file": str(work / "state.json"),
                    "targets": {
                        "fg": {
                            "vendor": "fortigate",
                            "address": f"127.0.0.1:{relay.port}",
                            "snmp": {"version": "2c", "community": COMMUNITY},
                        }
                    },
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
        ours = ExporterProcess("firewall", ours_cfg, work, extra_args=["--log.level=warn"])
        try:
            peer.wait_until(lambda: http_ok(f"http://127.0.0.1:{peer_port}/"), what="ready")
            peer_url = (
                f"http://127.0.0.1:{peer_port}/snmp?module=fortigate&target=127.0.0.1:{relay.port}"
            )
            body = urllib.request.urlopen(peer_url, timeout=30).read().decode()
            assert "fgLicContractExpiry" in body, body[-2000:]
            assert 'firewall_up{target="fg"} 1.0' in ours.get("/metrics")
            print(f"{scrapes} sequential scrapes each, FortiGate lab recording, one snmpsim agent")
            mine = measure(
                "praxis-firewall-exporter", f"{ours.url}/metrics", relay, scrapes, ours.pid
            )
            theirs = measure("snmp_exporter 0.21", peer_url, relay, scrapes, peer.proc.pid)
            print(
                f"RSS praxis-firewall-exporter {rss_mib(ours.pid):.1f} MiB, "
                f"snmp_exporter {rss_mib(peer.proc.pid):.1f} MiB"
            )
            print(
                f"latency ratio (ours/peer, median) {mine['median_ms'] / theirs['median_ms']:.2f}; "
                f"packets/scrape {mine['packets']:.1f} vs {theirs['packets']:.1f}"
            )
        finally:
            ours.stop()
            peer.stop()
            agent.stop()


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 50)
