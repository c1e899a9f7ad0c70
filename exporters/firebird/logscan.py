"""Counts corruption, I/O and lock errors in firebird.log, read incrementally.

An entry in firebird.log is a header line (`host<TAB>date`) followed by indented message
lines and a blank line. Each entry counts once per class it matches. Only counts leave the
exporter: entries may name users and client addresses.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from typing import BinaryIO

from exporters.core.files import is_regular_file

CLASSES = ("corruption", "io", "lock")

_PATTERNS: dict[str, re.Pattern[str]] = {
    "corruption": re.compile(
        r"database file appears corrupt|internal (Firebird|gds) consistency check"
        r"|bugcheck|wrong page type|checksum error|is an orphan|page \d+ is used twice"
        r"|record \d+ is wrong length|index \S+ is corrupt|corrupt(ed)? (record|page|index|blob)"
        r"|Database: .* Validation: .* errors",
        re.IGNORECASE,
    ),
    "io": re.compile(
        r"I/O error|Error while trying to (read|write|open|create)|No space left on device"
        r"|Operating system call \S+ failed|Input/output error|disk full|insufficient space",
        re.IGNORECASE,
    ),
    "lock": re.compile(
        r"lock manager|lock time-out|deadlock|lock table|Fatal lock",
        re.IGNORECASE,
    ),
}

MAX_READ = 8 * 1024 * 1024
"""Bytes read per scrape at most; a huge old log is caught up over several scrapes."""


def classify(message: str) -> set[str]:
    """Classes an entry's message text belongs to (empty: not an error we count)."""
    return {name for name, pattern in _PATTERNS.items() if pattern.search(message)}


@dataclass
class EntryParser:
    """Feeds complete lines, yields counts per class of entries that are complete."""

    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(CLASSES, 0))
    _pending: list[str] = field(default_factory=list)

    def feed(self, line: str) -> None:
        if not line.strip():
            self.flush()
        elif not line[0].isspace():
            self.flush()
            self._pending.append("")  # header: starts an entry, holds no message text
        else:
            self._pending.append(line.strip())

    def flush(self) -> None:
        if self._pending:
            for name in classify("\n".join(self._pending)):
                self.counts[name] += 1
            self._pending = []


class LogFollower:
    """Follows one log file across scrapes; survives rotation and truncation."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.parser = EntryParser()
        self._handle: BinaryIO | None = None
        self._inode: tuple[int, int] | None = None
        self._offset = 0
        self._partial = b""
        self.readable = False

    def poll(self) -> dict[str, int]:
        """Read what was appended since the last poll; returns cumulative counts."""
        try:
            st = os.stat(self.path)
        except OSError:
            self.readable = False
            self._drain_old()
            return dict(self.parser.counts)
        if not is_regular_file(self.path):  # a FIFO or device would block or never end
            self.readable = False
            self._drain_old()
            return dict(self.parser.counts)
        ident = (st.st_dev, st.st_ino)
        if self._handle is not None and ident != self._inode:
            self._drain_old()  # rotated: finish the old file, then start the new one
        if self._handle is None:
            try:
                self._handle = open(self.path, "rb")  # noqa: SIM115 (kept open across polls)
            except OSError:
                self.readable = False
                return dict(self.parser.counts)
            self._inode = ident
            self._offset = 0
            self._partial = b""
        self.readable = True
        if st.st_size < self._offset:  # truncated in place (copytruncate)
            self._offset = 0
            self._partial = b""
        self._read(MAX_READ)
        return dict(self.parser.counts)

    def _read(self, limit: int) -> None:
        assert self._handle is not None
        self._handle.seek(self._offset)
        data = self._handle.read(limit)
        self._offset += len(data)
        data = self._partial + data
        lines = data.split(b"\n")
        self._partial = lines.pop()
        for raw in lines:
            self.parser.feed(raw.decode("utf-8", errors="replace").rstrip("\r"))

    def _drain_old(self) -> None:
        if self._handle is None:
            return
        try:
            self._read(MAX_READ)
            if self._partial:
                self.parser.feed(self._partial.decode("utf-8", errors="replace"))
            self.parser.flush()
        except OSError:
            pass
        self.close()

    def close(self) -> None:
        if self._handle is not None:
            try:
                self._handle.close()
            except OSError:
                pass
        self._handle = None
        self._inode = None
        self._partial = b""
