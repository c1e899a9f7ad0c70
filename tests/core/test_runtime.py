"""The runtime as a real process (the sample exporter): deadlines, /probe, reload, exits."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from devkit.exporter import REPO, ExporterProcess, parse_samples, value
from devkit.listeners import BlackHole, Greeter

SECRET = "pw-never-shown-42"


@pytest.fixture
def peers() -> Iterator[tuple[Greeter, BlackHole]]:
    with Greeter(b"220 hello\r\n") as greeter, BlackHole() as hole:
        yield greeter, hole


def write_config(path: Path, greeter: Greeter, hole: BlackHole, timeout: str = "2s") -> Path:
    path.write_text(
        f"timeout: {timeout}\n"
        "targets:\n"
        f"  ok:\n    address: {greeter.address}\n"
        f"  hung:\n    address: {hole.address}\n    password: {SECRET}\n"
    )
    return path


def start(tmp_path: Path, config: Path, *args: str) -> ExporterProcess:
    return ExporterProcess(
        "sample", config, tmp_path, module="devkit.sample_exporter", extra_args=args
    )


def http_status(url: str, method: str = "GET", headers: dict[str, str] | None = None) -> int:
    req = urllib.request.Request(url, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:
            return int(resp.status)
    except urllib.error.HTTPError as err:
        return int(err.code)


def test_hung_target_is_down_in_time_while_others_report(tmp_path: Path, peers) -> None:
    greeter, hole = peers
    proc = start(tmp_path, write_config(tmp_path / "c.yml", greeter, hole))
    try:
        began = time.monotonic()
        samples = proc.metrics()
        elapsed = time.monotonic() - began
        assert value(samples, "sample_up", target="ok") == 1
        assert value(samples, "sample_greeting_bytes", target="ok") == len(b"220 hello\r\n")
        assert value(samples, "sample_up", target="hung") == 0
        assert value(samples, "sample_greeting_bytes", target="hung") is None
        # the hung target is bounded by its 2 s deadline, not by the socket's patience
        assert elapsed < 10
        assert value(samples, "sample_scrape_duration_seconds", target="hung") == pytest.approx(
            2.0, abs=0.5
        )
        assert hole.connections >= 1
        log = proc.log_text()
        warnings = [ln for ln in log.splitlines() if "level=warn" in ln and "target=hung" in ln]
        assert warnings and "timed out" in warnings[0]
        assert SECRET not in log
    finally:
        proc.stop()


def test_scrape_timeout_header_caps_the_deadline(tmp_path: Path, peers) -> None:
    greeter, hole = peers
    proc = start(tmp_path, write_config(tmp_path / "c.yml", greeter, hole, timeout="30s"))
    try:
        text = proc.get(
            "/probe?target=hung", headers={"X-Prometheus-Scrape-Timeout-Seconds": "1.5"}
        )
        samples = parse_samples(text)
        assert value(samples, "sample_up", target="hung") == 0
        # 1.5 s scrape timeout minus the default 0.5 s offset
        assert value(samples, "sample_scrape_duration_seconds", target="hung") == pytest.approx(
            1.0, abs=0.3
        )
        assert value(samples, "sample_up", target="ok") is None  # /probe: one target only
    finally:
        proc.stop()


def test_probe_only_scrapes_configured_targets(tmp_path: Path, peers) -> None:
    greeter, hole = peers
    with Greeter() as bystander:
        proc = start(tmp_path, write_config(tmp_path / "c.yml", greeter, hole))
        try:
            assert http_status(f"{proc.url}/probe?target={bystander.address}") == 404
            assert http_status(f"{proc.url}/probe?target=127.0.0.1") == 404
            assert http_status(f"{proc.url}/probe") == 400
            assert http_status(f"{proc.url}/probe?target=ok&target=hung") == 400
            assert bystander.connections == 0
            assert http_status(f"{proc.url}/probe?target=ok") == 200
        finally:
            proc.stop()


def test_landing_health_and_unknown_paths(tmp_path: Path, peers) -> None:
    greeter, hole = peers
    proc = start(tmp_path, write_config(tmp_path / "c.yml", greeter, hole))
    try:
        page = proc.get("/")
        assert "/metrics" in page and "/probe?target=ok" in page
        assert SECRET not in page
        assert proc.get("/-/healthy").strip() == "OK"
        assert http_status(f"{proc.url}/nope") == 404
        assert http_status(f"{proc.url}/-/reload") == 405
        assert http_status(f"{proc.url}/metrics", method="DELETE") == 405
    finally:
        proc.stop()


def test_metrics_never_show_secrets(tmp_path: Path, peers) -> None:
    greeter, hole = peers
    proc = start(tmp_path, write_config(tmp_path / "c.yml", greeter, hole))
    try:
        assert SECRET not in proc.get("/metrics")
    finally:
        proc.stop()


def test_reload_keeps_old_config_when_new_is_invalid(tmp_path: Path, peers) -> None:
    greeter, hole = peers
    config = write_config(tmp_path / "c.yml", greeter, hole)
    proc = start(tmp_path, config)
    try:
        config.write_text("targets:\n  ok:\n    address: 1\n    bogus: 2\n")
        assert http_status(f"{proc.url}/-/reload", method="POST") == 500
        samples = proc.metrics()
        assert value(samples, "sample_up", target="ok") == 1  # old config still serves
        assert value(samples, "sample_exporter_config_last_reload_successful") == 0
        assert value(samples, "sample_exporter_config_reload_failures_total") == 1
        assert "targets.ok.bogus: unknown key" in proc.log_text()

        config.write_text(f"targets:\n  only:\n    address: {greeter.address}\n")
        proc.send_signal(signal.SIGHUP)
        proc.wait_until(
            lambda: value(proc.metrics(), "sample_up", target="only") == 1,
            timeout=10,
            what="reloaded by SIGHUP",
        )
        samples = proc.metrics()
        assert value(samples, "sample_up", target="hung") is None
        assert value(samples, "sample_exporter_config_last_reload_successful") == 1
    finally:
        proc.stop()


def test_concurrent_scrapes(tmp_path: Path, peers) -> None:
    from concurrent.futures import ThreadPoolExecutor

    greeter, hole = peers
    proc = start(tmp_path, write_config(tmp_path / "c.yml", greeter, hole, timeout="1s"))
    try:
        with ThreadPoolExecutor(8) as pool:
            results = list(pool.map(lambda _: parse_samples(proc.get("/metrics")), range(16)))
        for samples in results:
            assert value(samples, "sample_up", target="ok") == 1
            assert value(samples, "sample_up", target="hung") == 0
        assert proc.alive()
    finally:
        proc.stop()


def run_check(
    config: Path, *extra: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    import os

    return subprocess.run(
        [
            sys.executable,
            "-m",
            "devkit.sample_exporter",
            f"--config.file={config}",
            "--web.listen-address=127.0.0.1:0",
            *extra,
        ],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=REPO,
        check=False,
        env={**os.environ, "PYTHONPATH": str(REPO), **(env or {})},
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("targets:\n  a:\n    address: x\n    surprise: 1\n", "targets.a.surprise: unknown key"),
        ("timeout: 5\ntargets:\n  a:\n    address: [1, 2]\n", "targets.a.address: "),
        (
            "targets:\n  a:\n    address: x\n    password_file: /nonexistent/pw\n",
            "targets.a: password_file: cannot read /nonexistent/pw",
        ),
        (f"targets:\n  a:\n    address: x\n    password: {SECRET}\n  :\n", "line "),
        (
            f"targets:\n  a:\n    address: x\n    password: {SECRET}\n    port: 1\n",
            "targets.a.port: unknown key",
        ),
    ],
    ids=["unknown-key", "wrong-type", "missing-secret-file", "bad-yaml", "secret-nearby"],
)
def test_invalid_config_exits_2_with_key_path(tmp_path: Path, text: str, expected: str) -> None:
    config = tmp_path / "bad.yml"
    config.write_text(text)
    result = run_check(config)
    assert result.returncode == 2, result.stderr
    assert expected in result.stderr
    assert str(config) in result.stderr
    assert SECRET not in result.stderr + result.stdout


def test_config_check_flag(tmp_path: Path) -> None:
    config = tmp_path / "good.yml"
    config.write_text("targets:\n  a:\n    address: 127.0.0.1:1\n")
    result = run_check(config, "--config.check")
    assert result.returncode == 0
    assert "OK (1 targets)" in result.stdout


def test_listen_failure_exits_1(tmp_path: Path, peers) -> None:
    greeter, _ = peers
    config = tmp_path / "good.yml"
    config.write_text("targets: {}\n")
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "devkit.sample_exporter",
            f"--config.file={config}",
            f"--web.listen-address=127.0.0.1:{greeter.port}",
        ],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=REPO,
        check=False,
    )
    assert result.returncode == 1
    assert "cannot listen" in result.stderr
