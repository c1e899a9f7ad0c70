"""Any Prometheus-compatible API: the same month imported into a real VictoriaMetrics
(Debian `victoria-metrics`) gives the same report as Prometheus, byte for byte except the
chart lines: VictoriaMetrics' look-back grows with the step, so a 1-hour chart point inside
the 30-minute Firebird outage gets a value there, and Prometheus' 5-minute one does not."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from devkit import report_month as s
from devkit.prometheus import Prometheus
from devkit.victoria import VictoriaMetrics
from exporters.report import cli, period, queries
from exporters.report.client import QueryApi

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(
        shutil.which("victoria-metrics") is None and not Path("/usr/bin/victoria-metrics").exists(),
        reason="needs Debian victoria-metrics (scripts/install-system-deps.sh)",
    ),
]
NOW = dt.datetime(2026, 11, 5, 8, 0, tzinfo=period.BERLIN)


@pytest.fixture(scope="module")
def victoria(tmp_path_factory: pytest.TempPathFactory) -> Iterator[VictoriaMetrics]:
    vm = VictoriaMetrics(tmp_path_factory.mktemp("report-vm"))
    try:
        s.import_into(vm.import_prometheus)
        vm.flush()
        yield vm
    finally:
        vm.stop()


@pytest.mark.parametrize("site", [s.NORD, s.SUED, "praxis-leer"])
def test_same_report_from_victoriametrics(
    victoria: VictoriaMetrics, month_prometheus: Prometheus, site: str, tmp_path: Path
) -> None:
    span = period.month("2026-10", NOW)
    opts = cli.Options(out_dir=tmp_path, pdf="never")
    vm_report, vm_html = cli.make_report(QueryApi(victoria.url), site, span, NOW.timestamp(), opts)
    _, prom_html = cli.make_report(
        QueryApi(month_prometheus.url), site, span, NOW.timestamp(), opts
    )
    assert vm_report.complete and vm_report.queries == 5
    assert without_charts(vm_html) == without_charts(prom_html)


def without_charts(html: str) -> str:
    head, _, rest = html.partition('<section id="charts">')
    return head + rest.partition("</section>")[2]


def test_site_discovery_on_victoriametrics(victoria: VictoriaMetrics) -> None:
    span = period.month("2026-10", NOW)
    sites = QueryApi(victoria.url).label_values(
        "site", queries.SITE_MATCH, span.start_ts, span.end_ts
    )
    assert sites == [s.NORD, s.SUED]
