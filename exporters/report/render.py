"""`model.Report` -> one self-contained HTML page (inline CSS and SVG, no scripts, no
external assets; A4 print CSS). Pure: the same report gives the same bytes."""

from __future__ import annotations

from dataclasses import dataclass, field
from html import escape

from exporters.report import svg
from exporters.report.model import AreaResult, Fact, Grid, Incident, Report, Series
from exporters.report.queries import AREAS
from exporters.report.texts import Texts

CSS = """
@page { size: A4; margin: 12mm 12mm 14mm 12mm; }
* { box-sizing: border-box; }
html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { font-family: "DejaVu Sans", Arial, sans-serif; font-size: 9pt; color: #1b1b1b;
       margin: 0 auto; max-width: 186mm; padding: 0; line-height: 1.35; }
h1 { font-size: 17pt; margin: 0 0 1mm 0; }
h2 { font-size: 12pt; margin: 6mm 0 2mm 0; padding-bottom: 1mm; border-bottom: 1.5px solid #1f6fb2;
     break-after: avoid; page-break-after: avoid; }
h3 { font-size: 10pt; margin: 3mm 0 1mm 0; break-after: avoid; }
p { margin: 1mm 0 2mm 0; }
.sub { color: #444; margin: 0; }
.meta { color: #666; font-size: 8pt; margin: 1mm 0 3mm 0; }
table { width: 100%; border-collapse: collapse; table-layout: fixed; margin: 1mm 0 3mm 0; }
th, td { text-align: left; vertical-align: top; padding: 1.2mm 1.5mm;
         border-bottom: 0.5px solid #ccc; overflow-wrap: anywhere; word-break: break-word; }
th { background: #eef3f8; font-weight: bold; font-size: 8.5pt; }
tr { break-inside: avoid; page-break-inside: avoid; }
td.num, th.num { text-align: right; }
td.light { white-space: nowrap; }
table.incidents td { overflow-wrap: normal; word-break: normal; }
table.incidents td.alert { overflow-wrap: anywhere; }
.dot { display: inline-block; width: 3.2mm; height: 3.2mm; border-radius: 50%;
       vertical-align: -0.5mm; margin-right: 1.5mm; border: 0.3mm solid rgba(0,0,0,0.25); }
.green { background: #2e9d4c; } .yellow { background: #f0b400; } .red { background: #d0312d; }
.grey { background: #b8b8b8; }
tr.incident td { background: #f6f6f6; font-weight: bold; border-top: 1px solid #999; }
td.alert { padding-left: 5mm; font-size: 8pt; }
tr.target td { font-style: italic; color: #444; background: #f6f6f6; }
.crit { color: #b01f1b; font-weight: bold; } .warn { color: #9a6a00; }
.missing { border: 1px solid #d0312d; background: #fdf1f0; padding: 2mm 3mm; margin: 2mm 0; }
.missing ul { margin: 0; padding-left: 5mm; }
.note { color: #555; font-size: 8pt; }
figure { margin: 1mm 0 4mm 0; break-inside: avoid; page-break-inside: avoid; }
figcaption { font-size: 8.5pt; color: #333; margin-bottom: 1mm; font-weight: bold; }
svg { display: block; max-width: 100%; height: auto; }
.inv { columns: 2; column-gap: 6mm; }
.inv section { break-inside: avoid; page-break-inside: avoid; }
.inv table { margin-top: 0; }
footer { color: #777; font-size: 7.5pt; margin-top: 6mm; border-top: 0.5px solid #ccc;
         padding-top: 1mm; }
@media screen { body { padding: 6mm 4mm; } }
@media print { body { max-width: none; } }
"""

SECTION_QUERY = {
    "summary": "health",
    "inventory": "facts",
    "availability": "health",
    "calendar": "stamps",
    "expiries": "facts",
    "evidence": "health",
    "charts": "charts",
}


