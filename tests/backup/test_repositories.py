"""Real restic and borg repositories (Debian packages) in temp dirs."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from exporters.backup.collector import _CHECKS, BackupCollector
from tests.backup.helpers import collect, load

PASSWORD = "praxis-repo-passw0rd"
pytestmark = pytest.mark.integration


def _tool(argv: list[str], env: dict[str, str]) -> str:
    result = subprocess.run(
        argv, env={**os.environ, **env}, capture_output=True, text=True, check=True, timeout=120
    )
    return result.stdout


@pytest.fixture(scope="module")
def restic_repo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    if not shutil.which("restic"):
        pytest.skip("restic not installed")
    base = tmp_path_factory.mktemp("restic")
    src = base / "src"
    src.mkdir()
    (src / "praxis.fbk").write_bytes(os.urandom(300_000))
    env = {"RESTIC_PASSWORD": PASSWORD, "RESTIC_REPOSITORY": str(base / "repo")}
    _tool(["restic", "init", "-q"], env)
    _tool(["restic", "backup", "-q", "--host", "praxis", "--tag", "daily", str(src)], env)
    (src / "small.txt").write_text("x")
    _tool(["restic", "backup", "-q", "--host", "praxis", "--tag", "weekly", str(src)], env)
    (base / "pw").write_text(PASSWORD + "\n")
    yield base


def _restic_config(base: Path, extra: str = "") -> str:
    return (
        f"targets:\n  r:\n    type: restic\n    repository: {base / 'repo'}\n"
        f"    password_file: {base / 'pw'}\n    refresh_interval: 0s\n{extra}"
    )


def test_restic_latest_snapshot_size_and_count(restic_repo: Path, tmp_path: Path) -> None:
    config = load(_restic_config(restic_repo, "    tags: [daily]\n"), tmp_path)
    sink = collect(BackupCollector(config), "r")
    assert sink.sample_value("backup_repository_snapshots") == 2
    assert sink.sample_value("backup_last_size_bytes") == 300_000  # the daily one
    age = time.time() - (sink.sample_value("backup_last_success_timestamp_seconds") or 0)
    assert 0 <= age < 600
    assert sink.sample_value("backup_repository_locked") == 0


def test_restic_wrong_password_fails_without_leaking_it(restic_repo: Path, tmp_path: Path) -> None:
    (tmp_path / "pw").write_text("not-the-password-42\n")
    config = load(
        f"targets:\n  r:\n    type: restic\n    repository: {restic_repo / 'repo'}\n"
        "    password_file: pw\n",
        tmp_path,
    )
    with pytest.raises(Exception) as err:
        collect(BackupCollector(config), "r")
    assert "not-the-password-42" not in str(err.value)
    assert "restic exited" in str(err.value)


def _readable_lock(env: dict[str, str]) -> bool:
    """True once the backup's lock file is completely written (restic can read it)."""
    ids = _tool(["restic", "list", "locks", "--no-lock", "--no-cache"], env).split()
    for lock_id in ids:
        try:
            _tool(["restic", "cat", "lock", lock_id, "--no-lock", "--no-cache"], env)
            return True
        except subprocess.CalledProcessError:
            pass
    return False


