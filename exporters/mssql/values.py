"""Conversions of what pyodbc returns (Decimal, naive datetimes in server time, padded
nchar) into the numbers and strings the metrics need; all tolerate NULL."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

Row = Mapping[str, Any]
Rows = Sequence[Row]


def number(value: Any) -> float | None:
    """int, bigint, Decimal (numeric) or float as float; NULL and non-numbers as None."""
    if isinstance(value, bool):
        return float(value)
    if isinstance(value, int | float | Decimal):
        return float(value)
    return None


def text(value: Any) -> str | None:
    """A string without the padding of nchar columns; NULL stays None."""
    if value is None:
        return None
    return str(value).strip()


def utc_epoch(value: Any) -> float | None:
    """A naive datetime that is already UTC (GETUTCDATE()) as Unix seconds."""
    if not isinstance(value, datetime):
        return None
    return value.replace(tzinfo=UTC).timestamp()


def local_epoch(value: Any, utc_offset_minutes: float | None) -> float | None:
    """A naive datetime in the server's local time as Unix seconds, given its UTC offset."""
    if not isinstance(value, datetime) or utc_offset_minutes is None:
        return None
    utc = value - timedelta(minutes=utc_offset_minutes)
    return utc.replace(tzinfo=UTC).timestamp()
