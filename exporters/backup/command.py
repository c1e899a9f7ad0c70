"""Running a backup tool (restic, borg) read-only, bounded by the target's deadline."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Mapping, Sequence

from exporters.core import redaction


class CommandError(RuntimeError):
    """A tool exited non-zero; the message holds its first stderr line, redacted."""

    def __init__(self, tool: str, returncode: int, stderr: str) -> None:
        first = next((ln.strip() for ln in stderr.splitlines() if ln.strip()), "")
        super().__init__(f"{tool} exited with {returncode}: {redaction.redact(first[:300])}")
        self.returncode = returncode


def run(argv: Sequence[str], env: Mapping[str, str], timeout: float, cwd: str | None = None) -> str:
    """Run `argv` with a minimal environment plus `env`; return stdout or raise."""
    base = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG", "TZ", "TMPDIR")}
    base.setdefault("LANG", "C.UTF-8")
    try:
        result = subprocess.run(
            list(argv),
            env={**base, **env},
            stdin=subprocess.DEVNULL,
            capture_output=True,
            timeout=timeout,
            check=False,
            cwd=cwd,
        )
    except subprocess.TimeoutExpired:
        raise TimeoutError(f"{argv[0]} did not finish within {timeout:.1f}s") from None
    except FileNotFoundError:
        raise RuntimeError(f"{argv[0]} not found; is it installed?") from None
    if result.returncode != 0:
        raise CommandError(
            os.path.basename(argv[0]), result.returncode, result.stderr.decode(errors="replace")
        )
    return result.stdout.decode(errors="replace")
