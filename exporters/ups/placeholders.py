"""Constant placeholder values that some UPS models report instead of a measurement.

Left out (not exported as if measured) and logged once per target. Each entry names the
model family it was seen on; the list is in docs/exporters/ups.md ("Placeholder values").
Sentinels that a MIB itself defines as "not available" (APC 4294967295, XUPS 65535) are
handled in the MIB modules; this is for values that look real but are not.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from exporters.ups.values import SnmpValue


@dataclass(frozen=True)
class Placeholder:
    mib: str
    key: str
    value: int
    model: re.Pattern[str]
    note: str


KNOWN: tuple[Placeholder, ...] = (
    Placeholder(
        mib="rfc1628",
        key="minutes_remaining",
        value=999,
        model=re.compile(r"\b9PX\b", re.IGNORECASE),
        note="Eaton 9PX: upsEstimatedMinutesRemaining 999 is the most its display shows, not "
        "the run time",
    ),
)


def scrub(mib: str, scalars: dict[str, SnmpValue]) -> list[str]:
    """Remove known placeholder values from `scalars` in place; returns a note for each."""
    raw = scalars.get("model")
    model = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw or "")
    notes = []
    for entry in KNOWN:
        value = scalars.get(entry.key)
        if entry.mib == mib and value == entry.value and entry.model.search(model):
            del scalars[entry.key]
            notes.append(f"{entry.key}: left out, {entry.note}")
    return notes
