"""MetricSink: families merged by name, target label, state sets, left-out values."""

from __future__ import annotations

import math

import pytest
from prometheus_client import generate_latest

from exporters.core.catalogue import Catalogue, counter, gauge, info, state_set
from exporters.core.metrics import STRICT_ENV, MetricCatalogueError, MetricSink, dropped_samples


def test_target_label_and_merge() -> None:
    a = MetricSink({"target": "a"})
    b = MetricSink({"target": "b"})
    a.put(gauge("x_bytes", "Bytes."), 1)
    b.put(gauge("x_bytes", "Bytes.", "file"), 2, {"file": "f"})
    total = MetricSink()
    total.merge(a)
    total.merge(b)
    text = generate_latest(total).decode()  # type: ignore[arg-type]
    assert text.count("# TYPE x_bytes gauge") == 1
    assert 'x_bytes{target="a"} 1.0' in text
    assert 'x_bytes{file="f",target="b"} 2.0' in text


def test_counter_needs_total_suffix() -> None:
    sink = MetricSink()
    sink.put(counter("reads_total", "Reads."), 5)
    assert "reads_total 5.0" in generate_latest(sink).decode()  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        counter("reads", "Reads.")


def test_state_set_marks_one_state_and_keeps_unknown_values() -> None:
    sink = MetricSink()
    sink.put_state(state_set("db_state", "State.", "state", ["ONLINE", "OFFLINE"]), "ONLINE")
    assert sink.sample_value("db_state", {"state": "ONLINE"}) == 1
    assert sink.sample_value("db_state", {"state": "OFFLINE"}) == 0
    other = MetricSink()
    other.put_state(state_set("db_state", "State.", "state", ["ONLINE"]), "WEIRD")
    assert other.sample_value("db_state", {"state": "WEIRD"}) == 1
    assert other.sample_value("db_state", {"state": "ONLINE"}) == 0


def test_none_and_nan_are_left_out() -> None:
    sink = MetricSink()
    temperature = gauge("t_celsius", "Temp.", unit="celsius")
    sink.put(temperature, None)
    sink.put(temperature, math.nan)
    assert sink.samples("t_celsius") == []


def test_type_conflict_is_a_bug() -> None:
    sink = MetricSink()
    sink.put(gauge("x", "X."), 1)
    with pytest.raises(ValueError):
        sink.put(counter("x_total", "X."), 1)


def test_info_metric() -> None:
    sink = MetricSink({"target": "t"})
    sink.put_info(info("x_info", "Versions.", "version"), {"version": "3.0.11"})
    assert sink.sample_value("x_info", {"version": "3.0.11", "target": "t"}) == 1


# -- the catalogue: declared once, enforced by the sink ----------------------------------


TEMP = gauge("demo_temperature_celsius", "Temperature.", "sensor", unit="celsius")
READS = counter("demo_reads_total", "Reads.")
DEMO_INFO = info("demo_info", "Identity.", "model")
DEMO_STATE = state_set("demo_state", "State (1 for the current one).", "state", ("ok", "failed"))
CATALOGUE = Catalogue("demo", [TEMP, READS, DEMO_INFO, DEMO_STATE])


def test_declared_metrics_write_with_declared_help_and_type() -> None:
    sink = MetricSink({"target": "t"}, CATALOGUE)
    sink.put(TEMP, 21.5, {"sensor": "cpu"})
    sink.put(READS, 3)
    sink.put_info(DEMO_INFO, {"model": "X"})
    sink.put_state(DEMO_STATE, "failed")
    text = generate_latest(sink).decode()  # type: ignore[arg-type]
    assert "# HELP demo_temperature_celsius Temperature." in text
    assert "# TYPE demo_reads_total counter" in text or "# TYPE demo_reads counter" in text
    assert 'demo_reads_total{target="t"} 3.0' in text
    assert 'demo_state{state="failed",target="t"} 1.0' in text
    assert 'demo_state{state="ok",target="t"} 0.0' in text


