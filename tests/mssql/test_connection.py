"""The real connection path: exporter process -> pyodbc -> unixODBC -> FreeTDS -> TCP."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from devkit.exporter import ExporterProcess, value
from devkit.listeners import BlackHole
from devkit.ports import free_port

pytestmark = pytest.mark.integration

PASSWORD = "Pr4xis-geheim!"


def test_closed_and_silent_ports_are_down_within_the_deadline(
    start_exporter: Callable[..., ExporterProcess], tmp_path: Path
) -> None:
    with BlackHole() as hole:
        config = f"""timeout: 2s
targets:
  closed:
    server: '127.0.0.1,{free_port()}'
    user: monitor
    password: '{PASSWORD}'
  silent:
    server: '127.0.0.1,{hole.port}'
    user: monitor
    password: '{PASSWORD}'
  nodriver:
    server: '127.0.0.1,{hole.port}'
    driver: No Such Driver
    user: monitor
    password: '{PASSWORD}'
"""
        exporter = start_exporter("mssql", config)
        text = exporter.get("/metrics")
        samples = exporter.metrics()
        for name in ("closed", "silent", "nodriver"):
            assert value(samples, "mssql_up", target=name) == 0, name
        assert hole.connections >= 1  # FreeTDS really connected and waited for an answer
        probe = exporter.metrics("/probe?target=silent")
        assert value(probe, "mssql_up", target="silent") == 0
    log = exporter.log_text()
    # the login timeout ended the attempt, not the core abandoning a hung thread
    assert "Timeout expired" in log
    assert "target scrape timed out" not in log
    assert "Unable to connect" in log
    assert "'No Such Driver' is not installed" in log
    assert PASSWORD not in log and PASSWORD not in text
