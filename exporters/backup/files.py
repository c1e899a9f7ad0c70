"""`files` targets: the newest matching backup file that is big enough.

The glob is compiled once into a base directory (its non-wildcard prefix) and a regular
expression; the tree below the base is walked with `os.scandir` (no stat for names that do
not match), which is what keeps 100 targets over 200 000 files well inside a scrape.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

from exporters.backup.status import BackupStatus
from exporters.core import Deadline

_MAGIC = re.compile(r"[*?\[]")


@dataclass(frozen=True)
class CompiledGlob:
    base: str
    regex: re.Pattern[str]
    max_depth: int | None  # directories below base to descend; None = unlimited (`**`)


class FileInfo(NamedTuple):
    size: int
    mtime: float


@lru_cache(maxsize=1024)
def compile_glob(pattern: str) -> CompiledGlob:
    """Split `pattern` into the directory to walk and a regex for paths relative to it.

    Windows paths (`D:\\Backup\\**\\*.fbk`) are read with `/` as the separator.
    """
    if os.sep != "/":
        pattern = pattern.replace(os.sep, "/")
    parts = pattern.split("/")
    fixed: list[str] = []
    for part in parts[:-1]:
        if _MAGIC.search(part):
            break
        fixed.append(part)
    rest = parts[len(fixed) :]
    base = "/".join(fixed) or ("/" if pattern.startswith("/") else ".")
    if pattern.startswith("/") and not base.startswith("/"):
        base = "/" + base
    regex = "".join(_component(p, last=i == len(rest) - 1) for i, p in enumerate(rest))
    depth = None if "**" in rest else len(rest) - 1
    return CompiledGlob(base, re.compile(regex + r"\Z"), depth)


def _component(part: str, last: bool) -> str:
    if part == "**":
        return "(?:[^/]+/)*" if not last else ".*"
    out = []
    i = 0
    while i < len(part):
        ch = part[i]
        if ch == "*":
            out.append("[^/]*")
        elif ch == "?":
            out.append("[^/]")
        elif ch == "[":
            end = part.find("]", i + 2)
            if end == -1:
                out.append(re.escape(ch))
            else:
                body = part[i + 1 : end]
                if body.startswith("!"):
                    body = "^" + body[1:]
                out.append("[" + body.replace("\\", "\\\\") + "]")
                i = end
        else:
            out.append(re.escape(ch))
        i += 1
    return "".join(out) + ("" if last else "/")


def scan(pattern: str, deadline: Deadline | None = None) -> Iterator[FileInfo]:
    """Size and mtime of every regular file matching `pattern`.

    Raises if the base directory is unreadable: a NAS share that is not mounted must be an
    error, not "0 files". Iterative (no generator per directory level): this loop is the
    exporter's hot path.
    """
    glob = compile_glob(pattern)
    with os.scandir(glob.base):
        pass
    match = glob.regex.match
    max_depth = glob.max_depth
    stack: list[tuple[str, str, int]] = [(glob.base, "", 0)]
    visited = 0
    while stack:
        directory, rel, depth = stack.pop()
        visited += 1
        if deadline is not None and visited % 64 == 0 and deadline.expired:
            raise TimeoutError(f"scanning {glob.base} took longer than the deadline")
        try:
            it = os.scandir(directory)
        except OSError:
            continue  # an unreadable subdirectory is skipped, the base was checked
        with it:
            for entry in it:
                try:
                    if entry.is_dir(follow_symlinks=False):
                        if max_depth is None or depth < max_depth:
                            stack.append((entry.path, f"{rel}{entry.name}/", depth + 1))
                    elif match(rel + entry.name) and entry.is_file():
                        st = entry.stat()
                        yield FileInfo(st.st_size, st.st_mtime)
                except OSError:
                    continue  # vanished while we looked (rotation in progress)


@dataclass(frozen=True)
class FilesResult:
    status: BackupStatus
    matching: int
    valid: int


def summarize(found: Iterable[FileInfo], min_size_bytes: int) -> FilesResult:
    """Success = the newest file of at least `min_size_bytes`; smaller ones do not count.

    One pass, nothing kept per file, so 200 000 files cost no memory.
    """
    matching = valid = 0
    newest_any: float | None = None
    best: FileInfo | None = None
    for info in found:
        matching += 1
        if newest_any is None or info.mtime > newest_any:
            newest_any = info.mtime
        if info.size >= min_size_bytes:
            valid += 1
            if best is None or info.mtime > best.mtime:
                best = info
    last_ok: bool | None = None
    if newest_any is not None:
        # the newest file being too small (truncated, empty) means the last run failed
        last_ok = best is not None and best.mtime >= newest_any
    status = BackupStatus(
        last_success=best.mtime if best else None,
        last_run=newest_any,
        last_run_success=last_ok,
        size_bytes=best.size if best else None,
    )
    return FilesResult(status, matching, valid)