def _e(value: object) -> str:
    return escape(str(value))


def _sev(t: Texts, severity: str) -> str:
    cls = {"critical": "crit", "warning": "warn"}.get(severity, "")
    key = f"sev_{severity}" if severity in ("critical", "warning", "info", "") else ""
    text = t(key) if key else severity
    return f'<span class="{cls}">{_e(text)}</span>'


def area_sentence(t: Texts, area: AreaResult, failed: bool, alerts_known: bool = True) -> str:
    if failed:
        return t("sent_query_failed")
    if not area.present:
        return t("sent_no_data")
    cov = area.coverage
    parts = [t("sent_avail", pct=t.percent(cov.availability))]
    if cov.down_s > 0:
        parts.append(t("sent_down", duration=t.duration(cov.down_s)))
    if alerts_known and area.incidents:
        parts.append(
            t("sent_incidents", n=area.incidents, severity=t(f"sev_{area.worst_severity}"))
        )
    elif alerts_known:
        parts.append(t("sent_no_incidents"))
    if cov.known_ratio < 1:
        parts.append(t("sent_coverage", pct=t.percent(cov.known_ratio)))
    if area.last_state == 0:
        parts.append(t("sent_end_bad"))
    if area.soonest_expiry_days is not None:
        if area.soonest_expiry_days < 0:
            parts.append(t("sent_expired"))
        else:
            parts.append(t("sent_expiry", days=area.soonest_expiry_days))
    return "; ".join(parts) + "."


def _failed_note(t: Texts, report: Report, section: str) -> str | None:
    query = SECTION_QUERY.get(section)
    if query and query in report.failed:
        return f'<p class="missing">{_e(t("section_failed", query=query))}</p>'
    return None


def _summary(t: Texts, r: Report) -> str:
    failed = "health" in r.failed
    rows = "".join(
        f'<tr data-area="{_e(a.key)}" data-light="{_e(a.light)}">'
        f"<td>{_e(t('area_' + a.key))}</td>"
        f'<td class="light"><span class="dot {a.light}"></span>{_e(t("light_" + a.light))}</td>'
        f"<td>{_e(area_sentence(t, a, failed, r.alerts_known))}</td></tr>"
        for a in r.areas
    )
    return (
        f"<table><colgroup><col style='width:24%'><col style='width:22%'><col></colgroup>"
        f"<tr><th>{_e(t('col_area'))}</th><th>{_e(t('col_state'))}</th>"
        f"<th>{_e(t('col_comment'))}</th></tr>{rows}</table>"
    )


def _fact_value(t: Texts, f: Fact) -> str:
    if f.kind == "timestamp":
        return t.time(float(f.value))
    if f.kind == "date":
        return t.date(float(f.value))
    if f.kind == "bytes":
        return t.bytes(float(f.value))
    if f.kind == "seconds":
        return t.duration(float(f.value))
    if f.kind == "flag":
        return t("yes") if f.value == "1" else t("no")
    if f.kind == "not_reported":
        return t("not_reported")
    return f.value


def _inventory(t: Texts, r: Report) -> str:
    if not r.facts:
        return f"<p>{_e(t('no_inventory'))}</p>"
    groups: dict[str, list[Fact]] = {}
    for f in r.facts:
        groups.setdefault(f.group, []).append(f)
    out = []
    for group, items in groups.items():
        targets = list(dict.fromkeys(f.target for f in items))
        rows = []
        for target in targets:
            if len(targets) > 1 and group != "backup":
                rows.append(f'<tr class="target"><td colspan="2">{_e(target)}</td></tr>')
            for f in items:
                if f.target != target:
                    continue
                item, _, detail = f.item.partition(":")
                rows.append(
                    f"<tr><td>{_e(t('item_' + item))}{_e(' ' + detail) if detail else ''}</td>"
                    f"<td>{_e(_fact_value(t, f))}</td></tr>"
                )
        out.append(
            f'<section data-group="{_e(group)}"><h3>{_e(t("inv_" + group))}</h3>'
            f"<table><colgroup><col style='width:42%'><col></colgroup>{''.join(rows)}"
            "</table></section>"
        )
    return f'<div class="inv">{"".join(out)}</div>'


