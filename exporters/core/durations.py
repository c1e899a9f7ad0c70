"""Go-style durations (`10s`, `1m30s`, `26h`, `500ms`) as used in Prometheus configs."""

from __future__ import annotations

import math
import re
from typing import Annotated, Any

from exporters.core.model import BeforeValidator

_UNITS = {
    "ms": 0.001,
    "s": 1.0,
    "m": 60.0,
    "h": 3600.0,
    "d": 86400.0,
    "w": 604800.0,
    "y": 31536000.0,
}
_PART = re.compile(r"(\d+(?:\.\d+)?)(ms|s|m|h|d|w|y)")


def parse_duration(text: str) -> float:
    """Return the duration in seconds; raise ValueError on anything not a duration."""
    value = text.strip()
    if not value:
        raise ValueError("empty duration")
    pos = 0
    total = 0.0
    for match in _PART.finditer(value):
        if match.start() != pos:
            break
        total += float(match.group(1)) * _UNITS[match.group(2)]
        pos = match.end()
    if pos != len(value):
        raise ValueError(f"not a duration: {value!r} (use e.g. 30s, 5m, 26h, 7d)")
    if not math.isfinite(total):
        raise ValueError("a duration must be finite")
    return total


def _coerce(value: Any) -> float:
    if isinstance(value, bool):
        raise ValueError("a duration is a string like 30s or a number of seconds")
    if isinstance(value, int | float):
        try:
            number = float(value)
        except OverflowError:
            number = math.inf
        if not math.isfinite(number):
            raise ValueError("a duration must be finite")
        if number < 0:
            raise ValueError("a duration must not be negative")
        return number
    if isinstance(value, str):
        return parse_duration(value)
    raise ValueError("a duration is a string like 30s or a number of seconds")


Duration = Annotated[float, BeforeValidator(_coerce)]
"""A config field holding a duration; validated to seconds (float)."""


def format_duration(seconds: float) -> str:
    """Render seconds compactly for HELP texts and logs (e.g. 3600 -> '1h')."""
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size and seconds % size == 0:
            return f"{int(seconds // size)}{unit}"
    if seconds == int(seconds):
        return f"{int(seconds)}s"
    return f"{seconds:g}s"
