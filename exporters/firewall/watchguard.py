"""WatchGuard Firebox over SNMP (checked against the MIBs, not against a device).

Objects (enterprise 3097):
- WATCHGUARD-INFO-SYSTEM-MIB (wgInfoModule 1.3.6.1.4.1.3097.6): wgInfoGavService .1.3
  and wgInfoIpsService .1.4, each "Version and update time of Gateway Antivirus /
  Intrusion Prevention Service" as free text (at most 64 octets; the MIB does not fix a
  format);
- WATCHGUARD-SYSTEM-STATISTICS-MIB: wgSoftwareVersion 1.3.6.1.4.1.3097.6.3.1, which packs
  versions as `<sysa:...>` markers (`sysa` is the running Fireware version).
WATCHGUARD-SYSTEM-CONFIG-MIB (.3097.2) holds only the alarm trap objects; no feature-key
expiry object was found in the WatchGuard MIBs, so licences are not read from WatchGuard
(the certs exporter's dated `expires:` items remain the way to watch them).

From each service text the first version-like token is the version and a date in it
(ISO `2024-01-31 10:00` or ctime) the update time; without a date the exporter tracks
when it first saw the version.
"""

from __future__ import annotations

import re
from zoneinfo import ZoneInfo

from exporters.core.snmp.values import Decoder, Values
from exporters.firewall.dates import parse_local
from exporters.firewall.mib import SYSTEM, MibSpec
from exporters.firewall.reading import Reading, Signature

ENTERPRISE = "1.3.6.1.4.1.3097"
SCALARS = {
    **SYSTEM,
    "gav": "1.3.6.1.4.1.3097.6.1.3.0",
    "ips": "1.3.6.1.4.1.3097.6.1.4.0",
    "software": "1.3.6.1.4.1.3097.6.3.1.0",
}
_SYSA = re.compile(r"<sysa:([^>]+)>")
_VERSION = re.compile(r"\b(\d+(?:\.\d+)+)\b")
_ISO_IN_TEXT = re.compile(r"\d{4}-\d{1,2}-\d{1,2}(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?")
_CTIME_IN_TEXT = re.compile(r"[A-Za-z]{3}\s+[A-Za-z]{3}\s+\d{1,2}\s+\d{1,2}:\d{2}:\d{2}\s+\d{4}")


def tables(scalars: Values) -> dict[str, int]:
    return {}


def service(raw: str, zone: ZoneInfo) -> tuple[str | None, float | None]:
    """(version, update time) from a service text; either may be None."""
    stamp = None
    for pattern in (_ISO_IN_TEXT, _CTIME_IN_TEXT):
        match = pattern.search(raw)
        if match:
            when = parse_local(match.group(0), zone)
            if when is not None:
                stamp = when.timestamp()
                raw = raw.replace(match.group(0), " ")
                break
    version = _VERSION.search(raw)
    return (version.group(1) if version else None), stamp


def parse(scalars: Values, table: Values, zone: ZoneInfo) -> Reading:
    reading = Reading(vendor="watchguard")
    d = Decoder(scalars, reading.problems)
    software = d.text("software")
    sysa = _SYSA.search(software)
    reading.firmware = (sysa.group(1) if sysa else software)[:64]
    reading.model = d.text("sysDescr")[:64]
    for key, engine in (("gav", "antivirus"), ("ips", "ips")):
        raw = d.text(key)
        if not raw:
            continue
        version, stamp = service(raw, zone)
        if version is None and stamp is None:
            reading.problems.append(f"wgInfo{key.capitalize()}Service: no version or date")
            continue
        reading.signatures.append(Signature(engine, version, stamp))
    return reading


SPEC = MibSpec("watchguard", ENTERPRISE, SCALARS, tables, parse)
