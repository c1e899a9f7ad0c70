"""Where reports go: one HTML (and PDF) per site and period, an index for --all-sites."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from exporters.core.atomicfile import write_atomic as core_write_atomic


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
    """A report file is either the old or the new one, never half written."""
    core_write_atomic(path, text.encode("utf-8"))
