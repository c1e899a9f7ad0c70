"""Where reports go: one HTML (and PDF) per site and period, an index for --all-sites."""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from pathlib import Path


def slug(text: str) -> str:
    """A file-name-safe form of a site name (never a path); names that had to be changed
    get a short hash, so that two sites never share a file."""
    cleaned = re.sub(r"[^A-Za-z0-9._-]+", "_", text).strip("._")[:80] or "site"
    if cleaned == text:
        return cleaned
    return f"{cleaned}-{hashlib.sha256(text.encode()).hexdigest()[:8]}"


def report_path(out_dir: Path, site: str, label: str) -> Path:
    return out_dir / f"praxis-report-{slug(site)}-{label}.html"


def write_atomic(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
