"""Practice hours: when a failure hurts. Default = the `practice-hours` time interval of
alerting-rules/alertmanager.yml (Mon-Fri 07:30-12:30 and 14:00-18:30, Europe/Berlin)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from exporters.report.period import BERLIN

DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
DEFAULT = "mon-fri 07:30-12:30,14:00-18:30"


@dataclass(frozen=True)
class PracticeHours:
    weekdays: frozenset[int]
    windows: tuple[tuple[dt.time, dt.time], ...]
    text: str

    def overlaps(self, start: float, end: float) -> bool:
        """True if [start, end) touches practice hours on any day (Berlin time)."""
        if end <= start:
            end = start + 1
        day = dt.datetime.fromtimestamp(start, BERLIN).date()
        last = dt.datetime.fromtimestamp(end, BERLIN).date()
        while day <= last:
            if day.weekday() in self.weekdays:
                for open_, close in self.windows:
                    a = dt.datetime.combine(day, open_, BERLIN).timestamp()
                    b = dt.datetime.combine(day, close, BERLIN).timestamp()
                    if start < b and end > a:
                        return True
            day += dt.timedelta(days=1)
        return False


def parse(text: str) -> PracticeHours:
    """`mon-fri 07:30-12:30,14:00-18:30` (days: a range or a comma list, then windows)."""
    m = re.fullmatch(r"\s*([a-z,\-]+)\s+([0-9:,\- ]+)\s*", text.lower())
    if not m:
        raise ValueError(f"practice hours {text!r}: expected e.g. {DEFAULT!r}")
    days: set[int] = set()
    for part in m.group(1).split(","):
        lo, _, hi = part.partition("-")
        if lo not in DAYS or (hi and hi not in DAYS):
            raise ValueError(f"practice hours {text!r}: unknown day in {part!r}")
        a, b = DAYS.index(lo), DAYS.index(hi or lo)
        days.update(range(a, b + 1) if a <= b else [*range(a, 7), *range(0, b + 1)])
    windows = []
    for part in m.group(2).replace(" ", "").split(","):
        w = re.fullmatch(r"(\d{2}):(\d{2})-(\d{2}):(\d{2})", part)
        if not w:
            raise ValueError(f"practice hours {text!r}: bad time window {part!r}")
        h1, m1, h2, m2 = (int(x) for x in w.groups())
        if h1 > 23 or m1 > 59 or m2 > 59 or (h2, m2) > (24, 0) or (h1, m1) >= (h2, m2):
            raise ValueError(f"practice hours {text!r}: bad time window {part!r}")
        close = dt.time.max if h2 == 24 else dt.time(h2, m2)
        windows.append((dt.time(h1, m1), close))
    return PracticeHours(frozenset(days), tuple(windows), text.strip())
