"""Demo part: the practice's UPSes, served by snmpsim from the recordings.

- `usv-server` (APC Smart-UPS 1500, PowerNet-MIB): healthy, self-test today; switch it to
  battery with the `snmpset` line in the story (UpsOnBattery pages at once);
- `usv-empfang` (APC Smart-UPS at the front desk): asks for a new battery
  (UpsBatteryReplaceNeeded);
- `usv-technik` (the real Eaton 93E walk, RFC 1628): three phases, healthy;
- `usv-usb` (an APC Back-UPS ES 700 on the practice server's USB port, read by a real NUT:
  dummy-ups + upsd): the practice server's upsmon is attached as shutdown client, the second
  server (192.0.2.20) is not -> UpsShutdownClientNotAttached; its upsd shuts down at 2 min
  run time while the servers need 8 -> UpsShutdownThresholdTooLate.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from demo.context import DemoContext, DemoPart
from devkit.nut import NutServer, dev_file
from devkit.ports import free_port
from devkit.snmpsim import responder_binary
from simulators.snmp.recordings import write_all

REPO = Path(__file__).resolve().parents[2]
RECORDINGS = REPO / "simulators" / "snmp"
OUTPUT_STATUS = "1.3.6.1.4.1.318.1.1.1.4.1.1.0"  # APC upsBasicOutputStatus, writable


def start(ctx: DemoContext) -> DemoPart:
    data = ctx.workdir / "snmp"
    write_all(data)  # today's date as the last self-test
    shutil.copy(RECORDINGS / "eaton-93e-80.snmprec", data / "eaton-93e-80.snmprec")
    port = free_port(udp=True)
    agent = ctx.spawn(
        "snmpsim",
        [
            responder_binary(),
            f"--data-dir={data}",
            f"--cache-dir={ctx.workdir / 'snmpsim-cache'}",
            f"--agent-udpv4-endpoint=127.0.0.1:{port}",
            "--log-level=error",
        ],
        env={"SNMPSIM_ALLOW_ROOT": "true"},
    )
    agent.wait_until(lambda: f"127.0.0.1:{port}" in agent.log_text(), timeout=60, what="listening")
    nut = NutServer(ctx.workdir / "nut", {"backups": dev_file("apc-back-ups-es-700")})
    ctx.services.extend(nut.procs)
    nut.attach_upsmon("backups")  # the practice server's shutdown client
    ctx.services.extend(nut.upsmons)
    config = ctx.workdir / "ups.yml"
    config.write_text(
        f"""timeout: 5s
targets:
  usv-server:
    address: 127.0.0.1:{port}
    shutdown_margin: 10m
    snmp: {{version: 2c, community: apc-smartups}}
  usv-empfang:
    address: 127.0.0.1:{port}
    snmp: {{version: 2c, community: apc-replace-battery}}
  usv-technik:
    address: 127.0.0.1:{port}
    mib: rfc1628
    snmp: {{version: 2c, community: eaton-93e-80}}
  usv-usb:
    nut: {{address: "{nut.address}", ups: backups}}
    shutdown_seconds_needed: 8m
    shutdown_margin: 2m
    expected_shutdown_clients: [127.0.0.1, 192.0.2.20]
"""
    )
    switch = f"snmpset -v2c -c apc-smartups 127.0.0.1:{port} {OUTPUT_STATUS} i"
    return DemoPart(
        exporter="ups",
        config_file=config,
        story=[
            "usv-server: APC Smart-UPS, healthy; usv-technik: Eaton 93E (real walk), healthy",
            "usv-empfang: battery must be replaced -> UpsBatteryReplaceNeeded",
            f"power cut: {switch} 3   (back on mains: ... i 2) -> UpsOnBattery",
            "usv-usb: USB UPS via NUT; praxis server attached, 192.0.2.20 not "
            "-> UpsShutdownClientNotAttached (10 min); upsd shuts down at 2 min run time, "
            "servers need 8 -> UpsShutdownThresholdTooLate (15 min)",
            f"NUT: upsc backups@{nut.address}   upsc -c backups@{nut.address}",
        ],
        urls={
            "snmp agent": f"udp://127.0.0.1:{port} (community = recording name)",
            "NUT upsd": f"tcp://{nut.address} (UPS backups)",
        },
    )
