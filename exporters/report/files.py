"""Where reports go: one HTML (and PDF) per site and period, an index for --all-sites."""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path


def slug(text: str) -> str:
    """A file-name-safe form of a site name (never a path)."""
    cleaned = re.sub(r"[^A-Za-z0-9._-]+", "_", text).strip("._") or "site"
    return cleaned[:80]


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
