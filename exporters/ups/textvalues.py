"""Values that daemons send as text (NUT variables, apcupsd status lines), made usable.

Drivers report oddly: padding spaces, `#COMMENT` tails, units inside the value
(`13.6 V`, `45.0 Minutes`), negative timers (`-1` = unknown). `TextValues` cleans what can
be cleaned and leaves out the rest, recording one problem line per value for the log;
nothing is ever exported wrong.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, datetime

_COMMENT = re.compile(r"(^|\s)#.*$")
_NUMBER = re.compile(r"^([-+]?(?:\d+(?:\.\d*)?|\.\d+))\s*([A-Za-z%°]*)$")

PERCENT = {"": 1.0, "%": 1.0, "percent": 1.0}
SECONDS = {"": 1.0, "s": 1.0, "sec": 1.0, "secs": 1.0, "seconds": 1.0}
MINUTES = {"": 60.0, "min": 60.0, "mins": 60.0, "minutes": 60.0}
VOLTS = {"": 1.0, "v": 1.0, "vac": 1.0, "vdc": 1.0, "volts": 1.0}
CELSIUS = {"": 1.0, "c": 1.0, "°c": 1.0, "degc": 1.0}
HERTZ = {"": 1.0, "hz": 1.0}
AMPERES = {"": 1.0, "a": 1.0, "amps": 1.0, "amperes": 1.0}
WATTS = {"": 1.0, "w": 1.0, "watts": 1.0}
COUNT = {"": 1.0}

_DATE_FORMATS = (
    "%Y-%m-%d %H:%M:%S %z",  # apcupsd 3.14: 2026-11-20 10:00:00 +0100
    "%a %b %d %H:%M:%S %Y",  # apcupsd before 3.14, zone name dropped (read as UTC)
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%d",
    "%Y/%m/%d",
    "%m/%d/%y",  # APC firmware (battery.date, BATTDATE on old units)
    "%m/%d/%Y",
)
_ZONE_NAME = re.compile(r"^(\w{3} \w{3} +\d+ [\d:]+) [A-Z]{2,5} (\d{4})$")


def clean(text: str) -> str:
    """Strip padding and a `#COMMENT` tail."""
    return _COMMENT.sub("", text).strip()


def parse_date(text: str) -> float | None:
    """A date as daemons print it -> Unix time (zone-less values as UTC); None if unknown."""
    text = _ZONE_NAME.sub(r"\1 \2", text.strip())
    for fmt in _DATE_FORMATS:
        try:
            parsed = datetime.strptime(text, fmt)
        except ValueError:
            continue
        if not 1980 <= parsed.year <= 2100:
            return None
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=UTC)
        return parsed.timestamp()
    return None


class TextValues:
    """Typed access to text values by key; unusable values become None plus a problem."""

    def __init__(self, values: Mapping[str, str], problems: list[str]) -> None:
        self.values = values
        self.problems = problems

    def text(self, *keys: str) -> str:
        """The first non-empty cleaned value of `keys` ("" if none)."""
        for key in keys:
            value = clean(self.values.get(key, ""))
            if value:
                return value
        return ""

    def has(self, key: str) -> bool:
        return bool(clean(self.values.get(key, "")))

    def number(
        self,
        key: str,
        units: Mapping[str, float],
        low: float | None = 0.0,
        high: float | None = None,
    ) -> float | None:
        """The value of `key` in base units; left out if absent, garbled or out of range."""
        raw = self.values.get(key)
        if raw is None:
            return None
        value = clean(raw)
        if not value or value.upper() in ("N/A", "NA", "UNKNOWN"):
            return None
        match = _NUMBER.match(value)
        if match is None:
            self.problems.append(f"{key}: not a number")
            return None
        unit = match.group(2).lower()
        if unit not in units:
            self.problems.append(f"{key}: unexpected unit {match.group(2)[:16]!r}")
            return None
        number = float(match.group(1)) * units[unit]
        if low is not None and number < low:
            self.problems.append(f"{key}: {match.group(1)[:16]} is below {low:g}")
            return None
        if high is not None and number > high:
            self.problems.append(f"{key}: {match.group(1)[:16]} is above {high:g}")
            return None
        return number

    def date(self, key: str) -> float | None:
        value = self.text(key)
        if not value or value.upper() in ("N/A", "NA"):
            return None
        stamp = parse_date(value)
        if stamp is None:
            self.problems.append(f"{key}: not a date this exporter knows")
        return stamp
