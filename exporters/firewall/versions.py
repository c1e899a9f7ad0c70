"""When was a signature version first seen: the update age for firewalls that report only
the version (Sophos, WatchGuard, FortiGate without update time).

The first sighting of each version is kept per target and engine in a small JSON state file,
written atomically (temp, fsync, rename, fsync of the directory) on every change, so neither
a restart nor SIGKILL in the middle of a write loses it or leaves a torn file.

A version that goes back (the vendor pulled an update, or a config restore) never makes the
signatures look fresh: a version seen before gets its original first sighting back, and an
unknown older version is dated no later than the newer one it replaced.
"""

from __future__ import annotations

import json
import logging
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from exporters.core.atomicfile import remove_stale_temp_files, write_atomic
from exporters.core.files import read_text_bounded
from exporters.core.logsetup import fields
from exporters.firewall.dates import version_key

log = logging.getLogger("exporters.firewall.versions")
STATE_LIMIT = 4 * 1024 * 1024
HISTORY = 16
"""Versions remembered per engine (for rollbacks)."""
_locks: dict[str, threading.Lock] = {}
_locks_guard = threading.Lock()


@dataclass
class _Engine:
    current: str
    since: float
    history: dict[str, float] = field(default_factory=dict)


class VersionTracker:
    """First-seen times of signature versions; persisted in `path` (None: memory only)."""

    def __init__(self, path: str | Path | None) -> None:
        self.path = Path(path) if path else None
        self._state: dict[str, dict[str, _Engine]] = {}
        self.lock = self._lock_for(self.path)
        if self.path is not None:
            remove_stale_temp_files(self.path)
            self._state = self._load(self.path)

    @staticmethod
    def _lock_for(path: Path | None) -> threading.Lock:
        if path is None:
            return threading.Lock()
        with _locks_guard:
            return _locks.setdefault(str(path.resolve()), threading.Lock())

    @staticmethod
    def _load(path: Path) -> dict[str, dict[str, _Engine]]:
        try:
            raw: Any = json.loads(read_text_bounded(path, STATE_LIMIT))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError) as exc:
            log.error(
                "version state file unreadable; starting empty (update ages restart now)",
                extra=fields(file=str(path), err=f"{type(exc).__name__}: {exc}"),
            )
            return {}
        state: dict[str, dict[str, _Engine]] = {}
        targets = raw.get("targets") if isinstance(raw, dict) else None
        for target, engines in (targets or {}).items():
            if not isinstance(engines, dict):
                continue
            for engine, entry in engines.items():
                try:
                    history = {str(k): float(v) for k, v in entry.get("history", {}).items()}
                    state.setdefault(str(target), {})[str(engine)] = _Engine(
                        str(entry["current"]), float(entry["since"]), history
                    )
                except (AttributeError, KeyError, TypeError, ValueError):
                    log.warning(
                        "skipped a malformed entry in the version state file",
                        extra=fields(file=str(path), target=str(target), engine=str(engine)),
                    )
        return state

    def observe(self, target: str, engine: str, version: str, now: float) -> float:
        """The time `version` was first seen for this target and engine (now if new)."""
        with self.lock:
            entry = self._state.get(target, {}).get(engine)
            if entry is not None and entry.current == version:
                return entry.since
            if entry is None:
                since = now
                entry = _Engine(version, since, {version: since})
                self._state.setdefault(target, {})[engine] = entry
            else:
                since = self._since_of_change(target, engine, entry, version, now)
                entry.current, entry.since = version, since
                entry.history.setdefault(version, since)
                if len(entry.history) > HISTORY:
                    oldest = sorted(entry.history, key=lambda v: entry.history[v])
                    for gone in oldest[: len(entry.history) - HISTORY]:
                        if gone != version:
                            del entry.history[gone]
            self._save()
            return since

    @staticmethod
    def _since_of_change(
        target: str, engine: str, entry: _Engine, version: str, now: float
    ) -> float:
        old, new = version_key(entry.current), version_key(version)
        went_back = old is not None and new is not None and new < old
        if version in entry.history:
            since = entry.history[version]
        elif went_back:
            since = min(entry.since, now)
        else:
            since = now
        if went_back:
            log.warning(
                "signature version went back; keeping its older age",
                extra=fields(target=target, engine=engine, previous=entry.current, version=version),
            )
        return since

    def _save(self) -> None:
        if self.path is None:
            return
        data = {
            "version": 1,
            "targets": {
                target: {
                    engine: {"current": e.current, "since": e.since, "history": e.history}
                    for engine, e in sorted(engines.items())
                }
                for target, engines in sorted(self._state.items())
            },
        }
        try:
            write_atomic(self.path, json.dumps(data, sort_keys=True, indent=1).encode())
        except OSError as exc:
            log.error(
                "cannot write the version state file (ages kept in memory only)",
                extra=fields(file=str(self.path), err=exc.strerror or str(exc)),
            )
