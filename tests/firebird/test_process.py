"""The exporter as a process: black-holed port, stopped server, and a real Prometheus."""

from __future__ import annotations

import signal
import socket
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from devkit import firebird as fb
from devkit.dashboards import empty_queries
from devkit.exporter import ExporterProcess, parse_samples, value
from devkit.ports import free_port
from devkit.prometheus import REPO, Prometheus, promtool_check_metrics, scrape_job

from .conftest import Database

pytestmark = pytest.mark.integration

DASHBOARD = REPO / "dashboards" / "firebird.json"


@pytest.fixture
def black_hole() -> Iterator[int]:
    """A TCP port that accepts connections and never says a word."""
    server = socket.socket()
    server.bind(("127.0.0.1", free_port()))
    server.listen(16)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(server.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield server.getsockname()[1]
    stop.set()
    thread.join()
    for conn in held:
        conn.close()
    server.close()


def config(
    db: Database,
    extra_targets: str = "",
    log_file: Path | None = None,
    timeout: str = "4s",
    connect_timeout: str = "2s",
) -> str:
    log = f"    log_file: {log_file}\n" if log_file else ""
    return (
        f"timeout: {timeout}\nconnect_timeout: {connect_timeout}\ntargets:\n"
        f"  praxis:\n    dsn: {db.dsn}\n    user: SYSDBA\n"
        f"    password: {db.server.password}\n{log}{extra_targets}"
    )


@pytest.mark.parametrize(
    ("timeout", "connect_timeout", "outcome"),
    [
        # libfbclient's ConnectionTimeout ends the connect with an error, well inside the
        # (generous) deadline: the target fails, it does not time out
        ("30s", "1s", "target scrape failed"),
        # the scrape deadline comes first; the hung connect is left behind
        ("1s", "30s", "target scrape timed out"),
    ],
)
def test_black_holed_port_is_down_in_time_and_process_stays_healthy(
    fb_db: Database,
    black_hole: int,
    start_exporter: Callable[..., ExporterProcess],
    timeout: str,
    connect_timeout: str,
    outcome: str,
) -> None:
    """Which bound ended the hung connect is read from the log, not from a stopwatch: the
    HTTP client's own 60 s timeout is the only clock (fdb alone would hang for minutes)."""
    hole = f"  hole:\n    dsn: 127.0.0.1/{black_hole}:/db/praxis.fdb\n    password: hole-pw\n"
    exporter = start_exporter(
        "firebird", config(fb_db, hole, timeout=timeout, connect_timeout=connect_timeout)
    )
    for _ in range(3):  # the hung connect must not pile up or block later scrapes
        samples = parse_samples(exporter.get("/metrics", timeout=60))
        assert value(samples, "firebird_up", target="hole") == 0
        assert value(samples, "firebird_up", target="praxis") == 1
    log = exporter.log_text()
    hole_lines = [ln for ln in log.splitlines() if "hole" in ln and "target scrape" in ln]
    # the first scrape shows which bound ended it (later ones may meet the stuck connect)
    assert hole_lines and outcome in hole_lines[0], hole_lines
    assert "hole-pw" not in log
    assert exporter.get("/-/healthy").strip() != ""
    # SIGTERM ends it although a connect may still hang (up to connect_timeout, 30 s in the
    # second case): neither the collectors nor libfbclient's shutdown hold the exit; a
    # process that waited would meet the SIGKILL fallback after 15 s
    exporter.stop(timeout=15)
    assert exporter.proc.returncode not in (None, -signal.SIGKILL)


def test_server_stopped_gives_up_0_then_recovers(
    fb_db: Database, start_exporter: Callable[..., ExporterProcess]
) -> None:
    exporter = start_exporter("firebird", config(fb_db))
    assert value(exporter.metrics(), "firebird_up", target="praxis") == 1
    fb.stop_server()
    try:
        text = exporter.get("/metrics", timeout=60)
        assert value(parse_samples(text), "firebird_up", target="praxis") == 0
    finally:
        fb.restart_server()
    deadline = time.monotonic() + 30
    while value(exporter.metrics(), "firebird_up", target="praxis") != 1:
        assert time.monotonic() < deadline, "exporter did not reconnect after the restart"
        time.sleep(0.5)
    assert fb_db.server.password not in exporter.log_text()


LOG_ENTRIES = (
    "praxis-srv\tMon Nov 23 10:00:00 2026\n"
    "\tDatabase: /db/praxis.fdb\n\tinternal Firebird consistency check (wrong page type)\n\n"
    'praxis-srv\tMon Nov 23 10:05:00 2026\n\tI/O error during "read" operation\n\n'
)


@pytest.mark.e2e
def test_prometheus_fills_every_dashboard_panel(
    fb_db: Database,
    tmp_path: Path,
    start_exporter: Callable[..., ExporterProcess],
    start_prometheus: Callable[..., Prometheus],
) -> None:
    log_file = tmp_path / "firebird.log"
    log_file.write_text(LOG_ENTRIES)
    exporter = start_exporter("firebird", config(fb_db, log_file=log_file))
    text = exporter.get("/metrics")
    assert promtool_check_metrics(text) == ""
    samples = parse_samples(text)
    assert value(samples, "firebird_log_errors_total", target="praxis", **{"class": "io"}) == 1
    prom = start_prometheus(
        [scrape_job("firebird", [f"127.0.0.1:{exporter.port}"], labels={"site": "praxis-test"})]
    )
    prom.wait_for('count_over_time(firebird_up{site="praxis-test"}[1m]) >= 4', timeout=60)
    assert empty_queries(prom, DASHBOARD) == []
    probe = exporter.get("/probe?target=praxis")
    assert promtool_check_metrics(probe) == ""
    assert 'firebird_up{target="praxis"} 1.0' in probe