def _incident_rows(t: Texts, n: int, inc: Incident) -> str:
    flags = []
    if inc.ongoing:
        flags.append(t("ongoing"))
    if any(a.began_before for a in inc.alerts):
        flags.append(t("began_before"))
    head = (
        f'<tr class="incident" data-incident="{n}" data-duration="{inc.duration_s:.0f}">'
        f"<td>{_e(t('incident', n=n))}</td><td>{_e(t.short_time(inc.start))}</td>"
        f"<td>{_e(t.short_time(inc.end))}</td>"
        f"<td class='num'>{_e(t.duration(inc.duration_s))}</td>"
        f"<td>{_sev(t, inc.severity)}</td>"
        f"<td>{_e(t('yes') if inc.in_practice_hours else t('no'))}</td></tr>"
        f'<tr><td colspan="6">{_e(t("likely_cause", alert=inc.cause.name))}'
        f"{_e(' · ' + ', '.join(flags)) if flags else ''}</td></tr>"
    )
    rows = "".join(
        f'<tr data-alert="{_e(a.name)}" data-duration="{a.duration_s:.0f}">'
        f'<td class="alert">{_e(a.name)}<br><span class="note">{_e(a.target)}</span></td>'
        f"<td>{_e(t.short_time(a.start))}</td><td>{_e(t.short_time(a.end))}</td>"
        f"<td class='num'>{_e(t.duration(a.duration_s))}</td><td>{_sev(t, a.severity)}</td>"
        f"<td>{_e(t('area_' + a.area))}</td></tr>"
        for a in inc.alerts
    )
    return head + rows


def _availability(t: Texts, r: Report, hours_text: str) -> str:
    out = []
    if "health" not in r.failed:
        rows = "".join(
            f'<tr data-area="{_e(a.key)}"><td>{_e(t("area_" + a.key))}</td>'
            f"<td class='num'>{_e(t.percent(a.coverage.availability) if a.present else '–')}</td>"
            f"<td class='num'>{_e(t.duration(a.coverage.down_s) if a.present else '–')}</td>"
            f"<td class='num'>{_e(t.percent(a.coverage.known_ratio))}</td>"
            f"<td class='num'>{a.incidents if r.alerts_known else '–'}</td></tr>"
            for a in r.areas
        )
        out.append(
            f"<table><tr><th>{_e(t('col_area'))}</th>"
            f"<th class='num'>{_e(t('col_availability'))}</th>"
            f"<th class='num'>{_e(t('col_downtime'))}</th>"
            f"<th class='num'>{_e(t('col_coverage'))}</th>"
            f"<th class='num'>{_e(t('col_alerts'))}</th></tr>{rows}</table>"
        )
        events = ", ".join(f"{t.time(a)} ({t.duration(b - a)})" for a, b in r.power_events) or t(
            "none"
        )
        out.append(f"<p>{_e(t('power_events', events=events))}</p>")
        if r.boots:
            out.append(f"<p>{_e(t('boots', boots=', '.join(t.time(b) for b in r.boots)))}</p>")
    else:
        out.append(_failed_note(t, r, "availability") or "")
    if "alerts" in r.failed:
        out.append(f'<p class="missing">{_e(t("section_failed", query="alerts"))}</p>')
    elif not r.alerts_known:
        out.append(f'<p class="missing">{_e(t("p_no_alerts"))}</p>')
    elif not r.incidents:
        out.append(f"<p>{_e(t('no_incidents'))}</p>")
    else:
        window = t.duration(r.group_window_s)
        out.append(
            f"<p class='note'>{_e(t('incidents_intro', window=window, hours=hours_text))}</p>"
        )
        body = "".join(_incident_rows(t, i + 1, inc) for i, inc in enumerate(r.incidents))
        out.append(
            "<table class='incidents'><colgroup><col style='width:30%'><col style='width:14%'>"
            "<col style='width:14%'><col style='width:15%'><col style='width:10%'><col>"
            "</colgroup>"
            f"<tr><th>{_e(t('col_alert'))}</th><th>{_e(t('col_start'))}</th>"
            f"<th>{_e(t('col_end'))}</th><th class='num'>{_e(t('col_duration'))}</th>"
            f"<th>{_e(t('col_severity'))}</th><th>{_e(t('col_hours'))} / {_e(t('col_area'))}</th>"
            f"</tr>{body}</table>"
        )
    return "".join(out)


