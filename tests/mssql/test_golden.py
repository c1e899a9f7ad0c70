"""Golden exposition: the documented DMV result sets of a standard and an Express instance
through the real collector, frozen in files.

A renamed metric, label or help text shows up as a diff of `golden/<scenario>.prom`
(regenerate with `UPDATE_GOLDEN=1 .venv/bin/pytest tests/mssql -k golden` and read the
diff). Only the query durations change per run and are masked.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from devkit.golden import assert_golden, exposition, unseen
from exporters.mssql.catalogue import CATALOGUE
from tests.mssql.helpers import run_collect, target

GOLDEN = Path(__file__).parent / "golden"
_DURATION = re.compile(r"^(mssql_query_duration_seconds\{.*\}) \S+$", re.MULTILINE)


@pytest.mark.parametrize("scenario", ["standard", "express"])
def test_golden_scenario(scenario: str) -> None:
    sink, _ = run_collect(target("expected_compatibility_level: 140"), scenario=scenario)
    text = _DURATION.sub(r"\1 <duration>", exposition(sink))
    assert_golden(text, GOLDEN / f"{scenario}.prom")


def test_the_scenarios_show_every_declared_metric() -> None:
    texts = [path.read_text() for path in sorted(GOLDEN.glob("*.prom"))]
    assert len(texts) == 2
    assert unseen(CATALOGUE, *texts) == []
