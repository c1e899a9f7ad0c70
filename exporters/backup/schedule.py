"""When a pushed job is expected to start: a time of day on chosen weekdays, in a time zone.

Cron jobs and Task Scheduler tasks in a practice run at a fixed local time (01:30 every
night, or on weekdays only). Knowing the latest start that should have happened lets an
alert say "did not start last night" on the night itself, not when `max_age` runs out.
Pure functions of a given `now`, so tests control the clock.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
WEEKDAYS: tuple[Weekday, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass(frozen=True)
class Schedule:
    at: time
    weekdays: frozenset[int]
    """0 = Monday ... 6 = Sunday."""
    zone: ZoneInfo

    def _instant(self, day: datetime) -> float:
        local = datetime.combine(day.date(), self.at, tzinfo=self.zone)
        # a time that does not exist on a spring-forward night (02:30) is read as after the
        # gap: normalise through UTC, as cron and Task Scheduler start such jobs late
        return local.astimezone(ZoneInfo("UTC")).timestamp()

    def previous(self, now: float) -> float | None:
        """The latest scheduled start at or before `now` (None: no weekday chosen)."""
        today = datetime.fromtimestamp(now, self.zone)
        for back in range(8):
            day = today - timedelta(days=back)
            if day.weekday() in self.weekdays:
                instant = self._instant(day)
                if instant <= now:
                    return instant
        return None

    def next(self, now: float) -> float | None:
        """The first scheduled start after `now`."""
        today = datetime.fromtimestamp(now, self.zone)
        for ahead in range(9):
            day = today + timedelta(days=ahead)
            if day.weekday() in self.weekdays:
                instant = self._instant(day)
                if instant > now:
                    return instant
        return None


def parse_at(text: str) -> time:
    """ "01:30" -> time(1, 30); raise ValueError with a message naming the format."""
    try:
        hours, minutes = text.split(":")
        if len(minutes) != 2 or not hours.isdigit() or not minutes.isdigit():
            raise ValueError
        return time(int(hours), int(minutes))
    except ValueError:
        raise ValueError(f"{text!r} is not a time of day as HH:MM (e.g. 01:30)") from None