def _calendar(t: Texts, r: Report) -> str:
    failed = _failed_note(t, r, "calendar")
    if failed:
        return failed
    if not r.calendar:
        return f"<p>{_e(t('no_backups'))}</p>"
    legend = {k: t(f"cal_{k}") for k in ("ok", "failed", "none", "nodata")}
    pic = svg.calendar(
        [(row.job, row.cells) for row in r.calendar], r.period.days(), legend, t("s_calendar")
    )
    return f"<figure>{pic}</figure>"


def _expiries(t: Texts, r: Report) -> str:
    failed = _failed_note(t, r, "expiries")
    if failed:
        return failed
    if not r.expiries:
        return f"<p>{_e(t('no_expiries'))}</p>"
    rows = "".join(
        f'<tr data-expiry="{_e(x.name)}" data-days="{x.days_left}">'
        f"<td>{_e(x.name)}<br><span class='note'>{_e(x.target)}</span></td>"
        f"<td>{_e(t('kind_' + x.kind))}</td><td>{_e(t.date(x.at))}</td>"
        f"<td class='num'>{_e(t('expired') if x.days_left < 0 else x.days_left)}</td></tr>"
        for x in r.expiries
    )
    return (
        f"<table><colgroup><col style='width:46%'><col style='width:24%'>"
        f"<col style='width:16%'><col></colgroup><tr><th>{_e(t('col_what'))}</th>"
        f"<th>{_e(t('col_kind'))}</th><th>{_e(t('col_when'))}</th>"
        f"<th class='num'>{_e(t('col_days'))}</th></tr>{rows}</table>"
    )


def _evidence(t: Texts, r: Report) -> str:
    failed = "health" in r.failed
    rows = []
    for ev in r.evidence:
        if not ev.checkable:
            state = t("ev_not_checkable")
        elif failed:
            state = t("section_failed", query="health")
        elif ev.state == "nodata" or ev.coverage is None:
            state = t("ev_nodata")
        elif ev.state == "ok":
            state = t(
                "ev_ok",
                pct=t.percent(ev.coverage.availability),
                cov=t.percent(ev.coverage.known_ratio),
            )
        else:
            state = t(
                "ev_failures",
                duration=t.duration(ev.coverage.down_s),
                pct=t.percent(ev.coverage.availability),
                cov=t.percent(ev.coverage.known_ratio),
            )
        last = t.time(ev.last_seen) if ev.last_seen and not failed else "–"
        metric = ev.metric.replace(", ", ",\u200b ") if ev.metric else "–"
        rows.append(
            f'<tr data-requirement="{_e(ev.key)}" data-state="{_e(ev.state)}">'
            f"<td>{_e(t('req_' + ev.key))}</td><td class='note'>{_e(metric)}</td>"
            f"<td>{_e(state)}</td><td>{_e(last)}</td></tr>"
        )
    return (
        f"<p class='note'>{_e(t('evidence_intro'))}</p>"
        f"<table><colgroup><col style='width:27%'><col style='width:27%'><col>"
        f"<col style='width:15%'></colgroup><tr><th>{_e(t('col_requirement'))}</th>"
        f"<th>{_e(t('col_metric'))}</th><th>{_e(t('col_period_state'))}</th>"
        f"<th>{_e(t('col_last_seen'))}</th></tr>{''.join(rows)}</table>"
    )


