"""Inline SVG pictures (pure): state bands, the backup calendar and line charts. Sized by a
viewBox 700 units wide, drawn at 100 % of the A4 text width."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Sequence
from html import escape

from exporters.report.model import Series, Timeline
from exporters.report.period import BERLIN

WIDTH = 700
COLORS = {
    "ok": "#2e9d4c",
    "bad": "#d0312d",
    "unknown": "#c9c9c9",
    "failed": "#d0312d",
    "none": "#ffffff",
    "nodata": "#e4e4e4",
}
PALETTE = ["#1f6fb2", "#e08a00", "#7b3fa0", "#2e9d4c", "#8c564b", "#17becf"]
FONT = 'font-family="DejaVu Sans, Arial, sans-serif"'


def _svg(height: float, body: str, label: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height:.0f}" '
        f'width="100%" role="img" aria-label="{escape(label)}" {FONT} font-size="10">'
        f"<title>{escape(label)}</title>{body}</svg>"
    )


def _day_ticks(start: float, end: float, x: Callable[[float], float], y: float) -> str:
    """Tick and label at every midnight (labels on the 1st and every 7 days)."""
    out = []
    day = dt.datetime.fromtimestamp(start, BERLIN).date()
    while True:
        t = dt.datetime.combine(day, dt.time(), BERLIN).timestamp()
        if t > end:
            break
        if t >= start:
            px = x(t)
            out.append(f'<line x1="{px:.1f}" y1="{y}" x2="{px:.1f}" y2="{y + 3}" stroke="#777"/>')
            if (day.day == 1 or day.day % 7 == 0) and px < WIDTH - 20:
                out.append(
                    f'<text x="{px:.1f}" y="{y + 13}" text-anchor="middle" fill="#444">'
                    f"{day.day}.{day.month}.</text>"
                )
        day += dt.timedelta(days=1)
    return "".join(out)


def _kind(value: float | None) -> str:
    return "unknown" if value is None else ("ok" if value >= 1 else "bad")


def state_bands(
    rows: Sequence[tuple[str, Timeline]],
    points: Sequence[float],
    start: float,
    end: float,
    label: str,
) -> str:
    """One band per row: green where 1, red where 0, grey where unknown."""
    left, right, row_h = 150, WIDTH - 5, 18
    span = max(end - start, 1)

    def x(t: float) -> float:
        return left + (right - left) * (min(max(t, start), end) - start) / span

    body: list[str] = []
    on_top: list[str] = []  # outages, drawn last
    for i, (name, tl) in enumerate(rows):
        y = 4 + i * (row_h + 6)
        body.append(
            f'<text x="{left - 6}" y="{y + 13}" text-anchor="end" fill="#222">{escape(name)}</text>'
        )
        marks: list[tuple[float, str]] = [(t, _kind(v)) for t, v in zip(points, tl, strict=True)]
        marks.append((end, "end"))
        run_start, run_kind = marks[0]
        for t, kind in marks[1:]:
            if kind != run_kind:
                x0, x1 = x(run_start), x(t)
                # a short outage stays visible: at least 2 units wide, over its neighbours
                width = max(x1 - x0, 2.0 if run_kind == "bad" else 0.8)
                (on_top if run_kind == "bad" else body).append(
                    f'<rect x="{x0:.2f}" y="{y}" width="{width:.2f}" '
                    f'height="{row_h}" fill="{COLORS[run_kind]}"/>'
                )
                run_start, run_kind = t, kind
    body.extend(on_top)
    axis_y = 4 + len(rows) * (row_h + 6)
    body.append(_day_ticks(start, end, x, axis_y))
    return _svg(axis_y + 18, "".join(body), label)


def calendar(
    rows: Sequence[tuple[str, Sequence[str]]],
    days: Sequence[dt.date],
    legend: dict[str, str],
    label: str,
) -> str:
    """Jobs down, days across; a cell per day coloured by its state."""
    left = 190
    cell = min(16.0, (WIDTH - left - 4) / max(len(days), 1))
    body = []
    for j, day in enumerate(days):
        cx = left + j * cell + cell / 2
        weekend = day.weekday() >= 5
        body.append(
            f'<text x="{cx:.1f}" y="12" text-anchor="middle" font-size="8" '
            f'fill="{"#b00" if weekend else "#444"}">{day.day}</text>'
        )
    for i, (job, cells) in enumerate(rows):
        y = 18 + i * (cell + 4)
        short = job if len(job) <= 32 else job[:31] + "…"
        body.append(
            f'<text x="{left - 6}" y="{y + cell * 0.7:.1f}" text-anchor="end" fill="#222">'
            f"<title>{escape(job)}</title>{escape(short)}</text>"
        )
        for j, (day, state) in enumerate(zip(days, cells, strict=True)):
            body.append(
                f'<rect x="{left + j * cell + 1:.1f}" y="{y}" width="{cell - 2:.1f}" '
                f'height="{cell - 2:.1f}" fill="{COLORS[state]}" stroke="#999" stroke-width="0.5" '
                f'data-day="{day.isoformat()}" data-state="{state}">'
                f"<title>{escape(job)} {day.isoformat()}: {escape(legend[state])}</title></rect>"
            )
    y = 18 + len(rows) * (cell + 4) + 6
    x = float(left)
    for state, text in legend.items():
        body.append(
            f'<rect x="{x:.0f}" y="{y}" width="10" height="10" fill="{COLORS[state]}" '
            f'stroke="#999" stroke-width="0.5"/>'
            f'<text x="{x + 14:.0f}" y="{y + 9}" fill="#222">{escape(text)}</text>'
        )
        x += 24 + 6.2 * len(text)
    return _svg(y + 16, "".join(body), label)


def nice_ticks(lo: float, hi: float, count: int = 4) -> list[float]:
    """Round tick values covering [lo, hi] (steps 1, 2, 2.5, 5 x 10^n)."""
    if hi <= lo:
        hi = lo + 1
    raw = (hi - lo) / count
    mag = 10 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw)
    first = math.floor(lo / step + 1e-9) * step
    ticks = [first]
    while ticks[-1] < hi - 1e-9 * step:
        ticks.append(ticks[-1] + step)
    return ticks


def line_chart(
    series: Sequence[Series],
    start: float,
    end: float,
    fmt: Callable[[float, float], str],
    label: str,
    bands: Sequence[tuple[float, float]] = (),
    limits: Sequence[tuple[str, float, int]] = (),
    y_min: float | None = 0.0,
    y_max: float | None = None,
) -> str:
    """Lines over the period, red bands (e.g. power cuts), dashed limit lines in the colour
    of their series. `fmt(value, tick_step)` writes an axis label."""
    left, right, top, bottom = 70, WIDTH - 12, 8, 150
    values = [v for s in series for _, v in s.points] + [v for _, v, _ in limits]
    lo = y_min if y_min is not None else (min(values) if values else 0.0)
    hi = y_max if y_max is not None else (max(values) if values else 1.0)
    ticks = nice_ticks(lo, hi)
    lo, hi = ticks[0], ticks[-1]
    tick_step = ticks[1] - ticks[0] if len(ticks) > 1 else 1.0
    span = max(end - start, 1)

    def x(t: float) -> float:
        return left + (right - left) * (min(max(t, start), end) - start) / span

    def y(v: float) -> float:
        return bottom - (bottom - top) * (v - lo) / (hi - lo)

    body = []
    for b0, b1 in bands:
        width = max(x(b1) - x(b0), 3.0)
        body.append(
            f'<rect x="{x(b0) - 1:.2f}" y="{top}" width="{width:.2f}" '
            f'height="{bottom - top}" fill="{COLORS["bad"]}" opacity="0.6"/>'
        )
    for v in ticks:
        body.append(
            f'<line x1="{left}" y1="{y(v):.1f}" x2="{right}" y2="{y(v):.1f}" stroke="#e3e3e3"/>'
            f'<text x="{left - 4}" y="{y(v) + 3:.1f}" text-anchor="end" fill="#444">'
            f"{escape(fmt(v, tick_step))}</text>"
        )
    for name, v, index in limits:
        color = PALETTE[index % len(PALETTE)]
        body.append(
            f'<line x1="{left}" y1="{y(v):.1f}" x2="{right}" y2="{y(v):.1f}" '
            f'stroke="{color}" stroke-dasharray="5 3" stroke-width="1"/>'
            f'<text x="{right - 2}" y="{y(v) - 3:.1f}" text-anchor="end" fill="{color}">'
            f"{escape(name)}</text>"
        )
    for i, s in enumerate(series):
        color = PALETTE[i % len(PALETTE)]
        path = " ".join(
            f"{'M' if j == 0 else 'L'}{x(t):.1f},{y(v):.1f}" for j, (t, v) in enumerate(s.points)
        )
        if path:
            body.append(f'<path d="{path}" fill="none" stroke="{color}" stroke-width="1.4"/>')
    body.append(
        f'<line x1="{left}" y1="{bottom}" x2="{right}" y2="{bottom}" stroke="#777"/>'
        + _day_ticks(start, end, x, bottom)
    )
    ly = bottom + 30
    lx = float(left)
    for i, s in enumerate(series):
        color = PALETTE[i % len(PALETTE)]
        text = s.label if len(s.label) <= 40 else s.label[:39] + "…"
        body.append(
            f'<rect x="{lx:.0f}" y="{ly - 8}" width="12" height="3" fill="{color}"/>'
            f'<text x="{lx + 16:.0f}" y="{ly - 4}" fill="#222">{escape(text)}</text>'
        )
        lx += 30 + 6.0 * len(text)
        if lx > WIDTH - 120:
            lx = float(left)
            ly += 13
    return _svg(ly + 4, "".join(body), label)
