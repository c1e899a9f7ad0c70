"""Sophos Firewall (SFOS, XG/XGS) over SNMP: SFOS-FIREWALL-MIB (enterprise 2604).

Objects (sfosXGMIBObjects = 1.3.6.1.4.1.2604.5.1):
- sfosXGDeviceInfo .1: sfosDeviceName .1, sfosDeviceType .2 (model), sfosDeviceFWVersion .3,
  sfosDeviceAppKey .4 (appliance key, used as serial), sfosWebcatVersion .5,
  sfosIPSVersion .6;
- sfosXGHAStats .4: sfosHAStatus .1 (disabled 0, enabled 1), sfosDeviceCurrentHAState .4
  and sfosDevicePeerHAState .5 (HaState: notapplicable 0, auxiliary 1, standAlone 2,
  primary 3, faulty 4, ready 5), sfosDeviceHAConfigMode .6 (text);
- sfosXGLicenseDetails .5: per module N (1 base firewall, 2 network protection, 3 web
  protection, 4 mail protection, 5 web server protection, 6 sandstorm, 7 enhanced support,
  8 enhanced plus support, 9 central orchestration) `.N.1` ...LicRegStatus
  (SubscriptionStatusType: none 0, evaluating 1, notsubscribed 2, subscribed 3, expired 4,
  deactivated 5) and `.N.2` ...LicExpiryDate, text `%b %d %Y` (`Nov 10 2021`), `fail` when
  not subscribed, `Dec 31 2999` for a perpetual licence;
- sfosIPSecVpnTunnelTable .6.1.1.1: sfosIPSecVpnConnName .2, sfosIPSecVpnActiveTunnel .8
  (count of active tunnels; > 0 is up).
The MIB has no time of the last pattern update: the exporter tracks when it first saw each
IPS and web-category version (`firewall_signature_version_changed_timestamp_seconds`).
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from exporters.core.snmp.values import Decoder, Values, column
from exporters.firewall.dates import parse_expiry
from exporters.firewall.mib import MAX_ROWS, SYSTEM, MibSpec, text
from exporters.firewall.reading import Ha, Licence, Reading, Signature

ENTERPRISE = "1.3.6.1.4.1.2604"
BASE = "1.3.6.1.4.1.2604.5.1"
MODULES = {
    1: ("base", "BaseFW"),
    2: ("ips", "NetProtection"),
    3: ("web_filter", "WebProtection"),
    4: ("email", "MailProtection"),
    5: ("waf", "WebServerProtection"),
    6: ("sandbox", "Sandstorm"),
    7: ("support", "EnhancedSupport"),
    8: ("support", "EnhancedPlusSupport"),
    9: ("central_orchestration", "CentralOrchestration"),
}
SCALARS = {
    **SYSTEM,
    "name": f"{BASE}.1.1.0",
    "model": f"{BASE}.1.2.0",
    "firmware": f"{BASE}.1.3.0",
    "appkey": f"{BASE}.1.4.0",
    "webcat": f"{BASE}.1.5.0",
    "ips": f"{BASE}.1.6.0",
    "ha_status": f"{BASE}.4.1.0",
    "ha_state": f"{BASE}.4.4.0",
    "ha_peer": f"{BASE}.4.5.0",
    "ha_mode": f"{BASE}.4.6.0",
    **{f"lic{n}_status": f"{BASE}.5.{n}.1.0" for n in MODULES},
    **{f"lic{n}_expiry": f"{BASE}.5.{n}.2.0" for n in MODULES},
}
VPN_NAME = f"{BASE}.6.1.1.1.2"
VPN_ACTIVE = f"{BASE}.6.1.1.1.8"
_SUBSCRIPTION = {
    0: "unknown",
    1: "licensed",
    2: "not_licensed",
    3: "licensed",
    4: "expired",
    5: "not_licensed",
}
_ROLE = {1: "secondary", 2: "standalone", 3: "primary", 4: "faulty", 5: "secondary"}


def tables(scalars: Values) -> dict[str, int]:
    return {VPN_NAME: MAX_ROWS, VPN_ACTIVE: MAX_ROWS}


def parse(scalars: Values, table: Values, zone: ZoneInfo) -> Reading:
    reading = Reading(vendor="sophos")
    d = Decoder(scalars, reading.problems)
    reading.model = d.text("model")
    reading.firmware = d.text("firmware")
    reading.serial = d.text("appkey")
    for n, (module, vendor_module) in MODULES.items():
        status = d.enum(f"lic{n}_status", _SUBSCRIPTION, "unknown")
        if status is None:
            continue
        lic = Licence(module, vendor_module, status)
        raw = d.text(f"lic{n}_expiry")
        if raw and raw.lower() not in ("fail", "n/a", "-"):
            lic.expiry = parse_expiry(raw, zone)
            if lic.expiry is None:
                reading.problems.append(f"sfos{vendor_module}LicExpiryDate: not a date")
        reading.licences.append(lic)
    for key, engine in (("ips", "ips"), ("webcat", "web_filter")):
        version = d.text(key)
        if version:
            reading.signatures.append(Signature(engine, version[:64]))
    ha_status = d.number("ha_status")
    if ha_status is not None:
        reading.ha = _ha(d, ha_status)
    for row, name in column(table, VPN_NAME).items():
        active = table.get(f"{VPN_ACTIVE}.{row}")
        if text(name) and isinstance(active, int):
            reading.vpn[text(name)] = active > 0
    return reading


def _ha(d: Decoder, ha_status: int) -> Ha:
    if ha_status == 0:
        return Ha("standalone", role="standalone")
    mode_text = d.text("ha_mode").lower().replace(" ", "").replace("_", "-")
    if "active-active" in mode_text:
        mode = "active_active"
    elif "active-passive" in mode_text or "activepassive" in mode_text:
        mode = "active_passive"
    else:
        mode = "unknown"
    own, peer = d.number("ha_state"), d.number("ha_peer")
    ha = Ha(mode, role=_ROLE.get(own, "unknown") if own is not None else None)
    if own is not None and peer is not None:
        # the MIB has no sync flag: the pair counts as in sync while neither is faulty
        # and the peer is present
        ha.in_sync = own != 4 and peer not in (0, 4)
    return ha


SPEC = MibSpec("sophos", ENTERPRISE, SCALARS, tables, parse)
