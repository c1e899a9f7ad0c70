"""`POST /push/<target>` over real HTTP: tokens, bad input, restarts and hard kills."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path

import pytest

from devkit.exporter import ExporterProcess, parse_samples, value
from exporters.backup.push import StateStore

TOKEN = "push-token-0123456789abcdef"
OTHER = "other-token-0123456789abcdef"
REPO = Path(__file__).resolve().parents[2]


def _config(tmp_path: Path) -> Path:
    (tmp_path / "token").write_text(TOKEN + "\n")
    (tmp_path / "other").write_text(OTHER + "\n")
    path = tmp_path / "backup.yml"
    path.write_text(
        "targets:\n"
        "  wsb:\n    type: push\n    token_file: token\n    max_age: 30h\n"
        "  robocopy:\n    type: push\n    token_file: other\n"
        "  nas:\n    type: files\n    path: nas/*.bak\n"
        "push:\n  state_dir: state\n"
    )
    (tmp_path / "nas").mkdir(exist_ok=True)
    return path


def post(
    url: str, body: bytes, token: str | None = TOKEN, headers: dict[str, str] | None = None
) -> int:
    req = urllib.request.Request(url, data=body, method="POST", headers=dict(headers or {}))
    if token is not None:
        req.add_header("Authorization", f"Bearer {token}")
    req.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            return int(resp.status)
    except urllib.error.HTTPError as err:
        return int(err.code)


def test_push_is_stored_and_survives_restart(
    start_exporter: Callable[..., ExporterProcess], tmp_path: Path
) -> None:
    config = _config(tmp_path)
    exporter = start_exporter("backup", config)
    before = parse_samples(exporter.get("/probe?target=wsb"))
    assert value(before, "backup_up") == 1
    assert value(before, "backup_last_success_timestamp_seconds") is None
    assert value(before, "backup_max_age_seconds") == 30 * 3600
    body = json.dumps({"success": True, "size_bytes": 123456, "duration_seconds": 61.5})
    assert post(f"{exporter.url}/push/wsb", body.encode()) == 200
    assert post(f"{exporter.url}/push/wsb", b'{"success": false, "message": "event 5"}') == 200
    after = parse_samples(exporter.get("/probe?target=wsb"))
    assert value(after, "backup_last_run_success") == 0
    assert value(after, "backup_last_size_bytes") == 123456
    assert value(after, "backup_push_runs_total") == 2
    assert value(after, "backup_push_failures_total") == 1
    exporter.stop()
    again = start_exporter("backup", config)
    restarted = parse_samples(again.get("/probe?target=wsb"))
    for name in ("backup_last_success_timestamp_seconds", "backup_last_size_bytes"):
        assert value(restarted, name) == value(after, name)
    assert value(restarted, "backup_push_runs_total") == 2


def test_bad_pushes_get_4xx_and_change_nothing(
    start_exporter: Callable[..., ExporterProcess], tmp_path: Path
) -> None:
    exporter = start_exporter("backup", _config(tmp_path))
    url = f"{exporter.url}/push/wsb"
    assert post(url, b'{"success": true, "size_bytes": 1000}') == 200
    state_file = tmp_path / "state" / "wsb.json"
    stored = state_file.read_bytes()
    cases: list[tuple[str, bytes, str | None, int]] = [
        (url, b'{"success": true}', None, 401),
        (url, b'{"success": true}', "Bearer-less", 403),
        (url, b'{"success": true}', OTHER, 403),  # another target's token
        # unknown names answer like a wrong token, so names cannot be enumerated (issue 18)
        (f"{exporter.url}/push/unknown", b'{"success": true}', TOKEN, 403),
        (f"{exporter.url}/push/nas", b'{"success": true}', TOKEN, 403),  # not a push target
        (url, b"x" * 20_000, TOKEN, 413),
        (url, b"{not json", TOKEN, 400),
        (url, b'{"success": true, "size_bytes": -5}', TOKEN, 400),
        (url, b'{"success": true, "size_bytes": "5 GB"}', TOKEN, 400),
        (url, b'{"success": true, "duration_seconds": NaN}', TOKEN, 400),
        (url, b'{"success": 1}', TOKEN, 400),
        (url, b"", TOKEN, 400),
    ]
    for target_url, body, token, expected in cases:
        assert post(target_url, body, token) == expected, (target_url, body[:40], token)
    with pytest.raises(urllib.error.HTTPError) as err:
        urllib.request.urlopen(url, timeout=10)
    assert err.value.code == 405
    assert state_file.read_bytes() == stored
    assert sorted(p.name for p in (tmp_path / "state").iterdir()) == ["wsb.json"]
    log = exporter.log_text()
    assert TOKEN not in log and OTHER not in log
    samples = exporter.metrics()
    assert value(samples, "backup_push_requests_total", code="403") == 4
    assert value(samples, "backup_push_requests_total", code="400") == 6


def test_exporter_killed_while_pushes_arrive_loses_nothing_acknowledged(
    start_exporter: Callable[..., ExporterProcess], tmp_path: Path
) -> None:
    config = _config(tmp_path)
    exporter = start_exporter("backup", config)
    acked: list[int] = []
    stop = threading.Event()

    def pusher() -> None:
        i = 0
        while not stop.is_set():
            try:
                code = post(
                    f"{exporter.url}/push/wsb",
                    json.dumps({"success": True, "size_bytes": i}).encode(),
                )
            except OSError:
                return  # the exporter is gone
            if code == 200:
                acked.append(i)
            i += 1

    thread = threading.Thread(target=pusher)
    thread.start()
    while len(acked) < 30:
        time.sleep(0.01)
    os.killpg(exporter.pid, signal.SIGKILL)
    stop.set()
    thread.join(10)
    again = start_exporter("backup", config)
    samples = parse_samples(again.get("/probe?target=wsb"))
    assert value(samples, "backup_up") == 1
    size = value(samples, "backup_last_size_bytes")
    assert size is not None and size >= acked[-1]
    runs = value(samples, "backup_push_runs_total")
    assert runs is not None and runs >= len(acked)


WRITER = """
import sys
from exporters.backup.push import PushState, StateStore
store = StateStore(sys.argv[1])
start = int(sys.argv[2])
for i in range(start, start + 1_000_000):
    store.save("job", PushState(last_run=i, last_run_success=True, last_success=i,
                                size_bytes=i, message="x" * 400, runs=i))
    print(i, flush=True)
