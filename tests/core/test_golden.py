"""devkit.golden: a changed exposition fails with a diff; UPDATE_GOLDEN=1 rewrites."""

from __future__ import annotations

from pathlib import Path

import pytest

from devkit.golden import UPDATE_ENV, assert_golden, exposition
from exporters.core.catalogue import gauge
from exporters.core.metrics import MetricSink

UP = gauge("x_up", "Up.")
DURATION = gauge("x_scrape_duration_seconds", "Duration.", unit="seconds")


def test_golden_diff_and_update(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    sink = MetricSink({"target": "t"})
    sink.put(UP, 1)
    sink.put(DURATION, 0.123)
    text = exposition(sink)
    assert 'x_scrape_duration_seconds{target="t"} <duration>' in text
    golden = tmp_path / "x.prom"
    with pytest.raises(AssertionError, match="does not exist"):
        assert_golden(text, golden)
    monkeypatch.setenv(UPDATE_ENV, "1")
    assert_golden(text, golden)
    monkeypatch.delenv(UPDATE_ENV)
    assert_golden(text, golden)
    with pytest.raises(AssertionError, match=r"\+x_up"):
        assert_golden(text.replace('x_up{target="t"} 1.0', 'x_up{target="t"} 0.0'), golden)
