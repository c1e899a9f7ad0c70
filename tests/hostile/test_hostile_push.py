"""Item 12 of issue 18, push endpoint: hostile bodies are 400s (and counted), a push cannot
move the last success back in time, and push target names cannot be enumerated."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path

from devkit.exporter import ExporterProcess, value

TOKEN = "hostile-push-token-0123456789"


def _start(start_exporter: Callable[..., ExporterProcess], tmp_path: Path) -> ExporterProcess:
    (tmp_path / "token").write_text(TOKEN + "\n")
    config = tmp_path / "backup.yml"
    config.write_text(
        f"push:\n  state_dir: {tmp_path / 'state'}\n"
        "targets:\n  wsb:\n    type: push\n    token_file: token\n"
    )
    return start_exporter("backup", config)


def _post(url: str, body: bytes, token: str | None = TOKEN) -> int:
    req = urllib.request.Request(url, data=body, method="POST")
    if token is not None:
        req.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:
            return int(resp.status)
    except urllib.error.HTTPError as err:
        return int(err.code)


def test_hostile_push_bodies_are_400_and_counted(start_exporter, tmp_path: Path) -> None:
    proc = _start(start_exporter, tmp_path)
    url = f"{proc.url}/push/wsb"
    bodies = [
        b'{"success": true, "size_bytes": ' + b"9" * 400 + b"}",  # OverflowError before
        b'{"success": true, "timestamp": -' + b"1" * 400 + b"}",
        b"[" * 3000 + b"]" * 3000,  # RecursionError before
        b'{"success": true, "message": ' + b"[" * 3000 + b"]" * 3000 + b"}",
        b'{"success": true, "timestamp": 0}',  # 1970 is no backup time
    ]
    assert [_post(url, body) for body in bodies] == [400] * len(bodies)
    samples = proc.metrics()
    assert value(samples, "backup_push_requests_total", code="400") == len(bodies)
    assert value(samples, "backup_push_requests_total", code="500") is None
    assert "Traceback" not in proc.log_text()
    assert not (tmp_path / "state" / "wsb.json").exists()


def test_push_cannot_move_the_last_success_back(start_exporter, tmp_path: Path) -> None:
    proc = _start(start_exporter, tmp_path)
    url = f"{proc.url}/push/wsb"
    now = int(time.time())
    assert _post(url, json.dumps({"success": True, "timestamp": now}).encode()) == 200
    stored = (tmp_path / "state" / "wsb.json").read_bytes()
    old = json.dumps({"success": True, "timestamp": now - 86400 * 30}).encode()
    assert _post(url, old) == 409
    assert (tmp_path / "state" / "wsb.json").read_bytes() == stored
    assert value(proc.metrics(), "backup_last_success_timestamp_seconds", target="wsb") == now


def test_push_target_names_cannot_be_enumerated(start_exporter, tmp_path: Path) -> None:
    proc = _start(start_exporter, tmp_path)
    body = b'{"success": true}'
    # without a token: 401 for a real and an invented name alike (before: 401 vs 404)
    assert _post(f"{proc.url}/push/wsb", body, None) == 401
    assert _post(f"{proc.url}/push/guess", body, None) == 401
    # with some token: 403 for both
    assert _post(f"{proc.url}/push/wsb", body, "x" * 30) == 403
    assert _post(f"{proc.url}/push/guess", body, "x" * 30) == 403
    assert _post(f"{proc.url}/push/guess", body, TOKEN) == 403
