"""Demo part: the practice server PRAXIS-SRV01 as windows_exporter 0.31 reports it (with the
praxis_windows_* series of Write-PraxisWindowsStatus.ps1), served by devkit.static_exporter
from the fixture exposition moved to now. windows_exporter itself cannot run here.

- healthy: Firebird, SQL Server Express, KIM client module running, booted 12 days ago;
- power cut: with the UPS on battery (the ups part's snmpset line), switch the server to
  "booted a minute ago, Firebird not running" -> WindowsHardPowerOff and
  WindowsPvsServiceNotRunning; then "firebird-started" resolves the service alert.
"""

from __future__ import annotations

import sys
from pathlib import Path

from demo.context import DemoContext, DemoPart
from devkit.windows_exposition import scenario

REPO = Path(__file__).resolve().parents[2]


def start(ctx: DemoContext) -> DemoPart:
    exposition = ctx.workdir / "windows_exporter.prom"
    scenario("healthy").write(exposition)
    # a live server's clock and status script move on: keep the file current for hours
    ctx.spawn(
        "windows-clock",
        [
            sys.executable,
            "-m",
            "devkit.windows_exposition",
            str(exposition),
            "--keep-current",
            "60",
        ],
        env={"PYTHONPATH": str(REPO)},
        cwd=REPO,
    )
    switch = f"{sys.executable} -m devkit.windows_exposition {exposition} --scenario"
    return DemoPart(
        exporter="windows",
        config_file=exposition,
        module="devkit.static_exporter",
        story=[
            "PRAXIS-SRV01 (windows_exporter 0.31 fixture): healthy, booted 12 days ago",
            f"power cut (UPS on battery first): {switch} power-cut"
            " -> WindowsHardPowerOff, WindowsPvsServiceNotRunning (Firebird)",
            f"Firebird started late: {switch} firebird-started",
        ],
        urls={"exposition file": str(exposition)},
    )
