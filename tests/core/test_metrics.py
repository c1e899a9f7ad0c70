"""MetricSink: families merged by name, target label, state sets, left-out values."""

from __future__ import annotations

import math

import pytest
from prometheus_client import generate_latest

from exporters.core.metrics import MetricSink


def test_target_label_and_merge() -> None:
    a = MetricSink({"target": "a"})
    b = MetricSink({"target": "b"})
    a.gauge("x_bytes", "Bytes.", 1)
    b.gauge("x_bytes", "Bytes.", 2, {"file": "f"})
    total = MetricSink()
    total.merge(a)
    total.merge(b)
    text = generate_latest(total).decode()  # type: ignore[arg-type]
    assert text.count("# TYPE x_bytes gauge") == 1
    assert 'x_bytes{target="a"} 1.0' in text
    assert 'x_bytes{file="f",target="b"} 2.0' in text


def test_counter_needs_total_suffix() -> None:
    sink = MetricSink()
    sink.counter("reads_total", "Reads.", 5)
    assert "reads_total 5.0" in generate_latest(sink).decode()  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        sink.counter("reads", "Reads.", 5)


def test_state_set_marks_one_state_and_keeps_unknown_values() -> None:
    sink = MetricSink()
    sink.state_set("db_state", "State.", "state", ["ONLINE", "OFFLINE"], "ONLINE")
    assert sink.sample_value("db_state", {"state": "ONLINE"}) == 1
    assert sink.sample_value("db_state", {"state": "OFFLINE"}) == 0
    other = MetricSink()
    other.state_set("db_state", "State.", "state", ["ONLINE"], "WEIRD")
    assert other.sample_value("db_state", {"state": "WEIRD"}) == 1
    assert other.sample_value("db_state", {"state": "ONLINE"}) == 0


def test_none_and_nan_are_left_out() -> None:
    sink = MetricSink()
    sink.gauge("t_celsius", "Temp.", None)
    sink.gauge("t_celsius", "Temp.", math.nan)
    assert sink.samples("t_celsius") == []


def test_type_conflict_is_a_bug() -> None:
    sink = MetricSink()
    sink.gauge("x", "X.", 1)
    with pytest.raises(ValueError):
        sink.counter("x_total", "X.", 1)


def test_info_metric() -> None:
    sink = MetricSink({"target": "t"})
    sink.info("x_info", "Versions.", {"version": "3.0.11"})
    assert sink.sample_value("x_info", {"version": "3.0.11", "target": "t"}) == 1
