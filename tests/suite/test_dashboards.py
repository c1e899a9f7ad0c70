"""Every dashboard JSON is structurally sound (the queries run against real Prometheus in
the end-to-end tests of each exporter and of the demo)."""

from __future__ import annotations

from pathlib import Path

import pytest

from devkit.dashboards import dashboard_files, structural_problems


@pytest.mark.parametrize("path", dashboard_files(), ids=lambda p: p.name)
def test_dashboard_structure(path: Path) -> None:
    assert structural_problems(path) == []
