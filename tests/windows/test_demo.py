"""The demo's Windows part: the fixture server is scraped as windows_exporter, and the story's
commands (the part's own story lines) switch it to "power cut" and "Firebird started late"."""

from __future__ import annotations

import shlex
import subprocess
from pathlib import Path

import pytest

from demo.runner import Demo
from devkit.exporter import Samples, value

pytestmark = pytest.mark.e2e


def story_command(lines: list[str], scenario: str) -> list[str]:
    (line,) = [x for x in lines if x.split(" -> ")[0].rstrip().endswith(f"--scenario {scenario}")]
    return shlex.split(line.split(": ", 1)[1].split(" -> ")[0])


def firebird_running(samples: Samples) -> float:
    labels = {("name", "FirebirdServerDefaultInstance"), ("state", "running")}
    (found,) = [
        v for (n, ls), v in samples.items() if n == "windows_service_state" and labels <= ls
    ]
    return found


def test_demo_server_power_cut_and_late_firebird(tmp_path: Path) -> None:
    with Demo(tmp_path / "demo", parts=["windows"], scrape_interval="1s") as demo:
        assert demo.prometheus is not None
        (part,) = demo.started
        exporter = demo.exporters["windows"]
        samples = exporter.metrics()
        assert firebird_running(samples) == 1
        demo.prometheus.wait_for('windows_os_info{site="praxis-demo"}')
        assert [
            a for a in demo.prometheus.alerts() if a["labels"]["alertname"].startswith("Win")
        ] == []

        subprocess.run(story_command(part.story, "power-cut"), check=True, timeout=60)
        samples = exporter.metrics()
        assert firebird_running(samples) == 0
        boot = value(samples, "windows_system_boot_time_timestamp")
        # real `for:` durations here: the service alert is on its way
        demo.prometheus.wait_for(
            'ALERTS{alertname="WindowsPvsServiceNotRunning", name="FirebirdServerDefaultInstance"}'
        )

        subprocess.run(story_command(part.story, "firebird-started"), check=True, timeout=60)
        samples = exporter.metrics()
        assert firebird_running(samples) == 1
        assert value(samples, "windows_system_boot_time_timestamp") == boot  # same boot
        demo.prometheus.wait_for(
            'windows_service_state{name="FirebirdServerDefaultInstance", state="running"} == 1'
        )
