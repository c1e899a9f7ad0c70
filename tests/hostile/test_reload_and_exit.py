"""Items 5 and 6 of issue 18: reloads do not fail running scrapes; SIGTERM ends a process
whose collections are stuck; reloads do not pile up stuck threads."""

from __future__ import annotations

import os
import signal
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests

from devkit.exporter import ExporterProcess, parse_samples, value
from devkit.listeners import BlackHole
from devkit.procs import http_ok


def _threads(pid: int) -> int:
    return len(os.listdir(f"/proc/{pid}/task"))


def test_reload_during_scrapes_fails_none(tmp_path: Path) -> None:
    # 40 black-holed targets with a 1 s deadline: 32 run at once, 8 wait in the pool's
    # queue. Before the fix a reload shut the pool down with cancel_futures while the
    # scrape still used it: the queued ones were cancelled and /metrics answered 500.
    with BlackHole() as hole:
        targets = "".join(f"  t{i}:\n    address: {hole.address}\n" for i in range(40))
        config = tmp_path / "c.yml"
        config.write_text(f"timeout: 1s\ntargets:\n{targets}")
        proc = ExporterProcess(
            "sample", config, tmp_path, module="devkit.sample_exporter", extra_args=[]
        )
        try:

            def scrape(_: int) -> int:
                return requests.get(f"{proc.url}/metrics", timeout=60).status_code

            with ThreadPoolExecutor(4) as pool:
                first = pool.submit(scrape, 0)
                proc.wait_until(lambda: hole.connections >= 32, what="scrape running")
                assert requests.post(f"{proc.url}/-/reload", timeout=60).status_code == 200
                assert first.result() == 200
                # a reload storm (SIGHUP and POST) while scrapes run
                scrapes = [pool.submit(scrape, i) for i in range(6)]
                for _ in range(30):
                    proc.send_signal(signal.SIGHUP)
                assert requests.post(f"{proc.url}/-/reload", timeout=60).status_code == 200
                assert [f.result() for f in scrapes] == [200] * 6
            samples = parse_samples(proc.get("/metrics"))
            assert value(samples, "sample_exporter_config_last_reload_successful") == 1
            assert "request failed" not in proc.log_text()
        finally:
            proc.stop()


def test_sigterm_exits_while_a_collection_is_stuck(tmp_path: Path) -> None:
    fifo = tmp_path / "hung-mount"
    os.mkfifo(fifo)
    config = tmp_path / "c.yml"
    config.write_text(f"timeout: 0.3s\ntargets:\n  share:\n    path: {fifo}\n")
    proc = ExporterProcess("stuck", config, tmp_path, module="devkit.stuck_exporter")
    try:
        samples = parse_samples(proc.get("/metrics"))
        assert value(samples, "stuck_up", target="share") == 0
        # once the first collection counts as stuck, no further thread is started for it,
        # also not by a new runner after a reload
        proc.wait_until(
            lambda: "still running past its deadline" in proc.get("/metrics") + proc.log_text(),
            what="collection reported as stuck",
        )
        before = _threads(proc.pid)
        for _ in range(5):
            assert requests.post(f"{proc.url}/-/reload", timeout=30).status_code == 200
            assert value(parse_samples(proc.get("/metrics")), "stuck_up", target="share") == 0
        # connection threads of the requests above may take a moment to end; stuck
        # collection threads never do (before the fix: one more per reload)
        proc.wait_until(lambda: _threads(proc.pid) <= before + 1, timeout=15, what="no leak")
        # SIGTERM: the process ends although a thread is blocked in open() for ever
        proc.send_signal(signal.SIGTERM)
        try:
            code = proc.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            raise AssertionError("the exporter did not exit on SIGTERM") from None
        assert code == 0
        assert "stopped" in proc.log_text()
    finally:
        proc.stop()
        assert not http_ok(f"{proc.url}/-/healthy")
