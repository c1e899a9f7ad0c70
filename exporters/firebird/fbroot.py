"""Process-wide client settings: the connect timeout and which libfbclient to load.

fdb has no connect timeout and a black-holed port hangs.

libfbclient reads `ConnectionTimeout` from the firebird.conf in the directory named by the
`FIREBIRD` environment variable, once, when it is loaded. The exporter therefore builds such
a directory before the first connect. An existing root (`FIREBIRD` set by the operator) is
mirrored by symlinks so its messages, plugins and other client settings still apply.
"""

from __future__ import annotations

import atexit
import math
import os
import shutil
import tempfile
import threading
from pathlib import Path

_lock = threading.Lock()
_configured: int | None = None
_library: str | None = None


def set_client_library(path: str | None) -> None:
    """The libfbclient both drivers load (None: the system's); only the first load counts."""
    global _library
    with _lock:
        if _library is None:
            _library = path


def client_library() -> str | None:
    return _library


def client_conf(existing: str, timeout_seconds: int) -> str:
    """The client firebird.conf: the operator's lines without ConnectionTimeout, plus ours."""
    kept = [
        line
        for line in existing.splitlines()
        if line.strip().split("=", 1)[0].strip().lower() != "connectiontimeout"
    ]
    kept.append(f"ConnectionTimeout = {timeout_seconds}")
    return "\n".join(kept) + "\n"


def timeout_seconds(connect_timeout: float) -> int:
    """libfbclient takes whole seconds; round up and never go below 1."""
    return max(1, math.ceil(connect_timeout))


def ensure_connect_timeout(connect_timeout: float) -> int:
    """Point `FIREBIRD` at a root whose firebird.conf sets ConnectionTimeout; idempotent.

    Returns the effective timeout in seconds. Only the first call counts: libfbclient reads
    its configuration once per process.
    """
    global _configured
    with _lock:
        if _configured is not None:
            return _configured
        seconds = timeout_seconds(connect_timeout)
        root = Path(tempfile.mkdtemp(prefix="praxis-firebird-client-"))
        atexit.register(shutil.rmtree, root, ignore_errors=True)
        original = os.environ.get("FIREBIRD")
        existing = ""
        if original and Path(original).is_dir():
            for entry in Path(original).iterdir():
                if entry.name != "firebird.conf":
                    (root / entry.name).symlink_to(entry)
            conf = Path(original) / "firebird.conf"
            if conf.is_file():
                existing = conf.read_text(errors="replace")
        (root / "firebird.conf").write_text(client_conf(existing, seconds))
        os.environ["FIREBIRD"] = str(root)
        _configured = seconds
        return seconds
