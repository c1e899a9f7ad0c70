"""A real Prometheus holding a backfilled month (devkit/report_month.py) for the report."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from devkit.prometheus import Prometheus
from devkit.report_month import month_prometheus as start_month_prometheus


@pytest.fixture(scope="session")
def month_prometheus(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Prometheus]:
    prom, _ = start_month_prometheus(tmp_path_factory.mktemp("report-prometheus"))
    try:
        yield prom
    finally:
        prom.stop()
