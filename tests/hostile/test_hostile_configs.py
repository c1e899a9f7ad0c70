"""Items 10 and 11 of issue 18: configs that silently disabled checks or ended in a
traceback now exit 2 naming the key (at start) or keep the running config (on reload)."""

from __future__ import annotations

import signal
from pathlib import Path

import pytest
import requests

from devkit.exporter import ExporterProcess, parse_samples, value
from tests.hostile.helpers import run_once

GOOD = "targets:\n  a:\n    address: 127.0.0.1:1\n"


def _deep_list(depth: int) -> str:
    return "targets: {}\nextra: " + "[" * depth + "]" * depth + "\n"


CASES = [
    ("", "the config is empty"),
    ("# all commented out\n", "the config is empty"),
    ("timeout: 5s\n", "targets: missing or empty"),
    ("targets:\n", "targets: missing or empty"),
    (GOOD + "  a:\n    address: 127.0.0.1:2\n", "duplicate key 'a'"),
    ("timeout: .inf\n" + GOOD, "timeout: a duration must be finite"),
    ("timeout: 1.0e+400\n" + GOOD, "timeout: a duration must be finite"),
    ("timeout: .nan\n" + GOOD, "timeout: a duration must be finite"),
    ("timeout: 99999999999999999999999999999s\n" + GOOD, "timeout: timeout must be at most"),
    ("targets:\n  a:\n    address: 127.0.0.1:1\n    timeout: .inf\n", "targets.a.timeout"),
    (_deep_list(20000), "nested too deeply"),
    ("targets:\n  a:\n    address: 2024-13-45\n", None),  # a string now, no traceback
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_hostile_config_exits_2_naming_the_key(
    tmp_path: Path, text: str, expected: str | None
) -> None:
    config = tmp_path / "c.yml"
    config.write_text(text)
    result = run_once(f"--config.file={config}", "--config.check")
    assert "Traceback" not in result.stderr
    if expected is None:
        assert result.returncode == 0, result.stderr
        return
    assert result.returncode == 2, result.stdout + result.stderr
    assert expected in result.stderr
    assert str(config) in result.stderr


def test_invalid_dates_in_certs_config_name_the_key(tmp_path: Path) -> None:
    import subprocess
    import sys

    from devkit.exporter import REPO

    config = tmp_path / "certs.yml"
    config.write_text("targets:\n  licence:\n    expires: 2026-02-31\n")
    result = subprocess.run(
        [sys.executable, "-m", "exporters.certs", f"--config.file={config}", "--config.check"],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=REPO,
        check=False,
    )
    assert result.returncode == 2, result.stderr
    assert "targets.licence.expires" in result.stderr
    assert "Traceback" not in result.stderr
    config.write_text("targets:\n  licence:\n    expires: 2026-02-28\n")
    ok = subprocess.run(
        [sys.executable, "-m", "exporters.certs", f"--config.file={config}", "--config.check"],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=REPO,
        check=False,
    )
    assert ok.returncode == 0, ok.stderr


def test_state_dir_naming_a_file_fails_the_check(tmp_path: Path) -> None:
    import subprocess
    import sys

    from devkit.exporter import REPO

    (tmp_path / "state").write_text("not a directory")
    (tmp_path / "token").write_text("push-token-0123456789abcdef\n")
    config = tmp_path / "backup.yml"
    config.write_text(
        "push:\n  state_dir: state\ntargets:\n  wsb:\n    type: push\n    token_file: token\n"
    )
    result = subprocess.run(
        [sys.executable, "-m", "exporters.backup", f"--config.file={config}", "--config.check"],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=REPO,
        check=False,
    )
    assert result.returncode == 2, result.stdout
    assert "push.state_dir" in result.stderr and "not a directory" in result.stderr


def test_emptied_config_on_reload_keeps_the_targets(tmp_path: Path) -> None:
    config = tmp_path / "c.yml"
    config.write_text(GOOD)
    proc = ExporterProcess("sample", config, tmp_path, module="devkit.sample_exporter")
    try:
        for text in ("", "targets:\n", GOOD + "  a:\n    address: x:1\n", "timeout: .inf\n" + GOOD):
            config.write_text(text)
            assert requests.post(f"{proc.url}/-/reload", timeout=30).status_code == 500
        proc.send_signal(signal.SIGHUP)  # the same through the signal path
        proc.wait_until(
            lambda: value(proc.metrics(), "sample_exporter_config_reload_failures_total") == 5,
            what="SIGHUP reload refused",
        )
        samples = parse_samples(proc.get("/metrics"))
        assert value(samples, "sample_up", target="a") == 0  # the target is still watched
        assert value(samples, "sample_exporter_config_last_reload_successful") == 0
        # /metrics without Prometheus' timeout header works (inf timeout was an OverflowError)
        assert requests.get(f"{proc.url}/metrics", timeout=30).status_code == 200
    finally:
        proc.stop()


def test_reload_with_a_fifo_secret_answers_and_keeps_the_config(tmp_path: Path) -> None:
    import os

    config = tmp_path / "c.yml"
    config.write_text(GOOD)
    proc = ExporterProcess("sample", config, tmp_path, module="devkit.sample_exporter")
    try:
        os.mkfifo(tmp_path / "pw")
        config.write_text(GOOD + f"    password_file: {tmp_path / 'pw'}\n")
        # before: this reload, and every later one, hung while the gauge stayed 1
        assert requests.post(f"{proc.url}/-/reload", timeout=30).status_code == 500
        config.write_text(GOOD)
        assert requests.post(f"{proc.url}/-/reload", timeout=30).status_code == 200
        samples = parse_samples(proc.get("/metrics"))
        assert value(samples, "sample_exporter_config_reload_failures_total") == 1
        assert "not a regular file" in proc.log_text()
    finally:
        proc.stop()
