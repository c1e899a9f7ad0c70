"""restic and borg repositories: thin I/O around the tools, results cached per target.

Listing calls run with `--no-lock` / `--bypass-lock` so the exporter never blocks or
waits for a running backup; only `restic check` (on its own, slower interval, in the
background) takes restic's usual non-exclusive lock.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from exporters.backup import repo
from exporters.backup.command import run
from exporters.backup.config import BorgTarget, ResticTarget
from exporters.backup.status import BackupStatus
from exporters.core import Deadline
from exporters.core.logsetup import fields

log = logging.getLogger("exporters.backup.repositories")


@dataclass(frozen=True)
class RepoState:
    """What one listing of a repository found."""

    snapshots: int
    latest: repo.Snapshot | None
    size_bytes: int | None = None
    duration_seconds: float | None = None
    locks: tuple[repo.Lock, ...] | None = None  # None: lock state unknown (remote borg)
    fetched_at: float = field(default_factory=time.time)


def status_of(state: RepoState) -> BackupStatus:
    """A snapshot only exists once the backup finished, so its time is a success."""
    if state.latest is None:
        return BackupStatus()
    return BackupStatus(
        last_success=state.latest.time,
        size_bytes=state.size_bytes,
        duration_seconds=state.duration_seconds,
    )


def lock_summary(
    locks: tuple[repo.Lock, ...] | None, now: float, stale_after: float
) -> tuple[int | None, float | None, int | None]:
    """(locked 0/1, age of the oldest lock, stale 0/1); all None when unknown."""
    if locks is None:
        return None, None, None
    if not locks:
        return 0, None, 0
    age = max(0.0, now - min(lk.time for lk in locks))
    return 1, age, int(age > stale_after)


# -- restic ---------------------------------------------------------------------------------


def _restic_base(target: ResticTarget) -> tuple[list[str], dict[str, str]]:
    argv = [target.binary or "restic", "--json", "--no-lock", "-q"]
    argv += [f"--cache-dir={target.cache_dir}"] if target.cache_dir else ["--no-cache"]
    env = {
        **target.env,
        "RESTIC_REPOSITORY": target.repository,
        "RESTIC_PASSWORD": target.password.get_secret_value(),
    }
    return argv, env


def fetch_restic(target: ResticTarget, deadline: Deadline) -> RepoState:
    argv, env = _restic_base(target)
    snaps = repo.restic_snapshots(run([*argv, "snapshots"], env, deadline.remaining()))
    latest = repo.select_latest(snaps, target.host, target.paths, target.tags)
    size = None
    if latest is not None:
        size = repo.restic_stats_size(run([*argv, "stats", latest.id], env, deadline.remaining()))
    lock_ids = repo.restic_lock_ids(run([*argv, "list", "locks"], env, deadline.remaining()))
    locks = tuple(
        repo.restic_lock(run([*argv, "cat", "lock", lid], env, deadline.remaining()))
        for lid in lock_ids[:20]
    )
    return RepoState(len(snaps), latest, size, None, locks)


def restic_check_command(target: ResticTarget) -> tuple[list[str], dict[str, str]]:
    argv, env = _restic_base(target)
    return [a for a in argv if a not in ("--no-lock", "--json")] + ["check"], env


# -- borg -----------------------------------------------------------------------------------


def _borg_env(target: BorgTarget) -> dict[str, str]:
    env = {
        **target.env,
        "BORG_RELOCATED_REPO_ACCESS_IS_OK": "yes",
        "BORG_UNKNOWN_UNENCRYPTED_REPO_ACCESS_IS_OK": "yes",
        "BORG_DISPLAY_PASSPHRASE": "no",
    }
    if target.passphrase is not None:
        env["BORG_PASSPHRASE"] = target.passphrase.get_secret_value()
    if target.cache_dir:
        env["BORG_BASE_DIR"] = target.cache_dir
    return env


def borg_lock(repository: str, now: float) -> tuple[repo.Lock, ...] | None:
    """A local repository is locked while `lock.exclusive` exists; remote ones: unknown."""
    if "://" in repository or (":" in repository and not repository.startswith("/")):
        return None
    try:
        st = os.stat(os.path.join(repository, "lock.exclusive"))
    except FileNotFoundError:
        return ()
    return (repo.Lock(min(st.st_mtime, now), True),)


def fetch_borg(target: BorgTarget, deadline: Deadline) -> RepoState:
    binary = target.binary or "borg"
    env = _borg_env(target)
    listing = [binary, "list", "--json", "--bypass-lock"]
    if target.archive_prefix:
        listing.append(f"--prefix={target.archive_prefix}")
    archives = repo.borg_archives(run([*listing, target.repository], env, deadline.remaining()))
    # borg lists archives oldest first; on equal start times the later entry is newer
    latest = max(reversed(archives), key=lambda a: a.time, default=None)
    info = None
    if latest is not None:
        info = repo.borg_info(
            run(
                [binary, "info", "--json", "--bypass-lock", f"{target.repository}::{latest.id}"],
                env,
                deadline.remaining(),
            )
        )
    return RepoState(
        len(archives),
        latest,
        info.size_bytes if info else None,
        info.duration_seconds if info else None,
        borg_lock(target.repository, time.time()),
    )


# -- background checks ----------------------------------------------------------------------


@dataclass
class CheckResult:
    success: bool
    finished_at: float
    duration: float


class BackgroundCheck:
    """Runs a repository check at most every `interval`, in a thread, never in a scrape."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._results: dict[str, CheckResult] = {}
        self._running: set[str] = set()
        self._started: dict[str, float] = {}

    def poll(self, key: str, interval: float, job: Callable[[], None]) -> CheckResult | None:
        """Start `job` if due; return the last finished result."""
        now = time.monotonic()
        with self._lock:
            due = key not in self._running and now - self._started.get(key, -1e18) >= interval
            if due:
                self._running.add(key)
                self._started[key] = now
            result = self._results.get(key)
        if due:
            threading.Thread(
                target=self._run, args=(key, job), daemon=True, name=f"check-{key}"
            ).start()
        return result

    def _run(self, key: str, job: Callable[[], None]) -> None:
        start = time.monotonic()
        try:
            job()
            ok = True
        except Exception as exc:
            ok = False
            log.warning("repository check failed", extra=fields(target=key, err=str(exc)))
        with self._lock:
            self._results[key] = CheckResult(ok, time.time(), time.monotonic() - start)
            self._running.discard(key)

    def wait_idle(self, timeout: float) -> None:
        """Tests: wait until no check is running."""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            with self._lock:
                if not self._running:
                    return
            time.sleep(0.05)