def test_restic_stale_lock_from_a_killed_backup(restic_repo: Path, tmp_path: Path) -> None:
    """`restic backup --stdin` holds its lock while it waits; SIGKILL leaves it behind."""
    env = {
        **os.environ,
        "RESTIC_PASSWORD": PASSWORD,
        "RESTIC_REPOSITORY": str(restic_repo / "repo"),
    }
    proc = subprocess.Popen(
        ["restic", "backup", "--stdin", "--no-cache", "-q"],
        stdin=subprocess.PIPE,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        end = time.monotonic() + 30
        while time.monotonic() < end and not _readable_lock(env):
            time.sleep(0.1)
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
        config = load(_restic_config(restic_repo, "    stale_lock_after: 0s\n"), tmp_path)
        sink = collect(BackupCollector(config), "r")
        assert sink.sample_value("backup_repository_locked") == 1
        assert sink.sample_value("backup_repository_lock_stale") == 1
        assert (sink.sample_value("backup_repository_lock_age_seconds") or -1) >= 0
    finally:
        if proc.poll() is None:
            proc.kill()
        _tool(["restic", "unlock", "--remove-all", "--no-cache"], env)


def test_restic_check_runs_in_background_and_sees_damage(restic_repo: Path, tmp_path: Path) -> None:
    damaged = tmp_path / "damaged"
    shutil.copytree(restic_repo, damaged)
    config = load(_restic_config(restic_repo, "    check_interval: 1h\n"), tmp_path)
    collector = BackupCollector(config)
    first = collect(collector, "r")
    assert first.sample_value("backup_check_success") is None  # still running
    _CHECKS.wait_idle(120)
    done = collect(collector, "r")
    assert done.sample_value("backup_check_success") == 1
    assert done.sample_value("backup_check_interval_seconds") == 3600
    # lose the biggest pack (file contents) of the copy, as after a half-synced NAS:
    # listing still works, the check must fail
    packs = [p for p in (damaged / "repo" / "data").rglob("*") if p.is_file()]
    max(packs, key=lambda p: p.stat().st_size).unlink()
    bad_config = load(
        _restic_config(damaged, "    check_interval: 1h\n").replace("  r:", "  d:"), tmp_path
    )
    bad = BackupCollector(bad_config)
    collect(bad, "d")
    _CHECKS.wait_idle(120)
    assert collect(bad, "d").sample_value("backup_check_success") == 0


@pytest.fixture(scope="module")
def borg_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not shutil.which("borg"):
        pytest.skip("borg not installed")
    base = tmp_path_factory.mktemp("borg")
    src = base / "src"
    src.mkdir()
    (src / "praxis.bak").write_bytes(os.urandom(100_000))
    env = {"BORG_PASSPHRASE": PASSWORD, "BORG_BASE_DIR": str(base / "home")}
    _tool(["borg", "init", "-e", "repokey", str(base / "repo")], env)
    _tool(["borg", "create", f"{base / 'repo'}::praxis-1", str(src)], env)
    (src / "more.bak").write_bytes(os.urandom(50_000))
    _tool(["borg", "create", f"{base / 'repo'}::praxis-2", str(src)], env)
    (base / "pw").write_text(PASSWORD + "\n")
    return base


def _borg_config(base: Path, tmp_path: Path) -> str:
    return (
        f"targets:\n  b:\n    type: borg\n    repository: {base / 'repo'}\n"
        f"    passphrase_file: {base / 'pw'}\n    refresh_interval: 0s\n"
        f"    cache_dir: {tmp_path / 'borg-home'}\n    stale_lock_after: 1h\n"
    )


def test_borg_latest_archive_and_lock(borg_repo: Path, tmp_path: Path) -> None:
    collector = BackupCollector(load(_borg_config(borg_repo, tmp_path), tmp_path))
    sink = collect(collector, "b")
    assert sink.sample_value("backup_repository_snapshots") == 2
    assert sink.sample_value("backup_last_size_bytes") == 150_000
    assert sink.sample_value("backup_last_duration_seconds") is not None
    assert sink.sample_value("backup_repository_locked") == 0
    env = {
        **os.environ,
        "BORG_PASSPHRASE": PASSWORD,
        "BORG_BASE_DIR": str(tmp_path / "holder"),
    }
    holder = subprocess.Popen(
        ["borg", "with-lock", str(borg_repo / "repo"), "sleep", "60"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        end = time.monotonic() + 30
        while not (borg_repo / "repo" / "lock.exclusive").exists() and time.monotonic() < end:
            time.sleep(0.05)
        locked = collect(collector, "b")  # --bypass-lock: listing works while locked
        assert locked.sample_value("backup_repository_locked") == 1
        assert locked.sample_value("backup_repository_lock_stale") == 0
        assert locked.sample_value("backup_repository_snapshots") == 2
    finally:
        holder.terminate()
        holder.wait(10)


def test_borg_results_are_cached_for_refresh_interval(borg_repo: Path, tmp_path: Path) -> None:
    text = _borg_config(borg_repo, tmp_path).replace("refresh_interval: 0s", "refresh_interval: 1h")
    collector = BackupCollector(load(text, tmp_path))
    first = collect(collector, "b").sample_value("backup_source_fetch_timestamp_seconds")
    second = collect(collector, "b").sample_value("backup_source_fetch_timestamp_seconds")
    assert first == second
