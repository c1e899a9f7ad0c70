"""Pure parts of the report without a network: periods, practice hours, alert spans and
grouping, the calendar, texts in both languages, and the renderer (escaping, no data)."""

from __future__ import annotations

import datetime as dt

import pytest

from exporters.report import hours, incidents, period, queries
from exporters.report.backups import calendar
from exporters.report.build import Raw, build
from exporters.report.files import slug
from exporters.report.model import Coverage, Grid
from exporters.report.render import render_html
from exporters.report.texts import DE, EN, Texts
from exporters.report.timeline import coverage, runs

B = period.BERLIN
HOURS = hours.parse(hours.DEFAULT)


def ts(*args: int) -> float:
    return dt.datetime(*args, tzinfo=B).timestamp()


def test_last_month_across_the_year_and_dst() -> None:
    p = period.last_month(dt.datetime(2027, 1, 3, 9, 0, tzinfo=dt.UTC))
    assert (p.label, p.start_ts, p.end_ts) == ("2026-12", ts(2026, 12, 1), ts(2027, 1, 1))
    march = period.month("2026-03", dt.datetime(2026, 5, 1, tzinfo=B))
    assert march.seconds == (31 * 24 - 1) * 3600  # DST starts on 29 March
    assert len(march.days()) == 31


def test_between_and_clipping() -> None:
    now = dt.datetime(2026, 10, 10, 12, 34, 56, tzinfo=B)
    p = period.between("2026-10-01", "2026-10-31", now)
    assert p.cut and p.end == dt.datetime(2026, 10, 10, 12, 34, tzinfo=B)
    whole = period.between("2026-09-01T08:00", "2026-09-02", now)
    assert (whole.start_ts, whole.end_ts, whole.cut) == (ts(2026, 9, 1, 8), ts(2026, 9, 3), False)
    with pytest.raises(period.PeriodError, match="after now"):
        period.month("2026-11", now)
    with pytest.raises(period.PeriodError, match="not after"):
        period.between("2026-09-05", "2026-09-04", now)


def test_step_keeps_range_queries_under_the_point_limit() -> None:
    assert period.step_for(745 * 3600) == 300
    assert period.step_for(600) == 15  # a live demo's first minutes
    assert period.step_for(92 * 86400) == 900
    for seconds in (3600, 31 * 86400, 366 * 86400, 5 * 366 * 86400):
        assert seconds / period.step_for(seconds) <= period.MAX_POINTS


def test_practice_hours() -> None:
    assert HOURS.overlaps(ts(2026, 10, 20, 12, 0), ts(2026, 10, 20, 14, 30))  # Tue 14:00-14:30
    assert not HOURS.overlaps(ts(2026, 10, 20, 12, 30), ts(2026, 10, 20, 14, 0))  # lunch
    assert not HOURS.overlaps(ts(2026, 10, 24, 9, 0), ts(2026, 10, 25, 18, 0))  # weekend
    assert HOURS.overlaps(ts(2026, 10, 23, 23, 0), ts(2026, 10, 26, 7, 31))  # into Monday
    sat = hours.parse("sat 09:00-12:00")
    assert sat.overlaps(ts(2026, 10, 24, 11, 0), ts(2026, 10, 24, 11, 1))
    wrap = hours.parse("sat-mon 00:00-24:00")
    assert wrap.weekdays == {5, 6, 0}
    for bad in ("mon-fri", "mo-fr 08:00-12:00", "mon 12:00-08:00", "mon 25:00-26:00"):
        with pytest.raises(ValueError):
            hours.parse(bad)


def matrix(name: str, times: list[float], **labels: str) -> dict:
    return {
        "metric": {"alertname": name, **labels},
        "values": [[t, "1"] for t in times],
    }