def _decimals(step: float) -> int:
    """Decimals that tell tick values `step` apart."""
    for d in range(4):
        if abs(step * 10**d - round(step * 10**d)) < 1e-6:
            return d
    return 3


def _scaled(series: list[Series], factor: float) -> list[Series]:
    return [Series(s.label, [(t, v * factor) for t, v in s.points]) for s in series]


def _charts(t: Texts, r: Report) -> str:
    start, end = r.period.start_ts, r.period.end_ts
    out = []
    for chart in r.charts:
        caption = t(f"chart_{chart.key}")
        if chart.key == "availability":
            grid = Grid(start, end, r.step)
            rows = [(t("area_" + a.key), a.timeline) for a in r.areas if a.present]
            pic = svg.state_bands(rows, grid.points, start, end, caption)
        elif chart.key == "backup_age":
            names = [s.label for s in chart.series]
            limits = [
                (f"{t('item_max_age')} {name}", value / 86400, names.index(name))
                for name, value in chart.limits
                if name in names
            ]
            pic = svg.line_chart(
                _scaled(chart.series, 1 / 86400),
                start,
                end,
                lambda v, step: f"{t.number(v, _decimals(step))} {t('days_unit')}",
                caption,
                limits=limits,
            )
        elif chart.key == "ups":
            pic = svg.line_chart(
                _scaled(chart.series, 100),
                start,
                end,
                lambda v, step: f"{t.number(v, _decimals(step))} %",
                caption,
                bands=r.power_events,
                y_max=100.0,
            )
        else:
            top = max((v for s in chart.series for _, v in s.points), default=1.0)
            power = 0
            while top >= 1024 ** (power + 1) and power < 4:
                power += 1
            unit = ["B", "KiB", "MiB", "GiB", "TiB"][power]

            def in_unit(v: float, step: float, unit: str = unit) -> str:
                return f"{t.number(v, _decimals(step))} {unit}"

            pic = svg.line_chart(
                _scaled(chart.series, 1 / 1024**power),
                start,
                end,
                in_unit,
                caption,
                y_min=None,
            )
        out.append(
            f'<figure data-chart="{_e(chart.key)}">'
            f"<figcaption>{_e(caption)}</figcaption>{pic}</figure>"
        )
    return "".join(out)


def _problems(t: Texts, r: Report) -> str:
    items = []
    for p in r.problems:
        subject = t("area_" + p.subject) if p.code.startswith("area_") else p.subject
        values: dict[str, object] = {"subject": subject, "detail": p.detail}
        if p.code == "area_partial":
            area = next(a for a in r.areas if a.key == p.subject)
            values.update(
                pct=t.percent(float(p.detail)),
                first=t.time(area.first_known or r.period.start_ts),
                last=t.time(area.last_known or r.period.end_ts),
            )
        items.append(f"<li>{_e(t('p_' + p.code, **values))}</li>")
    return f'<div class="missing"><ul>{"".join(items)}</ul></div>' if items else ""


