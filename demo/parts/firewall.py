"""Demo part: the practice's firewalls.

- `fortigate` (FortiGate 60F, SNMP from FORTINET-FORTIGATE-MIB via snmpsim, and the REST
  licence API via its double): the seed story. The AV licence ran out 90 days ago and the
  last AV signatures are 92 days old: FirewallLicenceExpired and FirewallSignaturesTooOld
  (both critical), nothing else;
- `sophos` (Sophos XGS 2100 HA pair, SFOS-FIREWALL-MIB): healthy, base licence perpetual,
  subscriptions valid for a year, signature ages tracked from first sight;
- `opnsense` (OPNsense 24.7 over its REST API double): two updates pending (reboot needed),
  IDS rulesets downloaded 20 hours ago, the DSL gateway online.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

from demo.context import DemoContext, DemoPart
from devkit import pki
from devkit.ports import free_port
from devkit.snmpsim import responder_binary
from simulators.firewall import recordings

REPO = Path(__file__).resolve().parents[2]
TOKEN = "demo-fortigate-api-token-0123456789"
KEY, SECRET = "demo-opnsense-key", "demo-opnsense-secret"


def _api(ctx: DemoContext, kind: str, scenario: str, pki_dir: Path) -> int:
    port = free_port()
    proc = ctx.spawn(
        f"{kind}-api",
        [
            sys.executable,
            "-m",
            "simulators.firewall",
            f"--kind={kind}",
            f"--port={port}",
            f"--cert={pki_dir / 'server.pem'}",
            f"--key={pki_dir / 'server.key'}",
            f"--scenario={scenario}",
        ],
        env={
            "FIREWALL_SIM_TOKEN": TOKEN,
            "FIREWALL_SIM_KEY": KEY,
            "FIREWALL_SIM_SECRET": SECRET,
            "PYTHONPATH": str(REPO),
        },
        cwd=REPO,
    )
    proc.wait_until(
        lambda: "simulator on https://" in proc.log_text(), timeout=60, what="listening"
    )
    return port


def start(ctx: DemoContext) -> DemoPart:
    now = dt.datetime.now()
    data = ctx.workdir / "snmp"
    recordings.write(data / "fw-story.snmprec", recordings.fortigate_story(now))
    recordings.write(data / "fw-sophos.snmprec", recordings.sophos_healthy(now))
    snmp_port = free_port(udp=True)
    agent = ctx.spawn(
        "firewall-snmpsim",
        [
            responder_binary(),
            f"--data-dir={data}",
            f"--cache-dir={ctx.workdir / 'snmpsim-cache'}",
            f"--agent-udpv4-endpoint=127.0.0.1:{snmp_port}",
            "--log-level=error",
        ],
        env={"SNMPSIM_ALLOW_ROOT": "true"},
    )
    agent.wait_until(
        lambda: f"127.0.0.1:{snmp_port}" in agent.log_text(), timeout=60, what="listening"
    )
    pki_dir = ctx.workdir / "pki"
    pki_dir.mkdir(exist_ok=True)
    ca = pki.make_ca("Praxis Demo Firewall CA")
    leaf = pki.make_cert("firewall.praxis.local", issuer=ca, sans=["127.0.0.1"])
    pki.write_pem(pki_dir / "ca.pem", ca)
    pki.write_pem(pki_dir / "server.pem", leaf)
    pki.write_key(pki_dir / "server.key", leaf)
    (pki_dir / "fortigate-token").write_text(TOKEN + "\n")
    (pki_dir / "opnsense-secret").write_text(SECRET + "\n")
    fortigate_api = _api(ctx, "fortigate", "story", pki_dir)
    opnsense_api = _api(ctx, "opnsense", "healthy", pki_dir)
    config = ctx.workdir / "firewall.yml"
    config.write_text(
        f"""timeout: 5s
state_file: {ctx.workdir / "firewall-state.json"}
targets:
  fortigate:
    vendor: fortigate
    address: 127.0.0.1:{snmp_port}
    snmp: {{version: 2c, community: fw-story}}
    expected_firmware: v7.2.8
    wan_links: [wan1]
    api:
      url: https://127.0.0.1:{fortigate_api}
      token_file: {pki_dir / "fortigate-token"}
      ca_file: {pki_dir / "ca.pem"}
  sophos:
    address: 127.0.0.1:{snmp_port}
    snmp: {{version: 2c, community: fw-sophos}}
    expected_firmware: SFOS 20.0.2 MR-2-Build378
    vpn_tunnels: [zentrale]
  opnsense:
    vendor: opnsense
    wan_links: [WAN_DHCP]
    api:
      url: https://127.0.0.1:{opnsense_api}
      key: {KEY}
      secret_file: {pki_dir / "opnsense-secret"}
      ca_file: {pki_dir / "ca.pem"}
"""
    )
    return DemoPart(
        exporter="firewall",
        config_file=config,
        story=[
            "fortigate: AV licence expired 90 days ago, AV signatures 92 days old "
            "-> FirewallLicenceExpired + FirewallSignaturesTooOld (critical)",
            "sophos: HA pair, all subscriptions valid, base licence perpetual",
            "opnsense: 2 updates pending (reboot needed), IDS rulesets fresh",
        ],
        urls={
            "snmp agent": f"udp://127.0.0.1:{snmp_port} (community = recording name)",
            "fortigate api": f"https://127.0.0.1:{fortigate_api}",
            "opnsense api": f"https://127.0.0.1:{opnsense_api}",
        },
    )
