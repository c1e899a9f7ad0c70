"""A real Prometheus holding a backfilled month (tests/report/story.py) for the report."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from devkit.prometheus import Prometheus, binary
from tests.report.story import write_month


def backfill(workdir: Path) -> Path:
    """Write the story as OpenMetrics and turn it into TSDB blocks with promtool."""
    text = workdir / "month.om"
    write_month(text)
    tsdb = workdir / "tsdb"
    tsdb.mkdir(parents=True, exist_ok=True)
    # --max-block-duration (hidden in promtool's help): a few large blocks instead of one per
    # 2 h; promtool rereads the input for every block.
    subprocess.run(
        [
            binary("promtool"),
            "tsdb",
            "create-blocks-from",
            "openmetrics",
            "--max-block-duration=800h",
            "-q",
            str(text),
            str(tsdb),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    text.unlink()
    return tsdb


@pytest.fixture(scope="session")
def month_prometheus(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Prometheus]:
    workdir = tmp_path_factory.mktemp("report-prometheus")
    backfill(workdir)
    prom = Prometheus(
        workdir,
        scrape_configs=[],
        rules=[],
        # the blocks lie in the past: keep them whatever today's date is
        extra_args=["--storage.tsdb.retention.time=36500d"],
    )
    try:
        yield prom
    finally:
        prom.stop()
