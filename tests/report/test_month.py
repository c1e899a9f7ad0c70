"""The report against a real Prometheus holding a backfilled October 2026
(devkit/report_month.py): availability, incidents, calendar cells, expiries and evidence
asserted exactly against the data the story generated. `now` is fixed; the wall clock
plays no part."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from devkit import report_month as s
from devkit.prometheus import Prometheus
from exporters.report import cli, period
from exporters.report.client import QueryApi
from exporters.report.model import Report
from exporters.report.texts import Texts

pytestmark = pytest.mark.integration

NOW = dt.datetime(2026, 11, 5, 8, 0, tzinfo=period.BERLIN)
TOTAL = s.MONTH_END - s.MONTH_START


def make(prom: Prometheus, site: str, tmp: Path, **kw: object) -> tuple[Report, str, int]:
    api = QueryApi(prom.url, timeout=30)
    span = period.month("2026-10", NOW)
    opts = cli.Options(out_dir=tmp, pdf="never", **kw)  # type: ignore[arg-type]
    report, html = cli.make_report(api, site, span, NOW.timestamp(), opts)
    return report, html, api.queries


@pytest.fixture(scope="module")
def nord(month_prometheus: Prometheus, tmp_path_factory: pytest.TempPathFactory):
    return make(month_prometheus, s.NORD, tmp_path_factory.mktemp("nord"))


@pytest.fixture(scope="module")
def sued(month_prometheus: Prometheus, tmp_path_factory: pytest.TempPathFactory):
    return make(month_prometheus, s.SUED, tmp_path_factory.mktemp("sued"))


def test_period_is_the_berlin_month_with_its_extra_hour() -> None:
    span = period.month("2026-10", NOW)
    assert (span.start_ts, span.end_ts) == (s.MONTH_START, s.MONTH_END)
    assert TOTAL == (31 * 24 + 1) * 3600  # DST ends on 25 October


def test_five_queries_per_report(nord) -> None:
    report, _, queries = nord
    assert queries == 5 and report.queries == 5 and report.complete


def test_availability_per_area_exact(nord) -> None:
    report, html, _ = nord
    down = {
        "database": s.FIREBIRD_BACK - s.BATTERY_EMPTY,
        "backup": s.b(10, *s.NIGHTLY) - (s.b(2, *s.NIGHTLY) + s.NIGHTLY_MAX_AGE),
        "ups": s.POWER_BACK - s.POWER_CUT,
        "ti": s.KIM_UP - s.KIM_DOWN,
        "certs": 0,
        "firewall": 0,
        "server": s.SERVER_UP - s.BATTERY_EMPTY,
    }
    areas = {a.key: a for a in report.areas}
    assert list(areas) == list(down)
    t = Texts("de")
    for key, seconds in down.items():
        cov = areas[key].coverage
        assert (cov.total_s, cov.known_s, cov.down_s) == (TOTAL, TOTAL, seconds), key
        assert cov.availability == (TOTAL - seconds) / TOTAL
        row = html.split(f'<tr data-area="{key}"><td>', 1)[1].split("</tr>", 1)[0]
        assert t.percent((TOTAL - seconds) / TOTAL) in row
    assert "<tr data-area=\"backup\"><td>Datensicherung</td><td class='num'>77,71 %" in html
    assert {a.key: a.light for a in report.areas} == {
        "database": "red",
        "backup": "red",
        "ups": "red",
        "ti": "red",
        "certs": "yellow",  # CertExpiringSoon fired, and the KIM certificate ends in 20 days
        "firewall": "green",
        "server": "yellow",
    }


def test_incidents_grouped_with_the_first_as_cause(nord) -> None:
    report, html, _ = nord
    got = [
        ([a.name for a in i.alerts], i.start, i.end, i.in_practice_hours, i.ongoing)
        for i in report.incidents
    ]
    smcb_alert = s.SMCB_END - 90 * 86400 + 3600
    cert_alert = s.KIM_CERT_END - 28 * 86400 + 600
    assert got == [
        (["TiCertificateExpiringSoon"], smcb_alert, s.MONTH_END, True, True),
        (["BackupLastRunFailed"], s.b(3, 1, 40), s.b(10, 1, 30), True, False),
        (["BackupTooOld"], s.b(3, 3, 35), s.b(10, 1, 30), True, False),
        (
            [
                "UpsOnBattery",
                "UpsRuntimeBelowShutdownMargin",
                "FirebirdDown",
                "UpsDown",
                "WindowsUnexpectedReboot",
                "FirebirdForcedWritesOffWindows",
            ],
            s.b(14, 2, 16),
            s.FORCED_WRITES_FIXED,
            True,
            False,
        ),
        (["TiKimUnreachable", "TiKimUnreachable"], s.b(20, 10, 10), s.KIM_UP, True, False),
        (["CertExpiringSoon"], cert_alert, s.MONTH_END, True, True),
        (["FirebirdLongRunningTransaction"], s.LONG_TX, s.LONG_TX + 1200, False, False),
        (["WindowsDefenderSignaturesOutdated"], s.DEFENDER_STALE + 1800, s.MONTH_END, True, True),
    ]
    power = report.incidents[3]
    assert power.cause.name == "UpsOnBattery" and power.severity == "critical"
    assert power.duration_s == s.FORCED_WRITES_FIXED - s.b(14, 2, 16)
    assert [a.duration_s for a in power.alerts] == [
        24 * 60,
        9 * 60,
        25 * 60,
        15 * 60,
        30 * 60,
        s.FORCED_WRITES_FIXED - s.b(14, 3, 25),
    ]
    assert "Watchdog" not in html
    assert "wahrscheinliche Ursache: UpsOnBattery" in html
    assert f'data-incident="4" data-duration="{power.duration_s:.0f}"' in html
    # areas of the alerts follow the fleet rules' name prefixes
    assert [a.area for a in power.alerts] == ["ups", "ups", "database", "ups", "server", "database"]
    # the UPS events and the server's boot time, from their own series
    assert report.power_events == [(s.POWER_CUT, s.BATTERY_EMPTY)]
    assert report.boots == [s.BOOT]


def test_backup_calendar_cells(nord, sued) -> None:
    report, html, _ = nord
    cells = {row.job: row.cells for row in report.calendar}
    nightly = ["failed" if d in s.RUN_FAIL_DAYS else "ok" for d in range(1, 32)]
    assert cells == {"offsite": ["ok"] * 31, "pvs-nightly": nightly}
    assert 'data-day="2026-10-03" data-state="failed"' in html
    assert 'data-day="2026-10-10" data-state="ok"' in html
    # started on the 16th: not watched before; its first scrape reported the backup of the
    # 15th (a fact the exporter knew), nothing is claimed for the 14th and before
    report, _, _ = sued
    assert [row.job for row in report.calendar] == ["m1-backup"]
    assert report.calendar[0].cells == ["nodata"] * 14 + ["ok"] * 17


def test_expiries_within_90_days_soonest_first(nord) -> None:
    report, html, _ = nord
    got = [(e.kind, e.name, e.at, e.days_left) for e in report.expiries]
    assert got == [
        ("cert", "kim.praxis-nord.example", s.KIM_CERT_END, 20),
        ("ti_card", "SMC-B Praxis Dr. Nord (80276883110000012345)", s.SMCB_END, 60),
        ("firewall_licence", "antivirus", s.FW_AV_LICENCE_END, 75),
    ]
    assert "PVS-Wartungsvertrag" not in html.split('id="expiries"')[1].split("</section>")[0]


def test_inventory_facts(nord) -> None:
    report, html, _ = nord
    values = {(f.group, f.item): f.value for f in report.facts}
    assert values[("ti", "connector")] == "secunet Konnektor; FW 5.1.2"
    assert values[("ups", "ups_model")] == "Eaton 5P 1550; FW 02.14.0026"
    assert values[("ups", "self_test")] == str(s.SELF_TEST)
    assert values[("ups", "self_test_result")] == "passed"
    assert values[("ups", "battery_replaced")] == ""  # not reported: said so, not invented
    assert values[("database", "firebird")].endswith("C:\\medatixx\\DB\\MEDATIXX.FDB")
    assert values[("server", "os")] == "Microsoft Windows Server 2022 Standard 10.0.20348"
    assert values[("firewall", "firewall")] == "fortigate FortiGate 60F; FW 7.2.8"
    # last values in the period: the database size and the backups of the 31st
    assert float(values[("database", "size")]) == 4e9 + (s.MONTH_END - s.DATA_START) * 70.0
    last = [float(f.value) for f in report.facts if f.item == "last_success"]
    assert last == [s.b(31, *s.OFFSITE), s.b(31, *s.NIGHTLY)]
    assert "vom Gerät nicht gemeldet" in html


def test_charts_carry_the_data(nord) -> None:
    report, html, _ = nord
    charts = {c.key: c for c in report.charts}
    assert list(charts) == ["availability", "backup_age", "ups", "db_size"]
    age = {series.label: series for series in charts["backup_age"].series}
    # hourly points: the oldest backup age is at 01:00 on the 10th, half an hour before
    # the first good backup after the failures
    assert max(v for _, v in age["pvs-nightly"].points) == s.b(10, 1) - s.b(2, *s.NIGHTLY)
    assert dict(charts["backup_age"].limits) == {
        "offsite": s.OFFSITE_MAX_AGE,
        "pvs-nightly": s.NIGHTLY_MAX_AGE,
    }
    (charge,) = charts["ups"].series
    assert min(v for _, v in charge.points) >= 0.1 and max(v for _, v in charge.points) == 1.0
    for key in charts:
        assert f'<figure data-chart="{key}">' in html


def test_evidence_states(nord) -> None:
    report, html, _ = nord
    rows = {e.key: e for e in report.evidence}
    backup = rows["backup"]
    assert backup.state == "failures" and backup.coverage is not None
    assert backup.coverage.down_s == s.b(10, *s.NIGHTLY) - (s.b(2, *s.NIGHTLY) + s.NIGHTLY_MAX_AGE)
    assert backup.last_seen == s.MONTH_END
    assert rows["ti"].state == "failures" and rows["ti"].coverage.down_s == s.KIM_UP - s.KIM_DOWN
    assert rows["updates"].state == "ok" and rows["tls"].state == "ok"
    av = rows["antivirus"]  # Defender stale from the 27th; the firewall's engine kept up
    assert av.state == "failures" and av.coverage.known_s == TOTAL
    assert av.coverage.down_s == s.MONTH_END - s.DEFENDER_STALE
    assert rows["firewall"].state == "ok" and rows["backup_integrity"].state == "nodata"
    for key in ("restore_test", "network_plan", "awareness", "access", "mobile", "disposal"):
        assert not rows[key].checkable
        assert f'data-requirement="{key}" data-state="not_checkable"' in html
    assert html.count("nicht prüfbar – nicht bestätigt") == 6


def test_partial_data_is_named_not_filled(sued) -> None:
    report, html, _ = sued
    known = s.MONTH_END - s.SUED_START
    for area in report.areas:
        assert (area.coverage.known_s, area.coverage.ok_s) == (known, known), area.key
        assert area.first_known == s.SUED_START and area.light == "yellow"
    assert [a.key for a in report.areas] == ["database", "backup", "ups", "ti", "certs"]
    assert {p.code for p in report.problems} == {"area_partial"}
    assert "Messwerte nur für 51,67 % des Zeitraums (16.10.2026 00:00 bis 01.11.2026 00:00)" in html
    assert report.incidents == [] and "kein Alarm" in html


def test_period_cut_at_now(month_prometheus: Prometheus, tmp_path: Path) -> None:
    now = dt.datetime(2026, 10, 20, 12, 0, tzinfo=period.BERLIN)
    span = period.month("2026-10", now)
    assert span.cut and span.end_ts == now.timestamp()
    api = QueryApi(month_prometheus.url)
    report, html = cli.make_report(
        api, s.NORD, span, now.timestamp(), cli.Options(out_dir=tmp_path, pdf="never")
    )
    kim = report.incidents[-1]
    assert [a.name for a in kim.alerts] == ["TiKimUnreachable"] * 2
    assert kim.ongoing and kim.end == now.timestamp()
    ti = next(a for a in report.areas if a.key == "ti")
    assert ti.coverage.down_s == now.timestamp() - s.KIM_DOWN and ti.last_state == 0
    assert "Der Zeitraum ist noch nicht abgeschlossen." in html
