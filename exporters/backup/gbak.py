"""`gbak_log` targets: did `gbak -b -v -y LOG` finish, and how much did it write?

gbak ends a successful verbose backup with
`gbak:closing file, committing, and finishing. <n> bytes written`; any `gbak: ERROR` line
(or a missing closing line: killed, disk full, still running) means the run failed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from exporters.backup.status import BackupStatus

_CLOSING = re.compile(
    r"^gbak:\s*closing file, committing, and finishing\.\s*(\d+) bytes written", re.M
)
_ERROR = re.compile(r"^gbak:\s*ERROR", re.M | re.I)
TAIL_BYTES = 64 * 1024
"""Only the end of a log is read: the verdict is in the last lines."""


@dataclass(frozen=True)
class GbakVerdict:
    finished: bool
    errors: int
    bytes_written: int | None

    @property
    def success(self) -> bool:
        return self.finished and self.errors == 0


def parse_log(text: str) -> GbakVerdict:
    """Read the verdict from (the tail of) a gbak verbose log."""
    closing = list(_CLOSING.finditer(text))
    written = int(closing[-1].group(1)) if closing else None
    return GbakVerdict(bool(closing), len(_ERROR.findall(text)), written)


def status_from(verdict: GbakVerdict, mtime: float) -> BackupStatus:
    """The log's mtime is when gbak last wrote to it, i.e. when the run ended."""
    return BackupStatus(
        last_success=mtime if verdict.success else None,
        last_run=mtime,
        last_run_success=verdict.success,
        size_bytes=verdict.bytes_written if verdict.success else None,
    )