def render_html(report: Report, t: Texts, hours_text: str) -> str:
    r = report
    generated = t("generated", generated=t.time(r.generated_at), as_of=t.time(r.as_of))
    head = (
        f"<h1>{_e(t('title'))}</h1>"
        f"<p class='sub'>{_e(t('subtitle', site=r.site, period=r.period.label))}</p>"
        f"<p class='meta'>{_e(generated)}</p>"
    )
    sections: list[tuple[str, str, str]] = []
    if r.has_data:
        sections = [
            ("summary", t("s_summary"), _failed_note(t, r, "summary") or _summary(t, r)),
            ("inventory", t("s_inventory"), _failed_note(t, r, "inventory") or _inventory(t, r)),
            ("availability", t("s_availability"), _availability(t, r, hours_text)),
            ("calendar", t("s_calendar"), _calendar(t, r)),
            ("expiries", t("s_expiries"), _expiries(t, r)),
            ("evidence", t("s_evidence"), _evidence(t, r)),
            ("charts", t("s_charts"), _failed_note(t, r, "charts") or _charts(t, r)),
        ]
    problems = _problems(t, r)
    if problems:
        sections.append(("missing", t("s_missing"), problems))
    body = "".join(
        f'<section id="{sid}"><h2>{_e(title)}</h2>{content}</section>'
        for sid, title, content in sections
    )
    footer = f"<footer>{_e(t('footer', queries=r.queries))}</footer>"
    return (
        f'<!DOCTYPE html><html lang="{t.lang}"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{_e(t('title'))} {_e(r.site)} {_e(r.period.label)}</title>"
        f"<style>{CSS}</style></head><body>{head}{body}{footer}</body></html>\n"
    )


@dataclass
class IndexEntry:
    """One site on the provider's index page."""

    site: str
    lights: dict[str, str] = field(default_factory=dict)
    html: str | None = None
    pdf: str | None = None
    has_data: bool = True
    complete: bool = True
    error: str = ""


def render_index(entries: list[IndexEntry], label: str, t: Texts) -> str:
    """The --all-sites index: one row per site, one traffic light per area, links."""
    keys = [a.key for a in AREAS if any(a.key in e.lights for e in entries)]
    head = "".join(
        f"<th class='area' title='{_e(t('area_' + k))}'>{_e(t('short_' + k))}</th>" for k in keys
    )
    rows = []
    for e in entries:
        if e.html is None:
            cells = f"<td colspan='{len(keys) + 1}'>{_e(t('index_failed', error=e.error))}</td>"
        else:
            lights = "".join(
                f'<td class="area"><span class="dot {e.lights[k]}" '
                f'title="{_e(t("light_" + e.lights[k]))}"></span></td>'
                if k in e.lights
                else "<td class='area'>–</td>"
                for k in keys
            )
            links = [f'<a href="{_e(e.html)}">HTML</a>']
            if e.pdf:
                links.append(f'<a href="{_e(e.pdf)}">PDF</a>')
            notes = []
            if not e.has_data:
                notes.append(t("light_grey"))
            elif not e.complete:
                notes.append(t("index_incomplete"))
            note = f"<br><span class='note'>{_e(', '.join(notes))}</span>" if notes else ""
            cells = f"{lights}<td class='links'>{' · '.join(links)}{note}</td>"
        rows.append(f'<tr data-site="{_e(e.site)}"><td>{_e(e.site)}</td>{cells}</tr>')
    title = t("index_title", period=label)
    legend = " ".join(
        f'<span class="dot {light}"></span>{_e(t("light_" + light))}'
        for light in ("green", "yellow", "red", "grey")
    )
    return (
        f'<!DOCTYPE html><html lang="{t.lang}"><head><meta charset="utf-8">'
        f"<title>{_e(title)}</title><style>{CSS}"
        "th.area, td.area { text-align: center; font-size: 7pt; overflow-wrap: normal;"
        " word-break: normal; padding-left: 0.5mm; padding-right: 0.5mm; }"
        " p.legend .dot { margin-left: 3mm; } td.links { white-space: nowrap; }"
        "</style></head><body>"
        f"<h1>{_e(title)}</h1><p class='note legend'>{legend}</p>"
        f"<table><colgroup><col style='width:18%'>{'<col>' * len(keys)}"
        "<col style='width:13%'></colgroup>"
        f"<tr><th>{_e(t('index_site'))}</th>"
        f"{head}<th>{_e(t('index_report'))}</th></tr>{''.join(rows)}</table></body></html>\n"
    )
