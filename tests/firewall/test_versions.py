"""Signature version tracking: first sightings survive restarts, SIGKILL and rollbacks."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from exporters.firewall.versions import VersionTracker

REPO = Path(__file__).resolve().parents[2]
DAY = 86400.0


def test_first_sighting_is_kept_until_the_version_changes(tmp_path: Path) -> None:
    tracker = VersionTracker(tmp_path / "state.json")
    assert tracker.observe("fw", "ips", "9.17.21", 1000.0) == 1000.0
    assert tracker.observe("fw", "ips", "9.17.21", 5000.0) == 1000.0
    assert tracker.observe("fw", "ips", "9.17.22", 6000.0) == 6000.0
    assert tracker.observe("other", "ips", "9.17.21", 7000.0) == 7000.0  # per target


def test_survives_a_restart(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    VersionTracker(path).observe("fw", "antivirus", "92.1", 1000.0)
    again = VersionTracker(path)
    assert again.observe("fw", "antivirus", "92.1", 9 * DAY) == 1000.0


def test_rollback_to_a_known_version_gets_its_old_age_back(tmp_path: Path) -> None:
    tracker = VersionTracker(tmp_path / "state.json")
    tracker.observe("fw", "ips", "27.00700", 0.0)
    tracker.observe("fw", "ips", "27.00768", 30 * DAY)
    # the vendor pulled 27.00768: the device is back on content first seen at day 0
    assert tracker.observe("fw", "ips", "27.00700", 31 * DAY) == 0.0


def test_rollback_to_an_unknown_older_version_never_looks_fresh(tmp_path: Path) -> None:
    tracker = VersionTracker(tmp_path / "state.json")
    tracker.observe("fw", "ips", "27.00768", 10 * DAY)
    assert tracker.observe("fw", "ips", "27.00500", 40 * DAY) == 10 * DAY
    # a later real update is fresh again
    assert tracker.observe("fw", "ips", "27.00900", 41 * DAY) == 41 * DAY


def test_history_is_bounded(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    tracker = VersionTracker(path)
    for i in range(100):
        tracker.observe("fw", "ips", f"1.{i}", float(i))
    history = json.loads(path.read_text())["targets"]["fw"]["ips"]["history"]
    assert len(history) == 16 and "1.99" in history


def test_corrupt_state_file_starts_empty_and_is_rewritten(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "state.json"
    path.write_text('{"targets": {"fw": ')
    tracker = VersionTracker(path)
    assert "unreadable" in caplog.text
    assert tracker.observe("fw", "ips", "1.0", 5.0) == 5.0
    assert json.loads(path.read_text())["targets"]["fw"]["ips"]["current"] == "1.0"


def test_stale_temp_file_of_a_killed_writer_is_swept(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    VersionTracker(path).observe("fw", "ips", "1.0", 5.0)
    stale = tmp_path / ".state.json.abc123.tmp"
    stale.write_text('{"half')
    old = time.time() - 3600
    os.utime(stale, (old, old))
    again = VersionTracker(path)
    assert not stale.exists()
    assert again.observe("fw", "ips", "1.0", 9.0) == 5.0


WRITER = """
import sys
from exporters.firewall.versions import VersionTracker
tracker = VersionTracker(sys.argv[1])
i = 0
while True:
    i += 1
    tracker.observe("fw", "ips", f"1.{i}", float(i))
    tracker.observe("fw", "antivirus", f"2.{i}", float(i))
"""


def test_sigkill_in_the_middle_of_writing_leaves_old_or_new_state(tmp_path: Path) -> None:
    """A writer that saves hundreds of times a second is killed with SIGKILL; the file
    must still be whole JSON with a version the writer wrote, every time."""
    path = tmp_path / "state.json"
    for _round in range(5):
        proc = subprocess.Popen(
            [sys.executable, "-c", WRITER, str(path)], cwd=REPO, env={**os.environ}
        )
        try:
            deadline = time.monotonic() + 60
            start_size = path.stat().st_mtime_ns if path.exists() else 0
            while time.monotonic() < deadline:
                if path.exists() and path.stat().st_mtime_ns != start_size:
                    break
                time.sleep(0.01)
            time.sleep(0.05 * (_round + 1))
        finally:
            proc.send_signal(signal.SIGKILL)
            proc.wait(timeout=30)
        state = json.loads(path.read_text())  # never torn
        current = state["targets"]["fw"]["ips"]["current"]
        assert current.startswith("1.") and int(current[2:]) >= 1
        resumed = VersionTracker(path)
        assert resumed.observe("fw", "ips", current, 1e9) == state["targets"]["fw"]["ips"]["since"]
