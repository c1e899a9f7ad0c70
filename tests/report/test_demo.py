"""The demo's practice report, over the series the real exporters of the demo practice wrote
into a real Prometheus: the report's expressions find every area and the inventory, and the
demo offers the result as file URLs."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from demo import report as demo_report
from demo.runner import SITE, Demo, available_parts
from exporters.report import pdf

pytestmark = pytest.mark.e2e
WANTED = ["backup", "certs", "ti", "ups", "windows"]
PARTS = [p for p in WANTED if p in available_parts()]


@pytest.mark.skipif(len(PARTS) < len(WANTED), reason="demo parts missing")
def test_demo_practice_report(tmp_path: Path) -> None:
    started = dt.datetime.now(dt.UTC)
    with Demo(tmp_path / "demo", parts=PARTS, scrape_interval="2s") as demo:
        assert demo.prometheus is not None
        demo.prometheus.wait_for_targets_up(timeout=120)
        # enough samples for the report's 15 s grid in every area
        demo.prometheus.wait_for(
            f'min(count_over_time({{__name__=~"(backup|cert|ti|ups)_up", site="{SITE}"}}[5m]))'
            " >= 8",
            timeout=120,
        )
        lines = demo_report.write(demo.prometheus.url, SITE, started, tmp_path / "report")
    html_url = lines[0]
    assert html_url.startswith("file:///") and html_url.endswith("-live.html")
    html = Path(html_url.removeprefix("file://")).read_text()
    if pdf.find_chromium():
        assert lines[1].endswith("-live.pdf") and Path(lines[1].removeprefix("file://")).exists()
    # every area the demo has reports data (its expressions match the exporters' series)
    for area in ("backup", "ups", "ti", "certs", "server"):
        row = html.split(f'<tr data-area="{area}" data-light="', 1)[1].split("</tr>", 1)[0]
        assert not row.startswith("grey"), (area, row)
        assert "keine Messwerte" not in row
    # inventory from the real exporters (TI connector simulator, UPS recordings, the
    # windows_exporter fixture), facts only
    assert "secunet" in html and "Smart-UPS" in html
    assert "Kartenterminal" in html and "Betriebssystem" in html
    assert "Der Zeitraum ist noch nicht abgeschlossen." in html
