"""The mail responders as a process: greet, upgrade, refuse mail; bad arguments exit 2."""

from __future__ import annotations

import smtplib
import ssl
import subprocess
import sys
from pathlib import Path

from devkit.procs import ServiceProcess
from exporters.core.deadline import Deadline
from exporters.core.tlsprobe import probe

from .conftest import Pki

REPO = Path(__file__).resolve().parents[2]


def test_process_serves_and_refuses_mail(pki: Pki, good_files: tuple[Path, Path]) -> None:
    cert, key = good_files
    proc = ServiceProcess(
        "mail",
        [
            sys.executable,
            "-m",
            "simulators.mail",
            f"--cert={cert}",
            f"--key={key}",
            "--serve=smtp:starttls:127.0.0.1:0",  # port 0: printed by the simulator
            "--serve=pop3:implicit:127.0.0.1:0",
        ],
        pki.dir / "mail.log",
        cwd=REPO,
    )
    try:
        proc.wait_until(lambda: "pop3 (implicit) on" in proc.log_text(), what="listening")
        ports = [int(line.rsplit(":", 1)[1]) for line in proc.log_text().splitlines()]
        smtp_port, pop_port = ports
        result = probe("127.0.0.1", pop_port, Deadline.after(5), ca_file=str(pki.ca_file))
        assert result.verified
        # a real SMTP client: STARTTLS works, mail is refused
        with smtplib.SMTP("127.0.0.1", smtp_port, timeout=5) as client:
            client.starttls(context=ssl.create_default_context(cafile=pki.ca_file))
            code, _ = client.mail("arzt@praxis.test")
            assert code == 502
    finally:
        proc.stop()


def test_bad_arguments_exit_2(pki: Pki) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "simulators.mail", "--serve=smtp:starttls:127.0.0.1:1"],
        capture_output=True,
        text=True,
        cwd=REPO,
        check=False,
    )
    assert result.returncode == 2 and "cert_file" in result.stderr
