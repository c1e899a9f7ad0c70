"""Demo part: the practice's certificates and licences - one ending soon, one long gone.

- `pvs-web` (file): the PVS web server's PEM chain, valid for a year;
- `konnektor-client` (file): the connector's client certificate as PKCS#12 with a
  password file, 200 days left;
- `kim-smtp` (address, STARTTLS smtp) and `kim-pop3` (implicit TLS): the KIM module's
  certificate ends in 5 days -> CertExpiringSoon (critical);
- `firewall-admin` (address): self-signed -> CertNotVerifying;
- `firewall-licence` (expires): ran out three months ago -> CertExpired;
- `antivirus` (expires): subscription ends in 20 days -> CertExpiringSoon (warning).
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

from demo.context import DemoContext, DemoPart
from devkit import pki
from devkit.procs import port_open

REPO = Path(__file__).resolve().parents[2]
P12_PASSWORD = "demo-konnektor-p12"


def _responders(ctx: DemoContext, name: str, cert: Path, key: Path, serve: list[str]) -> None:
    proc = ctx.spawn(
        name,
        [sys.executable, "-m", "simulators.mail", f"--cert={cert}", f"--key={key}"]
        + [f"--serve={s}" for s in serve],
        env={"PYTHONPATH": str(REPO)},
        cwd=REPO,
    )
    last_port = int(serve[-1].rsplit(":", 1)[1])
    proc.wait_until(lambda: port_open("127.0.0.1", last_port), what="listening")


def start(ctx: DemoContext) -> DemoPart:
    d = ctx.workdir
    ca = pki.make_ca("Demo Praxis CA")
    pvs = pki.make_cert("pvs.praxis.test", issuer=ca, sans=["pvs.praxis.test"], key_type="rsa")
    pki.write_pem(d / "pvs-web.pem", pvs, ca)
    client = pki.make_cert(
        "80276883110000012345-konnektor", issuer=ca, not_after=pki.days_from_now(200)
    )
    pki.write_pkcs12(d / "konnektor-client.p12", client, [ca], password=P12_PASSWORD)
    secret = d / "konnektor-client.pass"
    secret.write_text(P12_PASSWORD + "\n")
    secret.chmod(0o600)
    pki.write_pem(d / "ca.pem", ca)

    kim = pki.make_cert(
        "kim.praxis.test",
        issuer=ca,
        sans=["kim.praxis.test", "127.0.0.1"],
        not_after=pki.days_from_now(5),
    )
    kim_chain, kim_key = pki.write_pem(d / "kim.pem", kim, ca), pki.write_key(d / "kim.key", kim)
    smtp_port, pop3_port = ctx.port(), ctx.port()
    _responders(
        ctx,
        "kim-module",
        kim_chain,
        kim_key,
        [f"smtp:starttls:127.0.0.1:{smtp_port}", f"pop3:implicit:127.0.0.1:{pop3_port}"],
    )
    fw = pki.make_cert("sophos-xgs.praxis.test", sans=["127.0.0.1"], key_type="rsa")
    fw_chain, fw_key = pki.write_pem(d / "fw.pem", fw), pki.write_key(d / "fw.key", fw)
    fw_port = ctx.port()
    _responders(ctx, "firewall-admin", fw_chain, fw_key, [f"imap:implicit:127.0.0.1:{fw_port}"])

    today = dt.date.today()
    config = d / "certs.yml"
    config.write_text(
        f"""timeout: 5s
targets:
  pvs-web:
    file: {d / "pvs-web.pem"}
  konnektor-client:
    file: {d / "konnektor-client.p12"}
    password_file: {secret}
  kim-smtp:
    address: "127.0.0.1:{smtp_port}"
    starttls: smtp
    server_name: kim.praxis.test
    ca_file: {d / "ca.pem"}
  kim-pop3:
    address: "127.0.0.1:{pop3_port}"
    ca_file: {d / "ca.pem"}
  firewall-admin:
    address: "127.0.0.1:{fw_port}"
  firewall-licence:
    expires: {today - dt.timedelta(days=90)}
    description: Firewall-Lizenz Sophos XGS
  antivirus:
    expires: {today + dt.timedelta(days=20)}
    description: Virenschutz-Abo (ESET)
"""
    )
    return DemoPart(
        exporter="certs",
        config_file=config,
        story=[
            "kim-smtp / kim-pop3: the KIM module's certificate ends in 5 days -> CertExpiringSoon",
            "firewall-admin: self-signed -> CertNotVerifying",
            "firewall-licence: ran out 90 days ago -> CertExpired; antivirus: 20 days left",
            "konnektor-client: PKCS#12 with a password file; pvs-web: PEM chain",
        ],
    )
