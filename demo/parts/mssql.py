"""Demo part: the practice's SQL Server (CGM M1 PRO), played by the TDS double.

No SQL Server can run here, so `simulators.tds` answers the exporter's queries over real
TDS with documented result shapes. The PVS vendor requires compatibility level 150 for
M1PRO; two minutes into the demo "a Windows update" raises it to 160, so
MssqlCompatibilityLevelChanged and (after 2 more minutes) MssqlCompatibilityLevelMismatch
fire. A SQL Agent maintenance job has failed (MssqlAgentJobFailed).
"""

from __future__ import annotations

import secrets
import sys
from pathlib import Path

from demo.context import DemoContext, DemoPart
from devkit.procs import port_open

REPO = Path(__file__).resolve().parents[2]
CHANGE_AFTER_SECONDS = 120


def start(ctx: DemoContext) -> DemoPart:
    password = secrets.token_urlsafe(12)
    password_file = ctx.workdir / "mssql.password"
    password_file.write_text(password + "\n")
    password_file.chmod(0o600)
    port = ctx.port()
    sim = ctx.spawn(
        "tds-simulator",
        [
            sys.executable,
            "-m",
            "simulators.tds",
            f"--port={port}",
            "--scenario=standard",
            "--user=monitor",
            f"--password={password}",
            "--compat=M1PRO=160",
            f"--change-after={CHANGE_AFTER_SECONDS}",
        ],
        cwd=REPO,
    )
    sim.wait_until(lambda: port_open("127.0.0.1", port), what="listening")
    config = ctx.workdir / "mssql.yml"
    config.write_text(
        "# praxis-mssql-exporter: the demo practice's SQL Server (TDS double)\n"
        "timeout: 8s\ntargets:\n"
        f"  m1pro:\n    server: '127.0.0.1,{port}'\n    driver: FreeTDS\n"
        "    user: monitor\n    password_file: mssql.password\n"
        "    encrypt: false  # the double speaks TDS without TLS\n"
        "    expected_compatibility_level: {'*': 150}\n"
    )
    return DemoPart(
        exporter="mssql",
        config_file=config,
        story=[
            f"SQL Server double on 127.0.0.1:{port} (Standard, CGM M1 PRO), dashboard uid "
            "praxis-mssql",
            f"after {CHANGE_AFTER_SECONDS} s M1PRO's compatibility level jumps 150 -> 160: "
            "MssqlCompatibilityLevelChanged, then MssqlCompatibilityLevelMismatch",
            "SQL Agent job 'M1PRO Index-Wartung' failed: MssqlAgentJobFailed",
        ],
    )
