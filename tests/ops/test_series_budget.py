"""The series budget per practice: the running demo practice (every demo part with its
exporter) must stay within what docs/deployment.md promises the central store, so an
exporter change that multiplies series fails here, not in the provider's VictoriaMetrics."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from devkit.fleet import SCRAPE_SERIES, SERIES_BUDGET, capture_demo, series_per_job
from devkit.prometheus import REPO

pytestmark = pytest.mark.e2e
DEPLOYMENT = REPO / "docs" / "deployment.md"


def test_the_demo_practice_stays_within_the_series_budget(tmp_path: Path) -> None:
    expositions = capture_demo(tmp_path / "demo")
    per_job = series_per_job(expositions)
    total = sum(per_job.values())
    report = ", ".join(f"{job} {n}" for job, n in sorted(per_job.items(), key=lambda x: -x[1]))
    assert total <= SERIES_BUDGET, (
        f"the demo practice sends {total} series ({report}), over the budget of "
        f"{SERIES_BUDGET} per practice (docs/deployment.md): drop labels or series, or "
        "raise the budget there and in the sizing table"
    )
    # The count is real: every exporter contributes its own series besides the scrape ones.
    assert all(n > len(SCRAPE_SERIES) for n in per_job.values()), per_job


def test_the_budget_is_the_one_documented() -> None:
    text = DEPLOYMENT.read_text()
    match = re.search(r"[Ss]eries budget[^\n]*?\*\*([\d\s.,]+)\*\*", text)
    assert match, "docs/deployment.md names no series budget in bold"
    assert int(re.sub(r"\D", "", match.group(1))) == SERIES_BUDGET
