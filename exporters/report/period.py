"""Which span a report covers: calendar months and days in Europe/Berlin, never wall-clock
guesses. `now` is always passed in, so reports (and tests) are reproducible."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from zoneinfo import ZoneInfo

BERLIN = ZoneInfo("Europe/Berlin")
# Prometheus refuses query_range answers above 11 000 points per series.
MAX_POINTS = 10_000
# 300 s for a month (8 940 points); finer only for short spans such as a live demo.
STEPS = (15, 30, 60, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400)


class PeriodError(ValueError):
    """A period that cannot be reported on (bad syntax, empty, entirely in the future)."""


@dataclass(frozen=True)
class Period:
    """[start, end) in Europe/Berlin; `cut` is True when the end was moved back to `now`."""

    start: dt.datetime
    end: dt.datetime
    label: str
    cut: bool = False

    @property
    def start_ts(self) -> float:
        return self.start.timestamp()

    @property
    def end_ts(self) -> float:
        return self.end.timestamp()

    @property
    def seconds(self) -> int:
        return int(self.end_ts - self.start_ts)

    def days(self) -> list[dt.date]:
        """Every calendar day (Berlin) the period touches."""
        first = self.start.date()
        last = (self.end - dt.timedelta(microseconds=1)).astimezone(BERLIN).date()
        return [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]


def _month_start(year: int, month: int) -> dt.datetime:
    return dt.datetime(year, month, 1, tzinfo=BERLIN)


def _next_month(start: dt.datetime) -> dt.datetime:
    year, month = (start.year + 1, 1) if start.month == 12 else (start.year, start.month + 1)
    return _month_start(year, month)


def last_month(now: dt.datetime) -> Period:
    """The calendar month before the one `now` lies in (Berlin time)."""
    local = now.astimezone(BERLIN)
    this_month = _month_start(local.year, local.month)
    prev = (this_month - dt.timedelta(days=1)).astimezone(BERLIN)
    start = _month_start(prev.year, prev.month)
    return Period(start, this_month, f"{start:%Y-%m}")


def month(text: str, now: dt.datetime) -> Period:
    """`YYYY-MM` as a period, cut at `now` if it has not ended yet."""
    m = re.fullmatch(r"(\d{4})-(\d{2})", text.strip())
    if not m or not 1 <= int(m.group(2)) <= 12:
        raise PeriodError(f"--month {text!r}: expected YYYY-MM, e.g. 2026-10")
    start = _month_start(int(m.group(1)), int(m.group(2)))
    return clip(Period(start, _next_month(start), f"{start:%Y-%m}"), now)


def _parse_point(text: str, flag: str) -> tuple[dt.datetime, bool]:
    """A date (`YYYY-MM-DD`) or local time (`YYYY-MM-DDTHH:MM`) in Berlin; bool = date only."""
    text = text.strip()
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            return dt.datetime.fromisoformat(text).replace(tzinfo=BERLIN), True
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}", text):
            return dt.datetime.fromisoformat(text).replace(tzinfo=BERLIN), False
    except ValueError as exc:
        raise PeriodError(f"{flag} {text!r}: {exc}") from None
    raise PeriodError(f"{flag} {text!r}: expected YYYY-MM-DD or YYYY-MM-DDTHH:MM (Berlin time)")


def between(from_text: str, to_text: str, now: dt.datetime) -> Period:
    """`--from`/`--to`: a date in `--to` includes that whole day; a time is exclusive."""
    start, _ = _parse_point(from_text, "--from")
    end, date_only = _parse_point(to_text, "--to")
    if date_only:
        end = dt.datetime.combine(end.date() + dt.timedelta(days=1), dt.time(), BERLIN)
    if end <= start:
        raise PeriodError(f"--to {to_text!r} is not after --from {from_text!r}")
    label = f"{start:%Y-%m-%d}_{(end - dt.timedelta(seconds=1)):%Y-%m-%d}"
    return clip(Period(start, end, label), now)


def clip(period: Period, now: dt.datetime) -> Period:
    """Refuse a period that has not begun; end a running one at `now` (to the minute)."""
    if period.start >= now:
        raise PeriodError(
            f"the period {period.label} starts {period.start:%Y-%m-%d %H:%M} (Berlin), "
            "after now: there is nothing to report yet"
        )
    if period.end <= now:
        return period
    cut = now.astimezone(BERLIN).replace(second=0, microsecond=0)
    if cut <= period.start:
        raise PeriodError(f"the period {period.label} has not lasted a minute yet")
    return Period(period.start, cut, period.label, cut=True)


def step_for(seconds: int) -> int:
    """The finest step from STEPS that keeps a range query under MAX_POINTS points."""
    for step in STEPS:
        if seconds / step <= MAX_POINTS:
            return step
    return STEPS[-1]