"""


def test_state_file_is_never_torn_by_a_kill_mid_write(tmp_path: Path) -> None:
    """SIGKILL a tight write loop at random moments: the file is always a whole state, at
    least as new as the last write that returned."""
    rng = random.Random(4)
    store = StateStore(tmp_path)
    start = 0
    for _ in range(5):
        proc = subprocess.Popen(
            [sys.executable, "-c", WRITER, str(tmp_path), str(start)],
            stdout=subprocess.PIPE,
            text=True,
            cwd=REPO,
            env={**os.environ, "PYTHONPATH": str(REPO)},
        )
        assert proc.stdout is not None
        first = proc.stdout.readline()  # wait until it writes
        assert first.strip().isdigit()
        time.sleep(rng.uniform(0.01, 0.2))
        proc.send_signal(signal.SIGKILL)
        out, _ = proc.communicate(timeout=10)
        done = [int(x) for x in (first + out).split()]
        state = store.load("job")  # raises if torn
        assert state is not None
        assert state.runs >= done[-1]
        start = int(state.runs) + 1
    # leftover temp files of killed writers do not confuse loading and get cleaned up
    assert store.load("job") is not None
    for leftover in tmp_path.glob(".*.tmp"):
        os.utime(leftover, (time.time() - 3600, time.time() - 3600))
    store.remove_stale_temp_files()
    assert list(tmp_path.glob(".*.tmp")) == []


def _cron_line() -> str:
    text = (REPO / "docs" / "backup-push" / "cron.md").read_text()
    line = next(ln for ln in text.splitlines() if ln.startswith("30 1 * * *"))
    return line.split(" ", 5)[5].replace("\\%", "%")  # what cron hands to /bin/sh


@pytest.mark.parametrize(("job", "expected"), [("true", 1), ("false", 0)])
def test_documented_cron_one_liner_works(
    start_exporter: Callable[..., ExporterProcess], tmp_path: Path, job: str, expected: int
) -> None:
    """The line signals the start, runs the job (which here looks at the exporter while it
    runs), then reports the result; the exporter measures the duration from the start."""
    exporter = start_exporter("backup", _config(tmp_path))
    during = tmp_path / "during.prom"
    peek = f"curl -fsS -o {during} '{exporter.url}/probe?target=wsb'; {job}"
    command = (
        _cron_line()
        .replace("/usr/local/bin/nightly-backup.sh", peek)
        .replace("/etc/praxis/backup-push.token", str(tmp_path / "token"))
        .replace("http://praxis-srv:10612/push/nightly", f"{exporter.url}/push/wsb")
    )
    before = time.time()
    subprocess.run(["sh", "-c", command], check=True, timeout=60, capture_output=True)
    after = time.time()
    running = parse_samples(during.read_text())
    assert value(running, "backup_running") == 1
    started = value(running, "backup_last_start_timestamp_seconds")
    assert started is not None and before <= started <= after
    samples = parse_samples(exporter.get("/probe?target=wsb"))
    assert value(samples, "backup_running") == 0
    assert value(samples, "backup_last_run_success") == expected
    # measured by the exporter between the two requests: within the command's run time
    duration = value(samples, "backup_last_duration_seconds")
    assert duration is not None and 0 <= duration <= after - before
