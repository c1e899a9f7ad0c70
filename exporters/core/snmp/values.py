"""Pure conversions of raw SNMP values, each noting why a value had to be skipped.

A device may answer an OID with the wrong type or a garbage string; such values become
None plus a line in `problems`, so one bad value costs one metric, not the scrape.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Mapping


class Oid(str):
    """An OBJECT IDENTIFIER value returned by the agent (not text)."""


SnmpValue = int | bytes | Oid
"""What an agent returns, in plain Python: integers, counters, gauges and TimeTicks are int,
strings bytes, OIDs Oid (missing values are simply absent)."""
Values = Mapping[str, SnmpValue]
_DATE = re.compile(r"^\s*(\d{1,2})/(\d{1,2})/(\d{2}|\d{4})\b")


class Decoder:
    """Reads named values from one answer, collecting problems instead of raising."""

    def __init__(self, values: Values, problems: list[str]) -> None:
        self.values = values
        self.problems = problems

    def number(self, key: str, na: tuple[int, ...] = ()) -> int | None:
        """An integer value; None if absent, wrongly typed, or one of the `na` sentinels."""
        value = self.values.get(key)
        if value is None:
            return None
        if isinstance(value, Oid) or not isinstance(value, int):
            self.problems.append(f"{key}: expected a number, got {type(value).__name__}")
            return None
        return None if value in na else value

    def scaled(
        self, key: str, factor: float, na: tuple[int, ...] = (), low: float = -1e12
    ) -> float | None:
        """`number * factor`, None if below `low` (impossible for the quantity)."""
        raw = self.number(key, na)
        if raw is None:
            return None
        value = raw * factor
        if value < low:
            self.problems.append(f"{key}: value {raw} out of range")
            return None
        return value

    def text(self, key: str) -> str:
        """A printable string ('' if absent or not text)."""
        value = self.values.get(key)
        if value is None:
            return ""
        if isinstance(value, Oid) or not isinstance(value, bytes):
            self.problems.append(f"{key}: expected text, got {type(value).__name__}")
            return ""
        decoded = value.decode("utf-8", errors="replace")
        return "".join(c for c in decoded if c.isprintable()).strip()

    def oid(self, key: str) -> str | None:
        value = self.values.get(key)
        if value is None:
            return None
        if not isinstance(value, Oid):
            self.problems.append(f"{key}: expected an OID, got {type(value).__name__}")
            return None
        return str(value)

    def enum(self, key: str, mapping: Mapping[int, str], default: str) -> str | None:
        """An enumeration mapped to a neutral name; unknown numbers give `default`."""
        raw = self.number(key)
        if raw is None:
            return None
        if raw not in mapping:
            self.problems.append(f"{key}: unknown value {raw}")
            return default
        return mapping[raw]

    def date(self, key: str) -> float | None:
        """A `mm/dd/yy` or `mm/dd/yyyy` date (APC, Eaton) as Unix time at midnight UTC."""
        text = self.text(key)
        if not text:
            return None
        match = _DATE.match(text)
        if not match:
            if not text.lower().startswith(("unknown", "n/a", "not avail")):
                self.problems.append(f"{key}: not a mm/dd/yy date")
            return None
        month, day, year = (int(g) for g in match.groups())
        if year < 100:
            year += 1900 if year >= 90 else 2000
        if not (1 <= month <= 12 and 1 <= day <= calendar.monthrange(year, month)[1]):
            self.problems.append(f"{key}: not a valid date")
            return None
        return float(calendar.timegm((year, month, day, 0, 0, 0, 0, 0, 0)))


def column(table: Values, prefix: str) -> dict[str, SnmpValue]:
    """The cells of one table column, keyed by row index (the OID suffix)."""
    start = prefix + "."
    return {oid[len(start) :]: v for oid, v in table.items() if oid.startswith(start)}
