"""HTML -> PDF (and PNG) with headless Chromium (Debian `chromium`), flags from DESIGN.md:
without the networking flags it tries to reach the internet and stalls."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


class PdfError(Exception):
    pass


def find_chromium(explicit: str | None = None) -> str | None:
    if explicit:
        return explicit if Path(explicit).exists() or shutil.which(explicit) else None
    for name in CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    return None


def base_argv(binary: str, profile: Path) -> list[str]:
    return [
        binary,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-extensions",
        "--disable-dev-shm-usage",
        "--hide-scrollbars",
        f"--user-data-dir={profile}",
    ]


def run_chromium(binary: str, args: list[str], url: str, timeout: float = 90.0) -> str:
    """Run Chromium once in a fresh profile; its stdout, or PdfError (the process group is
    killed on timeout)."""
    with tempfile.TemporaryDirectory(prefix="praxis-report-chromium-") as profile:
        argv = [*base_argv(binary, Path(profile)), *args, url]
        proc = subprocess.Popen(
            argv,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
            text=True,
        )
        try:
            out, err = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()
            raise PdfError(f"chromium did not finish within {timeout:g} s") from None
        if proc.returncode != 0:
            tail = (err or "").strip().splitlines()[-3:]
            raise PdfError(f"chromium exited with {proc.returncode}: {' / '.join(tail)}")
        return out


def html_to_pdf(binary: str, html: Path, pdf: Path, timeout: float = 90.0) -> None:
    tmp = pdf.with_name(pdf.name + ".part")
    run_chromium(
        binary,
        [f"--print-to-pdf={tmp}", "--no-pdf-header-footer", "--print-to-pdf-no-header"],
        html.resolve().as_uri(),
        timeout,
    )
    if not tmp.exists() or tmp.stat().st_size == 0:
        raise PdfError("chromium wrote no PDF")
    tmp.replace(pdf)


def html_to_png(
    binary: str, html: Path, png: Path, width: int, height: int, timeout: float = 90.0
) -> None:
    run_chromium(
        binary,
        [f"--screenshot={png}", f"--window-size={width},{height}"],
        html.resolve().as_uri(),
        timeout,
    )
    if not png.exists():
        raise PdfError("chromium wrote no screenshot")