def test_alert_spans_from_raw_samples() -> None:
    start, end = ts(2026, 10, 1), ts(2026, 11, 1)
    a = ts(2026, 10, 5, 10, 0)
    series = [
        # two firing spans with a gap of 3 evaluations, every 30 s
        matrix(
            "FirebirdDown",
            [a + 30 * i for i in range(10)] + [a + 400 + 30 * i for i in range(4)],
            severity="critical",
        ),
        matrix("CertExpired", [end - 60, end - 30], severity="critical"),
        matrix("UpsOnBattery", [start, start + 30], severity="warning"),
    ]
    spans = incidents.alert_spans(series, start, end)
    got = [(s.name, s.start, s.end, s.began_before, s.ongoing) for s in spans]
    assert got == [
        ("UpsOnBattery", start, start + 60, True, False),
        ("FirebirdDown", a, a + 300, False, False),
        ("FirebirdDown", a + 400, a + 520, False, False),
        ("CertExpired", end - 60, end, False, True),
    ]
    assert incidents.evaluation_interval(series) == 30


def test_grouping_chains_by_start_within_the_window() -> None:
    t0 = ts(2026, 10, 14, 2, 0)
    spans = incidents.alert_spans(
        [
            matrix("UpsOnBattery", [t0 + 60 * i for i in range(5)], severity="warning"),
            matrix("FirebirdDown", [t0 + 1700 + 60 * i for i in range(5)], severity="critical"),
            matrix("WindowsUnexpectedReboot", [t0 + 3400], severity="warning"),
            matrix("TiKimUnreachable", [t0 + 7200], severity="critical"),
        ],
        ts(2026, 10, 1),
        ts(2026, 11, 1),
    )
    groups = incidents.group(spans, 1800, HOURS)
    assert [[a.name for a in g.alerts] for g in groups] == [
        ["UpsOnBattery", "FirebirdDown", "WindowsUnexpectedReboot"],
        ["TiKimUnreachable"],
    ]
    assert groups[0].cause.name == "UpsOnBattery" and groups[0].severity == "critical"
    assert not groups[0].in_practice_hours  # 02:00-03:00 on a Wednesday


def test_area_of_alert_follows_the_fleet_prefixes() -> None:
    assert queries.area_of_alert("MssqlFullBackupTooOld") == "database"
    assert queries.area_of_alert("BackupTooOld") == "backup"
    assert queries.area_of_alert("TiKimUnreachable") == "ti"
    assert queries.area_of_alert("CertExpiringSoon") == "certs"
    assert queries.area_of_alert("ExporterDown") == "monitoring"


def test_site_names_are_quoted_in_promql() -> None:
    expr = queries.health_query('x"} or vector(1) #')
    assert 'site="x\\"} or vector(1) #"' in expr and 'site="x"}' not in expr


def test_coverage_and_runs_on_the_grid() -> None:
    grid = Grid(0, 1000, 300)  # points 0, 300, 600, 900 (the last stands for 100 s)
    tl = [1.0, 0.0, None, 0.0]
    assert coverage(tl, grid) == Coverage(1000, 700, 300)
    assert runs(tl, grid, 0) == [(300, 600), (900, 1000)]


def test_calendar_states_and_berlin_days() -> None:
    days = [dt.date(2026, 10, d) for d in (1, 2, 3)]
    ok_1 = ts(2026, 10, 1, 1, 30)  # 23:30 UTC on 30 September
    run_2 = ts(2026, 10, 2, 1, 30)
    grid_from_2 = [ts(2026, 10, 2, 0, 0), ts(2026, 10, 3, 0, 0)]
    stamps = [
        {
            "metric": {queries.TAG: "backup_success", "target": "a"},
            "values": [[grid_from_2[0], str(ok_1)], [grid_from_2[1], str(ok_1)]],
        },
        {
            "metric": {queries.TAG: "backup_run", "target": "a"},
            "values": [[grid_from_2[0], str(ok_1)], [grid_from_2[1], str(run_2)]],
        },
    ]
    (row,) = calendar(stamps, days, 300)
    assert row.cells == ["ok", "failed", "none"]


