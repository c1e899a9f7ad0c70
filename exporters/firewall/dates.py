"""Dates as firewalls write them, parsed without guessing.

Each vendor has its own format, none with a time zone except epoch seconds:
- FortiGate SNMP (`fgLicContractExpiry`): C `ctime()` text, `Wed Sep 16 01:00:00 2026`,
  `Mon Feb  3 02:00:00 2025` (day padded with a space);
- FortiGate signature versions (`fgSysVersionAv`): `27.00768(2015-09-01 15:10)`;
- Sophos SFOS (`sfos...LicExpiryDate`): `%b %d %Y` (`Nov 10 2021`), `fail` when not
  subscribed, `Dec 31 2999` for a perpetual licence;
- OPNsense (`modified_local` of an IDS ruleset): PHP `date('Y/m/d G:i')`.

Times without a zone are the firewall's local time (`timezone` in the target's config).
A licence whose expiry lies at or beyond `PERPETUAL_YEAR` is a perpetual licence (vendors
write a far-future sentinel such as 2999-12-31 rather than "never").
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from zoneinfo import ZoneInfo

PERPETUAL_YEAR = 2099
_MONTHS = {
    m: i
    for i, m in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1
    )
}
_CTIME = re.compile(
    r"^(?:[A-Za-z]{3}\s+)?([A-Za-z]{3})\s+(\d{1,2})\s+(\d{1,2}):(\d{2}):(\d{2})\s+(\d{4})$"
)
_MON_DAY_YEAR = re.compile(r"^([A-Za-z]{3})\s+(\d{1,2}),?\s+(\d{4})$")
_ISO = re.compile(r"^(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$")
_VERSION_WITH_DATE = re.compile(r"^\s*([0-9][0-9A-Za-z.\-_]*)\s*\(([^)]*)\)\s*$")


@dataclass(frozen=True)
class Expiry:
    """A parsed licence end: a Unix time, or perpetual (then `timestamp` is None)."""

    timestamp: float | None
    perpetual: bool = False


def _build(
    year: int, month: int, day: int, hour: int, minute: int, second: int, zone: ZoneInfo
) -> dt.datetime | None:
    try:
        return dt.datetime(year, month, day, hour, minute, second, tzinfo=zone)
    except ValueError:
        return None


def parse_local(text: str, zone: ZoneInfo) -> dt.datetime | None:
    """One of the vendors' zone-less date formats in `zone`; None if it is none of them."""
    text = " ".join(text.split())
    if not text or len(text) > 64:
        return None
    match = _CTIME.match(text)
    if match:
        mon, day, hh, mm, ss, year = match.groups()
        month = _MONTHS.get(mon.lower())
        if month is None:
            return None
        return _build(int(year), month, int(day), int(hh), int(mm), int(ss), zone)
    match = _MON_DAY_YEAR.match(text)
    if match:
        mon, day, year = match.groups()
        month = _MONTHS.get(mon.lower())
        if month is None:
            return None
        return _build(int(year), month, int(day), 0, 0, 0, zone)
    match = _ISO.match(text)
    if match:
        y, mo, d, hh, mi, ss = match.groups()
        return _build(int(y), int(mo), int(d), int(hh or 0), int(mi or 0), int(ss or 0), zone)
    return None


def parse_expiry(text: str, zone: ZoneInfo) -> Expiry | None:
    """A licence end date; None if the text is not a date (the caller logs it)."""
    when = parse_local(text, zone)
    if when is None:
        return None
    if when.year >= PERPETUAL_YEAR:
        return Expiry(None, perpetual=True)
    return Expiry(when.timestamp())


def expiry_from_epoch(value: object) -> Expiry | None:
    """Epoch seconds as a REST API gives them (0 or negative means none)."""
    if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
        return None
    if value >= dt.datetime(PERPETUAL_YEAR, 1, 1, tzinfo=dt.UTC).timestamp():
        return Expiry(None, perpetual=True)
    return Expiry(float(value))


def split_version(text: str, zone: ZoneInfo) -> tuple[str, float | None]:
    """`27.00768(2015-09-01 15:10)` -> ('27.00768', Unix time); a bare version -> (it, None)."""
    text = text.strip()
    match = _VERSION_WITH_DATE.match(text)
    if not match:
        return text, None
    version, when = match.groups()
    parsed = parse_local(when, zone)
    return version, parsed.timestamp() if parsed else None


def version_key(version: str) -> tuple[int, ...] | None:
    """Numeric parts of a version for ordering (`92.07583` -> (92, 7583)); None if none."""
    parts = re.findall(r"\d+", version)
    return tuple(int(p) for p in parts) if parts else None
