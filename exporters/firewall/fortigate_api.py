"""FortiGate REST monitor API: `GET /api/v2/monitor/license/status/select/`.

The answer (FortiOS 6/7) is the monitor envelope `http_method`, `results`, `vdom`, `path`,
`name`, `action`, `status` ("success"), `serial`, `version`, `build`; `results` maps each
licensed service (`forticare`, `fortiguard`, `antivirus`, `ips`, `appctrl`,
`web_filtering`, `antispam`, `vdom`, `sms`, ...) to an object with `type`, `status`
(`licensed`, `expired`, `no_license`, ...), and where it applies `expires` and
`last_update` as Unix seconds and `version` of the signature package. Preferred over SNMP
where both exist (the API gives the update time as a number).
"""

from __future__ import annotations

from typing import Any

from exporters.firewall.dates import expiry_from_epoch
from exporters.firewall.mib import slug
from exporters.firewall.reading import Licence, Reading, Signature

PATH = "/api/v2/monitor/license/status/select/"
_MODULES = {
    "antivirus": "antivirus",
    "ips": "ips",
    "appctrl": "app_control",
    "web_filtering": "web_filter",
    "antispam": "email",
    "forticare": "support",
    "fortiguard": "fortiguard",
    "fortisandbox": "sandbox",
    "sandbox": "sandbox",
    "industrial_db": "industrial_db",
}
_SIGNATURE_ENGINES = {"antivirus": "antivirus", "ips": "ips", "appctrl": "app_control"}
_STATUS = {
    "licensed": "licensed",
    "registered": "licensed",
    "valid": "licensed",
    "expired": "expired",
    "no_license": "not_licensed",
    "not_licensed": "not_licensed",
    "unlicensed": "not_licensed",
    "disabled": "not_licensed",
}


class ApiAnswerError(ValueError):
    """The JSON does not have the documented shape."""


def parse(doc: Any) -> Reading:
    if not isinstance(doc, dict) or not isinstance(doc.get("results"), dict):
        raise ApiAnswerError("no `results` object in the licence status answer")
    if doc.get("status") not in (None, "success"):
        raise ApiAnswerError(f"the API answered status {str(doc.get('status'))[:40]!r}")
    reading = Reading(vendor="fortigate")
    reading.serial = str(doc.get("serial") or "")[:64]
    reading.firmware = str(doc.get("version") or "")[:64]
    for key, entry in sorted(doc["results"].items()):
        if not isinstance(key, str) or not isinstance(entry, dict) or "status" not in entry:
            continue  # platform counters such as `vdom` (used/max) carry no licence
        status = str(entry.get("status"))
        lic = Licence(_MODULES.get(key, slug(key)), key, _STATUS.get(status, "unknown"))
        if "expires" in entry:
            lic.expiry = expiry_from_epoch(entry["expires"])
            if lic.expiry is None and entry["expires"] not in (0, None):
                reading.problems.append(f"{key}.expires: not epoch seconds")
        reading.licences.append(lic)
        engine = _SIGNATURE_ENGINES.get(key)
        if engine is not None and ("version" in entry or "last_update" in entry):
            updated = expiry_from_epoch(entry.get("last_update"))
            version = entry.get("version")
            reading.signatures.append(
                Signature(
                    engine,
                    str(version)[:64] if isinstance(version, str | int | float) else None,
                    updated.timestamp if updated is not None else None,
                )
            )
    return reading
