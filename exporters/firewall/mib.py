"""What every SNMP vendor module provides: its scalars, its table columns and a parser."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from exporters.core.snmp.values import SnmpValue, Values
from exporters.firewall.reading import Reading

SYS_DESCR = "1.3.6.1.2.1.1.1.0"
SYS_OBJECT_ID = "1.3.6.1.2.1.1.2.0"
SYSTEM = {"sysDescr": SYS_DESCR, "sysObjectID": SYS_OBJECT_ID}
MAX_ROWS = 64
"""Upper bound on rows read per table (licences, tunnels and links of a practice firewall)."""


@dataclass(frozen=True)
class MibSpec:
    """One vendor MIB: `parse(scalars by key, table cells by OID, zone)` -> Reading."""

    vendor: str
    enterprise: str
    """sysObjectID prefix of the vendor's devices (for `vendor: auto`)."""
    scalars: Mapping[str, str]
    tables: Callable[[Values], dict[str, int]]
    parse: Callable[[Values, Values, ZoneInfo], Reading]

    def oids(self) -> list[str]:
        return list(self.scalars.values())

    def keyed(self, answer: Values) -> dict[str, SnmpValue]:
        return {key: answer[oid] for key, oid in self.scalars.items() if oid in answer}


def rows(value: object, default: int = 0) -> int:
    """A row count from a scalar (`default` if absent or not a sane number)."""
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return min(value, MAX_ROWS)
    return default


def text(value: SnmpValue | None) -> str:
    """A printable string from a cell ('' if absent or not text)."""
    if not isinstance(value, bytes):
        return ""
    decoded = value.decode("utf-8", errors="replace")
    return "".join(ch for ch in decoded if ch.isprintable()).strip()[:256]


def slug(name: str) -> str:
    """A vendor's module name as a label-friendly word (`IPS & App Control` -> ips_app_control)."""
    return re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")[:64] or "unnamed"


_MODULES = (
    ("sandbox", "sandbox"),
    ("antivirus", "antivirus"),
    ("anti-virus", "antivirus"),
    ("virus", "antivirus"),
    ("intrusion", "ips"),
    ("ips", "ips"),
    ("network protection", "ips"),
    ("application", "app_control"),
    ("appctrl", "app_control"),
    ("web filter", "web_filter"),
    ("webfilter", "web_filter"),
    ("web_filter", "web_filter"),
    ("web protection", "web_filter"),
    ("web server", "waf"),
    ("mail", "email"),
    ("spam", "email"),
    ("support", "support"),
    ("forticare", "support"),
    ("base firewall", "base"),
)


def neutral_module(vendor_name: str) -> str:
    """The vendor-neutral module of a licence name; a slug of the name if none fits."""
    lower = vendor_name.lower().replace("_", " ")
    for word, module in _MODULES:
        if word.replace("_", " ") in lower:
            return module
    return slug(vendor_name)


def update_result(text_value: str) -> str | None:
    """What a device wrote about its last update attempt, as a neutral result."""
    lower = text_value.lower().strip()
    if not lower or lower in ("n/a", "-", "none"):
        return None
    if any(w in lower for w in ("unauthori", "not authori", "not licensed", "no license")):
        return "not_authorized"
    if any(w in lower for w in ("connect", "timeout", "timed out", "unreachable", "dns")):
        return "connection_failed"
    if any(
        w in lower
        for w in ("success", "succeed", "updated", "no update", "up to date", "up-to-date")
    ):
        return "success"
    if any(w in lower for w in ("fail", "error")):
        return "failed"
    return "unknown"
