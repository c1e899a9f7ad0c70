"""Durable, atomic replacement of small state files.

write temp -> fsync -> rename -> fsync(directory): a reader (or the process after a crash or
SIGKILL in the middle of a write) always finds the old or the new content, never a torn file.
A temp file left by a killed writer is named `.<name>.*.tmp` and can be swept with
`remove_stale_temp_files`.
"""

from __future__ import annotations

import os
import time
from pathlib import Path


def write_atomic(path: str | os.PathLike[str], data: bytes) -> None:
    """Replace `path` with `data` atomically and durably (the directory is created)."""
    import tempfile  # with the first write: exporters without state files never need it

    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    dir_fd = os.open(target.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


def remove_stale_temp_files(path: str | os.PathLike[str], older_than: float = 300.0) -> int:
    """Delete temp files of `path` left by a killed writer; returns how many."""
    target = Path(path)
    return _sweep(target.parent, f".{target.name}.*.tmp", older_than)


def remove_stale_temp_files_in(directory: str | os.PathLike[str], older_than: float = 300.0) -> int:
    """Delete temp files of every state file in `directory` left by killed writers."""
    return _sweep(Path(directory), ".*.tmp", older_than)


def _sweep(directory: Path, pattern: str, older_than: float) -> int:
    limit = time.time() - older_than
    removed = 0
    try:
        candidates = list(directory.glob(pattern))
    except OSError:
        return 0
    for candidate in candidates:
        try:
            if candidate.stat().st_mtime < limit:
                candidate.unlink()
                removed += 1
        except OSError:
            continue
    return removed