def test_both_languages_have_every_text() -> None:
    assert set(DE) == set(EN)
    for key in DE:
        assert DE[key].count("{") == EN[key].count("{"), key


def test_file_names_from_site_names() -> None:
    assert slug("praxis-nord") == "praxis-nord"
    odd = [slug(x) for x in ("../etc/passwd", "praxis nord", "praxis/nord", "")]
    assert all("/" not in x and not x.startswith(".") for x in odd)
    assert len(set(odd)) == len(odd)


def test_number_formats() -> None:
    de, en = Texts("de"), Texts("en")
    assert de.percent(0.99996) == "99,99 %" and de.percent(1) == "100 %"
    assert en.percent(0.777181) == "77.71 %"
    assert de.duration(6 * 86400 + 22 * 3600) == "6 T. 22 Std."
    assert de.duration(6 * 86400 + 22 * 3600 + 50 * 60 + 7) == "6 T. 22 Std. 50 Min."
    assert en.duration(90) == "1 min 30 s" and de.duration(17) == "17 Sek."
    assert de.duration(0) == "0 Min." and en.duration(3600) == "1 h"
    assert de.bytes(4.2 * 1024**3) == "4,2 GiB"
    assert de.time(ts(2026, 10, 25, 2, 30)) == "25.10.2026 02:30"


def _raw_report(site: str, alert_labels: dict[str, str] | None, heartbeat: bool = False) -> str:
    p = period.month("2026-10", dt.datetime(2026, 11, 2, tzinfo=B))
    t0 = p.start_ts + 86400
    raw = Raw(
        health=[
            {
                "metric": {"site": site, queries.TAG: "area:database"},
                "values": [[p.start_ts + 300 * i, "1"] for i in range(10)],
            }
        ],
        alerts=[
            {
                "metric": {"alertname": "FirebirdDown", **alert_labels},
                "values": [[t0, "1"], [t0 + 60, "1"]],
            }
        ]
        if alert_labels is not None
        else [],
        facts=[{"metric": {queries.TAG: queries.ALERTS_HEARTBEAT}, "value": [t0, "1"]}]
        if heartbeat
        else [],
        queries=5,
    )
    report = build(raw, site, p, 300, p.end_ts + 3600, HOURS)
    return render_html(report, Texts("de"), HOURS.text)


def test_render_escapes_what_came_from_the_api() -> None:
    html = _raw_report(
        "<b>praxis</b>", {"target": "<script>alert(1)</script>", "severity": '"><img src=x>'}
    )
    assert "<script>alert" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<img src=x>" not in html and "<b>praxis</b>" not in html
    assert "<script" not in html
    # the only URL is the SVG namespace: nothing is fetched
    assert html.replace('xmlns="http://www.w3.org/2000/svg"', "").count("http") == 0


def test_render_is_self_contained_and_sectioned() -> None:
    html = _raw_report("praxis-x", {"target": "pvs", "severity": "critical"})
    for section in (
        "summary",
        "inventory",
        "availability",
        "calendar",
        "expiries",
        "evidence",
        "charts",
        "missing",
    ):
        assert f'<section id="{section}">' in html
    assert "@page { size: A4" in html and "<link" not in html and "src=" not in html
    # four areas without data are named as such, not as 100 %
    assert html.count("keine Messwerte im Zeitraum") == 4


def test_no_alerts_in_the_source_is_not_no_incidents() -> None:
    unknown = _raw_report("praxis-x", None)
    assert "keine ALERTS-Reihen" in unknown and "kein Alarm" not in unknown
    assert "keine Alarme" not in unknown  # the summary claims nothing about alerts either
    quiet = _raw_report("praxis-x", None, heartbeat=True)
    assert "Im Zeitraum hat kein Alarm ausgelöst." in quiet and "ALERTS-Reihen" not in quiet
