"""The demo part starts a real database with life in it, and the exporter reports it."""

from __future__ import annotations

from pathlib import Path

import pytest

from demo.runner import Demo

from .conftest import Database

pytestmark = [pytest.mark.integration, pytest.mark.e2e]


def test_demo_part_shows_an_open_transaction(fb_db: Database, tmp_path: Path) -> None:
    # the runner sets scrape_timeout 10s per job; Prometheus wants interval >= timeout
    with Demo(
        tmp_path / "demo", parts=["firebird"], scrape_interval="10s", with_alertmanager=False
    ) as demo:
        assert demo.prometheus is not None
        demo.prometheus.wait_for_targets_up(timeout=60)
        demo.prometheus.wait_for(
            'firebird_oldest_active_transaction_age_seconds{site="praxis-demo"} > 1', timeout=60
        )
        demo.prometheus.wait_for(
            'rate(firebird_records_total{site="praxis-demo", operation="insert"}[30s]) > 0',
            timeout=60,
        )
        assert demo.prometheus.query('firebird_forced_writes{site="praxis-demo"} == 0')
        assert "forced writes are off" in demo.summary()
