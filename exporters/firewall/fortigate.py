"""FortiGate over SNMP: FORTINET-FORTIGATE-MIB and FORTINET-CORE-MIB.

Objects (FORTINET-FORTIGATE-MIB, enterprise 12356, fnFortiGateMib = .101):
- fgSysVersion .101.4.1.1 (`v7.2.8,build1639,240313 (GA.M)`), fnSysSerial .100.1.1.1;
- fgSysVersionAv .101.4.2.1, fgSysVersionIps .101.4.2.2: `27.00768(2015-09-01 15:10)`,
  the package version and the time FortiGuard stamped on it;
- fgLicContractTable .101.4.6.3.1.2.1: fgLicContractDesc .1, fgLicContractExpiry .2
  (ctime text, e.g. `Wed Sep 16 01:00:00 2026`), count fgLicContractCount .101.4.6.3.1.1;
- fgLicVersionTable .101.4.6.3.2.2.1 (FortiOS 7): Desc .1, Expiry .2, Number .3,
  UpdTime .4, UpdMethod .5, TryTime .6, TryResult .7; count fgLicVersionCount .101.4.6.3.2.1;
- fgHaSystemMode .101.13.1.1 (standalone 1, activeActive 2, activePassive 3);
  fgHaStatsTable .101.13.2.1.1: fgHaStatsSerial .2, fgHaStatsSyncStatus .12
  (unsynchronized 0, synchronized 1), fgHaStatsMasterSerial .16;
- fgVpnTunTable .101.12.2.2.1: fgVpnTunEntPhase1Name .2, fgVpnTunEntPhase2Name .3,
  fgVpnTunEntStatus .20 (down 1, up 2);
- fgLinkMonitorTable .101.4.8.2.1: fgLinkMonitorName .2, fgLinkMonitorState .3 (alive 0,
  dead 1), count fgLinkMonitorNumber .101.4.8.1.
Model: ENTITY-MIB entPhysicalModelName.1 (the chassis).
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from exporters.core.snmp.values import Decoder, Values, column
from exporters.firewall.dates import parse_expiry, parse_local, split_version, version_key
from exporters.firewall.mib import (
    MAX_ROWS,
    SYSTEM,
    MibSpec,
    neutral_module,
    rows,
    text,
    update_result,
)
from exporters.firewall.reading import Ha, Licence, Reading, Signature

ENTERPRISE = "1.3.6.1.4.1.12356.101.1"
BASE = "1.3.6.1.4.1.12356.101"
SCALARS = {
    **SYSTEM,
    "model": "1.3.6.1.2.1.47.1.1.1.1.13.1",
    "serial": "1.3.6.1.4.1.12356.100.1.1.1.0",
    "version": f"{BASE}.4.1.1.0",
    "av": f"{BASE}.4.2.1.0",
    "ips": f"{BASE}.4.2.2.0",
    "contracts": f"{BASE}.4.6.3.1.1.0",
    "packages": f"{BASE}.4.6.3.2.1.0",
    "links": f"{BASE}.4.8.1.0",
    "ha_mode": f"{BASE}.13.1.1.0",
}
CONTRACT_DESC = f"{BASE}.4.6.3.1.2.1.1"
CONTRACT_EXPIRY = f"{BASE}.4.6.3.1.2.1.2"
PKG = f"{BASE}.4.6.3.2.2.1"
PKG_DESC, PKG_NUMBER, PKG_UPDATED, PKG_RESULT = (f"{PKG}.1", f"{PKG}.3", f"{PKG}.4", f"{PKG}.7")
HA_SERIAL = f"{BASE}.13.2.1.1.2"
HA_SYNC = f"{BASE}.13.2.1.1.12"
HA_MASTER = f"{BASE}.13.2.1.1.16"
VPN_P1 = f"{BASE}.12.2.2.1.2"
VPN_P2 = f"{BASE}.12.2.2.1.3"
VPN_STATUS = f"{BASE}.12.2.2.1.20"
LINK_NAME = f"{BASE}.4.8.2.1.2"
LINK_STATE = f"{BASE}.4.8.2.1.3"
HA_ROWS = 8
_HA_MODES = {1: "standalone", 2: "active_active", 3: "active_passive"}
_ENGINES = (
    ("virus def", "antivirus"),
    ("attack def", "ips"),
    ("application def", "app_control"),
)


def tables(scalars: Values) -> dict[str, int]:
    contracts = rows(scalars.get("contracts"), MAX_ROWS)
    packages = rows(scalars.get("packages"), MAX_ROWS)
    links = rows(scalars.get("links"), MAX_ROWS)
    ha = HA_ROWS if scalars.get("ha_mode") in (2, 3) else 0
    return {
        CONTRACT_DESC: contracts,
        CONTRACT_EXPIRY: contracts,
        PKG_DESC: packages,
        PKG_NUMBER: packages,
        PKG_UPDATED: packages,
        PKG_RESULT: packages,
        HA_SERIAL: ha,
        HA_SYNC: ha,
        HA_MASTER: ha,
        VPN_P1: MAX_ROWS,
        VPN_P2: MAX_ROWS,
        VPN_STATUS: MAX_ROWS,
        LINK_NAME: links,
        LINK_STATE: links,
    }


def engine_of(description: str) -> str | None:
    """The neutral engine of a FortiGuard package row; None for packages not watched
    (scan engines change rarely and would look "outdated"; the many extra databases vary by
    model and licence)."""
    lower = description.lower()
    for word, engine in _ENGINES:
        if word in lower:
            return engine
    return None


def parse(scalars: Values, table: Values, zone: ZoneInfo) -> Reading:
    reading = Reading(vendor="fortigate")
    d = Decoder(scalars, reading.problems)
    reading.model = d.text("model")
    reading.serial = d.text("serial")
    reading.firmware = d.text("version").split(",", 1)[0].strip()
    _licences(table, zone, reading)
    _signatures(d, table, zone, reading)
    mode = d.enum("ha_mode", _HA_MODES, "unknown")
    if mode is not None:
        reading.ha = _ha(mode, table, reading.serial)
    _vpn(table, reading)
    for row, name in column(table, LINK_NAME).items():
        state = table.get(f"{LINK_STATE}.{row}")
        if text(name) and isinstance(state, int):
            reading.wan[text(name)] = state == 0
    return reading


def _licences(table: Values, zone: ZoneInfo, reading: Reading) -> None:
    for row, desc in column(table, CONTRACT_DESC).items():
        name = text(desc)
        if not name:
            continue
        raw = text(table.get(f"{CONTRACT_EXPIRY}.{row}"))
        lic = Licence(neutral_module(name), name, "licensed")
        if raw:
            lic.expiry = parse_expiry(raw, zone)
            if lic.expiry is None:
                lic.status = "unknown"
                reading.problems.append(f"fgLicContractExpiry.{row} ({name}): not a date")
        reading.licences.append(lic)


def _signatures(d: Decoder, table: Values, zone: ZoneInfo, reading: Reading) -> None:
    sigs: dict[str, Signature] = {}
    for key, engine in (("av", "antivirus"), ("ips", "ips")):
        raw = d.text(key)
        if not raw:
            continue
        version, stamped = split_version(raw, zone)
        if version_key(version) is None or not version[:1].isdigit():
            reading.problems.append(f"fgSysVersion{key.capitalize()}: not a version")
            continue
        sigs[engine] = Signature(engine, version, stamped)
    for row, desc in column(table, PKG_DESC).items():
        name = text(desc)
        if not name:
            continue
        watched = engine_of(name)
        if watched is None:
            continue
        sig = sigs.setdefault(watched, Signature(watched))
        number = text(table.get(f"{PKG_NUMBER}.{row}"))
        if number:
            sig.version = split_version(number, zone)[0] or sig.version
        updated = text(table.get(f"{PKG_UPDATED}.{row}"))
        if updated:
            when = parse_local(updated, zone)
            if when is None:
                reading.problems.append(f"fgLicVersionUpdTime.{row} ({name}): not a date")
            else:
                sig.updated = when.timestamp()
        result = update_result(text(table.get(f"{PKG_RESULT}.{row}")))
        if result is not None:
            sig.result = result
    reading.signatures = list(sigs.values())


def _ha(mode: str, table: Values, own_serial: str) -> Ha:
    ha = Ha(mode)
    if mode in ("standalone", "unknown"):
        ha.role = "standalone" if mode == "standalone" else None
        return ha
    syncs = [v for v in column(table, HA_SYNC).values() if isinstance(v, int)]
    ha.in_sync = bool(syncs) and all(v == 1 for v in syncs)
    masters = {text(v) for v in column(table, HA_MASTER).values() if text(v)}
    if own_serial and masters:
        ha.role = "primary" if own_serial in masters else "secondary"
    return ha


def _vpn(table: Values, reading: Reading) -> None:
    for row, status in column(table, VPN_STATUS).items():
        if not isinstance(status, int):
            continue
        name = text(table.get(f"{VPN_P1}.{row}")) or text(table.get(f"{VPN_P2}.{row}"))
        if name:
            # one row per phase 2; the (phase-1) tunnel is up if any of its phase 2s is
            reading.vpn[name] = reading.vpn.get(name, False) or status == 2


SPEC = MibSpec("fortigate", ENTERPRISE, SCALARS, tables, parse)
