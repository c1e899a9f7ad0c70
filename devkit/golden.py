"""Golden expositions: a fixed scenario's `/metrics` text frozen in a file next to the test.

A rename of a metric, a label or a help text then shows up as a diff in review, which makes
it a conscious change (prometheus-pve-exporter does the same). Regenerate with
`UPDATE_GOLDEN=1 scripts/test.sh -k golden` and read the diff before committing.
"""

from __future__ import annotations

import difflib
import os
import re
from pathlib import Path

from prometheus_client import generate_latest

from exporters.core.catalogue import Catalogue
from exporters.core.metrics import MetricSink

UPDATE_ENV = "UPDATE_GOLDEN"
_VOLATILE = re.compile(r"^(\w+_scrape_duration_seconds\{.*\}) \S+$", re.MULTILINE)


def exposition(sink: MetricSink) -> str:
    """The text format of a sink, with values that change on every run (durations) masked."""
    text = generate_latest(sink).decode()  # type: ignore[arg-type]
    return _VOLATILE.sub(r"\1 <duration>", text)


def assert_golden(text: str, path: Path) -> None:
    """Compare `text` with the golden file at `path` (written when UPDATE_GOLDEN=1)."""
    if os.environ.get(UPDATE_ENV) == "1":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        return
    if not path.exists():
        raise AssertionError(f"{path} does not exist; create it with {UPDATE_ENV}=1")
    expected = path.read_text()
    if text != expected:
        diff = "".join(
            difflib.unified_diff(
                expected.splitlines(keepends=True),
                text.splitlines(keepends=True),
                fromfile=str(path),
                tofile="this run",
            )
        )
        raise AssertionError(
            f"exposition differs from {path.name} (regenerate with {UPDATE_ENV}=1 if the "
            f"change is intended):\n{diff}"
        )


def unseen(catalogue: Catalogue, *texts: str) -> list[str]:
    """The exporter's own declared metrics that none of the expositions `texts` shows.

    A golden scenario that covers every declaration proves none of them is dead and freezes
    all of them; a new declaration then needs a scenario that writes it.
    """
    shown = {name for text in texts for name in _TYPE_LINE.findall(text)}
    return [d.name for d in catalogue.own() if d.name not in shown and d.family not in shown]


_TYPE_LINE = re.compile(r"^# TYPE (\S+) ", re.MULTILINE)
