"""End to end: TDS doubles (a Standard and a named Express instance) -> exporter process ->
real Prometheus with a `site` label; every dashboard query returns data."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from devkit.dashboards import empty_queries
from devkit.exporter import REPO, ExporterProcess
from devkit.ports import free_port
from devkit.procs import ServiceProcess, port_open
from devkit.prometheus import Prometheus, promtool_check_metrics, scrape_job

pytestmark = pytest.mark.e2e
DASHBOARD = REPO / "dashboards" / "mssql.json"
RULES = REPO / "alerting-rules" / "mssql.rules.yml"


def start_simulator(workdir: Path, *args: str) -> tuple[ServiceProcess, int]:
    port = free_port()
    argv = [sys.executable, "-m", "simulators.tds", f"--port={port}", "--password=Mon1tor", *args]
    proc = ServiceProcess(f"tds-{port}", argv, workdir / f"tds-{port}.log", cwd=REPO)
    proc.wait_until(lambda: port_open("127.0.0.1", port), what="listening")
    return proc, port


@pytest.fixture
def simulators(tmp_path: Path) -> Iterator[tuple[int, int]]:
    standard, standard_port = start_simulator(tmp_path, "--scenario=standard")
    express, express_port = start_simulator(tmp_path, "--scenario=express")
    yield standard_port, express_port
    standard.stop()
    express.stop()


def test_dashboard_queries_all_return_data(
    simulators: tuple[int, int],
    start_exporter: Callable[..., ExporterProcess],
    start_prometheus: Callable[..., Prometheus],
) -> None:
    standard_port, express_port = simulators
    config = f"""timeout: 8s
targets:
  m1pro:
    server: '127.0.0.1,{standard_port}'
    user: monitor
    password: Mon1tor
    encrypt: false
    expected_compatibility_level: {{'*': 150, M1PRO: 140}}
  express:
    server: '127.0.0.1,{express_port}'
    user: monitor
    password: Mon1tor
    encrypt: false
    expected_compatibility_level: 160
"""
    exporter = start_exporter("mssql", config)
    text = exporter.get("/metrics")
    assert promtool_check_metrics(text) == ""
    assert 'mssql_up{target="m1pro"} 1.0' in text
    assert 'mssql_up{target="express"} 1.0' in text
    assert "Mon1tor" not in text
    prom = start_prometheus(
        [scrape_job("mssql", [f"127.0.0.1:{exporter.port}"], labels={"site": "praxis-test"})],
        rules=[RULES],
    )
    prom.wait_for_targets_up()
    prom.wait_for("rate(mssql_batch_requests_total[5m])")
    assert empty_queries(prom, DASHBOARD) == []
    mismatched = prom.query(
        "mssql_database_compatibility_level != mssql_database_expected_compatibility_level"
    )
    assert {(r["metric"]["target"], r["metric"]["database"]) for r in mismatched} == {
        ("m1pro", "M1PRO"),
        ("express", "PRAXIS"),
        ("express", "ARCHIV"),
    }
    assert all(r["metric"]["site"] == "praxis-test" for r in mismatched)


def test_demo_part_changes_the_compatibility_level(tmp_path: Path) -> None:
    """The demo part's exporter config is valid and its double answers it."""
    from demo.context import DemoContext
    from demo.parts import mssql as part

    ctx = DemoContext(tmp_path)
    try:
        demo = part.start(ctx)
        exporter = ExporterProcess("mssql", demo.config_file, tmp_path)
        try:
            text = exporter.get("/metrics")
        finally:
            exporter.stop()
    finally:
        for service in ctx.services:
            service.stop()
    assert 'mssql_up{target="m1pro"} 1.0' in text
    assert 'mssql_database_compatibility_level{database="M1PRO",target="m1pro"} 150.0' in text
    assert (
        'mssql_database_expected_compatibility_level{database="M1PRO",target="m1pro"} 150.0' in text
    )
