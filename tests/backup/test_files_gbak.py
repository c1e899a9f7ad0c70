"""`files` over real trees with set mtimes; `gbak_log` from a real gbak run against Firebird."""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

import pytest

from devkit import firebird
from exporters.backup.collector import BackupCollector
from tests.backup.helpers import collect, load

NOW = time.time()


def _file(path: Path, size: int, age: float) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"\0" * size)
    os.utime(path, (NOW - age, NOW - age))


def test_files_target_reports_newest_valid_backup(tmp_path: Path) -> None:
    _file(tmp_path / "nas/2024/01/praxis.fbk", 5000, 3 * 86400)
    _file(tmp_path / "nas/2024/02/praxis.fbk", 6000, 86400)
    _file(tmp_path / "nas/2024/02/praxis.fbk.tmp", 9000, 10)  # not a match
    _file(tmp_path / "nas/2024/03/praxis.fbk", 12, 3600)  # truncated
    config = load(
        "targets:\n  fbk:\n    type: files\n    path: nas/**/*.fbk\n"
        "    min_size_bytes: 1000\n    max_age: 2d\n",
        tmp_path,
    )
    sink = collect(BackupCollector(config), "fbk")
    assert sink.sample_value("backup_last_success_timestamp_seconds") == pytest.approx(NOW - 86400)
    assert sink.sample_value("backup_last_size_bytes") == 6000
    assert sink.sample_value("backup_files") == 3
    assert sink.sample_value("backup_files_valid") == 2
    assert sink.sample_value("backup_last_run_success") == 0
    assert sink.sample_value("backup_max_age_seconds") == 2 * 86400
    assert sink.sample_value("backup_last_run_timestamp_seconds") == pytest.approx(NOW - 3600)


def test_files_target_with_no_match_has_no_success(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    config = load("targets:\n  t:\n    type: files\n    path: empty/*.bak\n", tmp_path)
    sink = collect(BackupCollector(config), "t")
    assert sink.sample_value("backup_files") == 0
    assert sink.sample_value("backup_last_success_timestamp_seconds") is None


def test_missing_share_is_an_error_not_zero_files(tmp_path: Path) -> None:
    config = load("targets:\n  t:\n    type: files\n    path: not-mounted/*.bak\n", tmp_path)
    with pytest.raises(FileNotFoundError):
        collect(BackupCollector(config), "t")


@pytest.fixture(scope="module")
def gbak_logs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Logs of a real successful and a real failed `gbak -b -v -y` run."""
    if not firebird.available():
        pytest.skip("Firebird is not installed")
    server = firebird.ensure_server()
    directory = firebird.database_dir("backup-exporter-tests")
    dsn = firebird.create_database(server, directory / "praxis.fdb")
    firebird.isql(server, dsn, "CREATE TABLE t (id INTEGER, name VARCHAR(40));\nCOMMIT;\n")
    logs = tmp_path_factory.mktemp("gbak")
    out: dict[str, Path] = {}
    for kind, password in (("ok", server.password), ("bad", "wrong-password")):
        log = logs / f"{kind}.log"
        fbk = directory / f"praxis-{kind}.fbk"
        if fbk.exists():
            fbk.unlink()
        subprocess.run(
            [
                "gbak",
                "-b",
                "-v",
                "-y",
                str(log),
                "-user",
                server.user,
                "-password",
                password,
                dsn,
                str(fbk),
            ],
            capture_output=True,
            timeout=120,
            check=False,
        )
        out[kind] = log
    return out


def test_real_gbak_logs(gbak_logs: dict[str, Path], tmp_path: Path) -> None:
    truncated = tmp_path / "killed.log"
    lines = gbak_logs["ok"].read_text().splitlines(keepends=True)
    truncated.write_text("".join(lines[:-1]))  # gbak killed before its closing line
    config = load(
        f"targets:\n  ok:\n    type: gbak_log\n    path: {gbak_logs['ok']}\n"
        f"  bad:\n    type: gbak_log\n    path: {gbak_logs['bad']}\n"
        f"  killed:\n    type: gbak_log\n    path: {truncated}\n",
        tmp_path,
    )
    collector = BackupCollector(config)
    ok = collect(collector, "ok")
    assert ok.sample_value("backup_last_run_success") == 1
    assert (ok.sample_value("backup_last_size_bytes") or 0) > 0
    assert ok.sample_value("backup_last_success_timestamp_seconds") == pytest.approx(
        gbak_logs["ok"].stat().st_mtime
    )
    bad = collect(collector, "bad")
    assert bad.sample_value("backup_last_run_success") == 0
    assert bad.sample_value("backup_log_errors") == 1
    assert bad.sample_value("backup_last_success_timestamp_seconds") is None
    killed = collect(collector, "killed")
    assert killed.sample_value("backup_last_run_success") == 0
    assert killed.sample_value("backup_log_errors") == 0
