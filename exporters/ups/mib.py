"""What every MIB module provides: its scalars, its tables and a parser to a Reading."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from exporters.ups.reading import Reading
from exporters.ups.values import SnmpValue, Values

SYS_OBJECT_ID = "1.3.6.1.2.1.1.2.0"
SYS_UPTIME = "1.3.6.1.2.1.1.3.0"
SYSTEM = {"sysObjectID": SYS_OBJECT_ID, "sysUpTime": SYS_UPTIME}
MAX_ROWS = 32
"""Upper bound on rows read per table (a UPS has 1-3 lines and a handful of alarms)."""


@dataclass(frozen=True)
class MibSpec:
    """One UPS MIB: `parse(scalars by key, table cells by OID, now)` -> Reading."""

    name: str
    scalars: Mapping[str, str]
    tables: Callable[[Values], dict[str, int]]
    """Which table columns to read and how many rows, given the scalars' answer."""
    parse: Callable[[Values, Values, float], Reading]

    def oids(self) -> list[str]:
        return list(self.scalars.values())

    def keyed(self, answer: Values) -> dict[str, SnmpValue]:
        """The answer's values of this MIB's scalars, keyed by name."""
        return {key: answer[oid] for key, oid in self.scalars.items() if oid in answer}


def rows(value: object) -> int:
    """How many rows of a table to read, given its row-count scalar.

    The count (at most `MAX_ROWS`) when the agent answered it; `MAX_ROWS` when it did not
    (some cards leave out e.g. upsInputNumLines but have the table): the GETBULK then stops
    where the column's OIDs end, so this is a bounded walk of that column, not a subtree walk.
    """
    if value is None:
        return MAX_ROWS
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return min(value, MAX_ROWS)
    return MAX_ROWS  # answered, but not a count: read what is there, bounded
