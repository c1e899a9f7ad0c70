"""Demo part: the practice's TI connector (simulated secunet box) and KIM client module.

The connector simulator serves connector.sds and the SOAP operations over HTTPS with basic
auth, answering like a real connector (documents valid against the gematik schemas). The
practice is in a plausible state: an eGK is inserted at the reception (only counted), the
terminal in Sprechzimmer 1 has lost its connection, and the connector's gSMC-K expires in
60 days. The KIM stand-in offers SMTP (implicit TLS) and POP3 (STARTTLS).
"""

from __future__ import annotations

import sys
from pathlib import Path

from demo.context import DemoContext, DemoPart
from devkit import pki
from devkit.procs import port_open

REPO = Path(__file__).resolve().parents[2]
SCENARIOS = ("egk_inserted", "terminal_disconnected", "smck_expiring")
PASSWORD = "demo-konnektor-passwort"


def start(ctx: DemoContext) -> DemoPart:
    d = ctx.workdir
    ca = pki.make_ca("Demo Praxis TI CA")
    konn = pki.make_cert("konnektor.praxis.test", issuer=ca, sans=["127.0.0.1", "localhost"])
    kim = pki.make_cert(
        "kim-clientmodul.praxis.test",
        issuer=ca,
        sans=["127.0.0.1", "kim-clientmodul.praxis.test"],
        not_after=pki.days_from_now(45),
    )
    pki.write_pem(d / "ca.pem", ca)
    pki.write_pem(d / "konnektor.pem", konn, ca)
    pki.write_key(d / "konnektor.key", konn)
    pki.write_pem(d / "kim.pem", kim, ca)
    pki.write_key(d / "kim.key", kim)
    password_file = d / "konnektor.password"
    password_file.write_text(PASSWORD + "\n")
    password_file.chmod(0o600)

    konn_port, smtp_port, pop3_port = ctx.port(), ctx.port(), ctx.port()
    connector = ctx.spawn(
        "ti-connector-sim",
        [
            sys.executable,
            "-m",
            "simulators.ti_connector",
            f"--port={konn_port}",
            f"--cert={d / 'konnektor.pem'}",
            f"--key={d / 'konnektor.key'}",
            "--vendor=secunet",
            "--basic-user=monitoring",
            "--basic-password-env=TI_SIM_PASSWORD",
            *[f"--scenario={s}" for s in SCENARIOS],
        ],
        env={"TI_SIM_PASSWORD": PASSWORD, "PYTHONPATH": str(REPO)},
        cwd=REPO,
    )
    kim_module = ctx.spawn(
        "kim-sim",
        [
            sys.executable,
            "-m",
            "simulators.kim",
            f"--cert={d / 'kim.pem'}",
            f"--key={d / 'kim.key'}",
            f"--smtp-port={smtp_port}",
            f"--pop3-port={pop3_port}",
            "--smtp-mode=implicit",
            "--pop3-mode=starttls",
        ],
        env={"PYTHONPATH": str(REPO)},
        cwd=REPO,
    )
    connector.wait_until(lambda: port_open("127.0.0.1", konn_port), what="listening")
    kim_module.wait_until(lambda: port_open("127.0.0.1", pop3_port), what="listening")

    config = d / "ti.yml"
    config.write_text(
        "# praxis-ti-exporter: the demo practice's connector and KIM module\n"
        "timeout: 8s\n"
        "targets:\n"
        "  praxis:\n"
        "    connector:\n"
        f"      base_url: https://127.0.0.1:{konn_port}\n"
        "      mandant_id: Mandant1\n"
        "      client_system_id: PVS1\n"
        "      workplace_id: Empfang\n"
        "      auth: basic\n"
        "      username: monitoring\n"
        f"      password_file: {password_file.name}\n"
        "      ca_file: ca.pem\n"
        "      expected_firmware: 5.1.2\n"
        "    kim:\n"
        f"      smtp: {{address: '127.0.0.1:{smtp_port}', tls: implicit}}\n"
        f"      pop3: {{address: '127.0.0.1:{pop3_port}', tls: starttls}}\n"
        "      ca_file: ca.pem\n"
    )
    return DemoPart(
        exporter="ti",
        config_file=config,
        story=[
            "simulated secunet connector (basic auth, HTTPS), dashboard uid praxis-ti",
            "an eGK is inserted at the reception: counted in ti_patient_cards_inserted only",
            "card terminal Sprechzimmer 1 is disconnected: TiCardTerminalDisconnected after 10m",
            "the gSMC-K expires in 60 days: TiCertificateExpiringSoon after 1h",
            f"state switches: curl -X POST https://127.0.0.1:{konn_port}/-/sim/scenario/vpn_ti_down"
            f" --cacert {d / 'ca.pem'}",
        ],
        urls={"connector.sds": f"https://127.0.0.1:{konn_port}/connector.sds"},
    )
