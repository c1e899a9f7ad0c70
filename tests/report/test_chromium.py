"""The report rendered by headless Chromium (Debian `chromium`): PDF page count and size,
every section in the PDF's text, nothing wider than the A4 text width (measured in the
browser), and a PNG of the whole page (copied to /tmp for a person to look at)."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from devkit import report_month as s
from devkit.prometheus import Prometheus
from exporters.report import cli, pdf, period
from exporters.report.client import QueryApi
from exporters.report.texts import Texts

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(
        pdf.find_chromium() is None or shutil.which("pdfinfo") is None,
        reason="needs Debian chromium and poppler-utils (scripts/install-system-deps.sh)",
    ),
]

NOW = dt.datetime(2026, 11, 5, 8, 0, tzinfo=period.BERLIN)
A4_TEXT_WIDTH_PX = 703  # 210 mm - 2 x 12 mm margins at 96 px/in
SECTIONS_DE = [
    "1. Zusammenfassung",
    "2. Bestand, wie die Überwachung ihn sieht",
    "3. Verfügbarkeit und Störungen",
    "4. Datensicherungs-Kalender",
    "5. Was in den nächsten 90 Tagen abläuft",
    "6. Nachweise zur IT-Sicherheitsrichtlinie (§ 390 SGB V)",
    "7. Verläufe",
]

# Appended to a copy of the page: lists every element that leaves the text width, every
# cell or paragraph whose content is wider than the box, every SVG text outside its picture.
LAYOUT_CHECK = """
<script>
(() => {
  const body = document.body.getBoundingClientRect();
  const bad = [];
  const cls = (el) => (typeof el.className === 'string' && el.className ? '.' + el.className : '');
  const name = (el) => el.tagName.toLowerCase() + cls(el) + ' "'
    + (el.textContent || '').trim().slice(0, 40) + '"';
  const boxes = ['TD', 'TH', 'P', 'LI', 'H1', 'H2', 'H3', 'FIGCAPTION', 'DIV', 'SECTION'];
  for (const el of document.body.querySelectorAll('*')) {
    if (el.tagName === 'SCRIPT') continue;
    if (el.closest('svg') && el.tagName.toLowerCase() !== 'svg') continue;
    const r = el.getBoundingClientRect();
    if (r.right > body.right + 0.5 || r.left < body.left - 0.5) bad.push('outside: ' + name(el));
    if (boxes.includes(el.tagName) && el.scrollWidth > el.clientWidth + 1) {
      bad.push('overflow ' + el.scrollWidth + '>' + el.clientWidth + ': ' + name(el));
    }
  }
  for (const svg of document.querySelectorAll('svg')) {
    const vb = svg.viewBox.baseVal;
    for (const t of svg.querySelectorAll('text')) {
      const bb = t.getBBox();
      if (bb.x < vb.x - 0.5 || bb.x + bb.width > vb.x + vb.width + 0.5) {
        bad.push('svg text outside: "' + t.textContent.slice(0, 40) + '"');
      }
    }
  }
  const sections = [...document.querySelectorAll('section[id]')].map((e) => e.id);
  const out = document.createElement('pre');
  out.id = 'layout-check';
  out.textContent = JSON.stringify({bad, sections, width: document.documentElement.scrollWidth});
  document.body.appendChild(out);
})();
</script>
"""


def layout(html: Path, tmp: Path) -> dict:
    copy = tmp / f"check-{html.name}"
    copy.write_text(html.read_text().replace("</body>", LAYOUT_CHECK + "</body>"))
    binary = pdf.find_chromium()
    assert binary
    dom = pdf.run_chromium(
        binary, [f"--window-size={A4_TEXT_WIDTH_PX},1200", "--dump-dom"], copy.resolve().as_uri()
    )
    found = re.search(r'<pre id="layout-check">(.*?)</pre>', dom, re.S)
    assert found, dom[-2000:]
    return json.loads(
        found.group(1)
        .replace("&quot;", '"')
        .replace("&gt;", ">")
        .replace("&lt;", "<")
        .replace("&amp;", "&")
    )


def pdf_pages(path: Path) -> int:
    out = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True)
    assert "A4" in out.stdout, out.stdout
    return int(re.search(r"^Pages:\s+(\d+)", out.stdout, re.M).group(1))


def pdf_text(path: Path) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


@pytest.fixture(scope="module")
def rendered(month_prometheus: Prometheus, tmp_path_factory: pytest.TempPathFactory):
    out = tmp_path_factory.mktemp("rendered")
    span = period.month("2026-10", NOW)
    outcomes = {}
    for site, lang in ((s.NORD, "de"), (s.SUED, "en"), ("praxis-leer", "de")):
        opts = cli.Options(out_dir=out / lang, pdf="always", lang=lang)
        api = QueryApi(month_prometheus.url)
        outcomes[site] = cli.write_report(api, site, span, NOW.timestamp(), opts)
    return out, outcomes


def test_pdf_pages_and_sections(rendered) -> None:
    _, outcomes = rendered
    nord = outcomes[s.NORD]
    assert nord.code == cli.OK and nord.pdf is not None
    assert 3 <= pdf_pages(nord.pdf) <= 6
    text = pdf_text(nord.pdf)
    for title in SECTIONS_DE:
        assert title in text, title
    assert "UpsOnBattery" in text and "kim.praxis-nord.example" in text
    # the site without data: one page that says so, no sections with made-up numbers
    empty = outcomes["praxis-leer"]
    assert empty.code == cli.NO_DATA and empty.pdf is not None
    assert pdf_pages(empty.pdf) == 1
    text = pdf_text(empty.pdf)
    assert "keine Messwerte" in text and "1. Zusammenfassung" not in text and "%" not in text


def test_english_report(rendered) -> None:
    _, outcomes = rendered
    sued = outcomes[s.SUED]
    assert sued.code == cli.OK and sued.pdf is not None
    text = pdf_text(sued.pdf)
    assert "1. Summary" in text and "7. Charts" in text and "Zusammenfassung" not in text
    assert "measurements for only 51.67 % of the period" in text


@pytest.mark.parametrize("site", [s.NORD, s.SUED, "praxis-leer"])
def test_nothing_overflows_the_a4_text_width(rendered, site, tmp_path) -> None:
    _, outcomes = rendered
    result = layout(outcomes[site].html, tmp_path)
    assert result["bad"] == [], result["bad"]
    assert result["width"] <= A4_TEXT_WIDTH_PX
    if site != "praxis-leer":
        assert result["sections"] == [
            "summary",
            "inventory",
            "availability",
            "calendar",
            "expiries",
            "evidence",
            "charts",
            *(["missing"] if site == s.SUED else []),
        ]


def test_png_of_the_whole_report(rendered) -> None:
    out, outcomes = rendered
    png = out / "praxis-nord.png"
    binary = pdf.find_chromium()
    assert binary
    pdf.html_to_png(binary, outcomes[s.NORD].html, png, A4_TEXT_WIDTH_PX, 4200)
    data = png.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    assert (width, height) == (A4_TEXT_WIDTH_PX, 4200)
    keep = Path("/tmp/praxis-report-test.png")
    shutil.copy(png, keep)  # for a person to look at


def test_index_page_fits(rendered, tmp_path) -> None:
    out, outcomes = rendered
    span = period.month("2026-10", NOW)
    index = out / "de" / "index-2026-10.html"
    de = [outcomes[s.NORD], outcomes["praxis-leer"]]
    index.write_text(cli.index_html(de, span, Texts("de")))
    result = layout(index, tmp_path)
    assert result["bad"] == [], result["bad"]
