"""Pure parsing of what restic and borg print as JSON, into snapshots, sizes and locks."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

_FRACTION = re.compile(r"(\.\d{6})\d+")


class ParseError(ValueError):
    """The tool's output was not what its documented JSON looks like."""


@dataclass(frozen=True)
class Snapshot:
    id: str
    time: float
    host: str = ""
    paths: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()


@dataclass(frozen=True)
class Lock:
    time: float
    exclusive: bool


def parse_time(text: str) -> float:
    """RFC 3339 with nanoseconds (restic) or naive local time (borg) -> Unix seconds."""
    if not isinstance(text, str) or not text:
        raise ParseError("missing timestamp")
    cleaned = _FRACTION.sub(r"\1", text.strip()).replace("Z", "+00:00")
    try:
        return datetime.fromisoformat(cleaned).timestamp()
    except ValueError:
        raise ParseError(f"not a timestamp: {text[:40]!r}") from None


def _load(text: str, what: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        raise ParseError(f"{what}: output is not JSON") from None


# -- restic ---------------------------------------------------------------------------------


def restic_snapshots(text: str) -> list[Snapshot]:
    """`restic snapshots --json`: a list of objects with time, id, hostname, paths, tags."""
    data = _load(text, "restic snapshots")
    if not isinstance(data, list):
        raise ParseError("restic snapshots: expected a JSON list")
    out = []
    for item in data:
        if not isinstance(item, dict) or "id" not in item:
            raise ParseError("restic snapshots: entry without id")
        out.append(
            Snapshot(
                id=str(item["id"]),
                time=parse_time(item.get("time", "")),
                host=str(item.get("hostname", "")),
                paths=tuple(str(p) for p in item.get("paths") or ()),
                tags=tuple(str(t) for t in item.get("tags") or ()),
            )
        )
    return out


def select_latest(
    snapshots: Sequence[Snapshot],
    host: str | None = None,
    paths: Sequence[str] = (),
    tags: Sequence[str] = (),
) -> Snapshot | None:
    """Newest snapshot of `host` containing all `paths` and all `tags` (restic's filter rules)."""
    matching = [
        s
        for s in snapshots
        if (host is None or s.host == host)
        and set(paths) <= set(s.paths)
        and set(tags) <= set(s.tags)
    ]
    return max(matching, key=lambda s: s.time, default=None)


def restic_stats_size(text: str) -> int:
    """`restic stats --json <id>` (restore-size mode): `total_size` in bytes."""
    data = _load(text, "restic stats")
    size = data.get("total_size") if isinstance(data, dict) else None
    if not isinstance(size, int) or isinstance(size, bool) or size < 0:
        raise ParseError("restic stats: no total_size")
    return size


def restic_lock(text: str) -> Lock:
    """`restic cat lock <id>`: {"time", "exclusive", "hostname", "pid", ...}."""
    data = _load(text, "restic lock")
    if not isinstance(data, dict):
        raise ParseError("restic lock: expected an object")
    return Lock(parse_time(data.get("time", "")), bool(data.get("exclusive", False)))


def restic_lock_ids(text: str) -> list[str]:
    """`restic list locks`: one hex id per line."""
    return [ln.strip() for ln in text.splitlines() if re.fullmatch(r"[0-9a-f]{64}", ln.strip())]


# -- borg -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class BorgArchiveInfo:
    size_bytes: int | None
    duration_seconds: float | None
    end: float | None


def borg_archives(text: str) -> list[Snapshot]:
    """`borg list --json REPO`: {"archives": [{"name", "id", "start"|"time"}], ...}."""
    data = _load(text, "borg list")
    archives = data.get("archives") if isinstance(data, dict) else None
    if not isinstance(archives, list):
        raise ParseError("borg list: no archives list")
    out = []
    for item in archives:
        if not isinstance(item, dict) or "name" not in item:
            raise ParseError("borg list: archive without name")
        out.append(
            Snapshot(
                id=str(item["name"]), time=parse_time(item.get("start") or item.get("time", ""))
            )
        )
    return out


def borg_info(text: str) -> BorgArchiveInfo:
    """`borg info --json REPO::ARCHIVE`: archives[0].stats.original_size, duration, end."""
    data = _load(text, "borg info")
    archives = data.get("archives") if isinstance(data, dict) else None
    if not isinstance(archives, list) or not archives or not isinstance(archives[0], dict):
        raise ParseError("borg info: no archive")
    arch = archives[0]
    raw_stats = arch.get("stats")
    stats: dict[str, Any] = raw_stats if isinstance(raw_stats, dict) else {}
    size = stats.get("original_size")
    duration = arch.get("duration")
    return BorgArchiveInfo(
        size_bytes=size if isinstance(size, int) and size >= 0 else None,
        duration_seconds=float(duration) if isinstance(duration, int | float) else None,
        end=parse_time(arch["end"]) if arch.get("end") else None,
    )