@pytest.mark.parametrize(
    "write",
    [
        lambda s: s.put(TEMP, 1, {}),  # label missing
        lambda s: s.put(TEMP, 1, {"sensor": "a", "extra": "b"}),  # label not declared
        lambda s: s.put(gauge("demo_other", "Other."), 1),  # not in the catalogue
        lambda s: s.put(gauge("demo_undeclared", "Undeclared."), 1),  # not in the catalogue
        lambda s: s.put(gauge("demo_temperature_celsius", "Other help.", "sensor"), 1),
        lambda s: (s.put(READS, 1), s.put(READS, 2)),  # the same series twice
        lambda s: s.put_info(TEMP, {"sensor": "a"}),  # wrong kind
    ],
)
def test_breaking_the_catalogue_raises_in_strict_mode(
    write: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(STRICT_ENV, "1")
    sink = MetricSink({"target": "t"}, CATALOGUE)
    with pytest.raises(MetricCatalogueError):
        write(sink)  # type: ignore[operator]


def test_outside_strict_mode_a_bad_sample_is_dropped_counted_and_the_rest_stays(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv(STRICT_ENV, raising=False)
    before = dropped_samples("demo")
    sink = MetricSink({"target": "t"}, CATALOGUE)
    sink.put(TEMP, 1, {"sensor": "a"})
    sink.put(TEMP, 2, {"sensor": "a"})  # duplicate: dropped
    sink.put(TEMP, 3, {"wrong": "a"})  # wrong label: dropped
    sink.put(gauge("demo_undeclared", "Undeclared."), 1)  # undeclared: dropped
    assert sink.errors == 3
    assert dropped_samples("demo") == before + 3
    assert [s.value for s in sink.samples("demo_temperature_celsius")] == [1.0]
    assert sink.samples("demo_undeclared") == []


def test_two_label_sets_under_one_name_are_refused_even_without_a_catalogue(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(STRICT_ENV, "1")
    sink = MetricSink({"target": "t"})
    sink.put(gauge("x_seconds", "X.", "source", unit="seconds"), 1, {"source": "a"})
    other = gauge("x_seconds", "X.", "source", "description", unit="seconds")
    with pytest.raises(MetricCatalogueError):
        sink.put(other, 1, {"source": "b", "description": "d"})


def test_merge_refuses_a_series_that_is_already_there(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(STRICT_ENV, "1")
    a = MetricSink({"target": "t"}, CATALOGUE)
    b = MetricSink({"target": "t"}, CATALOGUE)
    a.put(READS, 1)
    b.put(READS, 1)
    total = MetricSink(catalogue=CATALOGUE)
    total.merge(a)
    with pytest.raises(MetricCatalogueError):
        total.merge(b)


@pytest.mark.parametrize(
    "make",
    [
        lambda: counter("demo_reads", "No _total."),
        lambda: gauge("demo_x_total", "A gauge named like a counter."),
        lambda: info("demo_identity", "No _info."),
        lambda: gauge("demo_x", "Target is implicit.", "target"),
        lambda: gauge("demo_x", ""),
        lambda: gauge("demo_x", "Unit missing from the name.", unit="seconds"),
        lambda: state_set("demo_s", "No states.", "state", ()),
    ],
)
def test_bad_declarations_are_refused(make: object) -> None:
    with pytest.raises(ValueError):
        make()  # type: ignore[operator]


def test_catalogue_refuses_foreign_prefix_and_conflicting_twins() -> None:
    with pytest.raises(ValueError):
        Catalogue("demo", [gauge("other_x", "X.")])
    with pytest.raises(ValueError):
        Catalogue("demo", [gauge("demo_x", "X."), gauge("demo_x", "Y.")])
    with pytest.raises(ValueError):  # a counter's family collides with a gauge
        Catalogue("demo", [gauge("demo_reads", "X."), counter("demo_reads_total", "Y.")])


def test_catalogue_has_the_core_metrics_and_a_doc_table() -> None:
    assert CATALOGUE.get("demo_up") is not None
    assert CATALOGUE.get("demo_exporter_metric_errors_total") is not None
    table = CATALOGUE.markdown_table()
    assert "`demo_state` | state set (ok, failed) | `state`" in table
    assert "demo_up" not in table
