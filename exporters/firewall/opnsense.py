"""OPNsense over its REST API (key and secret, HTTP basic auth), read-only GETs.

- `GET /api/core/firmware/status` (FirmwareController::statusAction): `product_version`
  (or `product.product_version`), `status` none/update/upgrade/error (older releases: ok,
  unknown), `status_msg`, `status_reboot` / `needs_reboot` / `upgrade_needs_reboot` ("0"/"1"),
  `updates` (count), `all_packages`, `connection`, `repository`, `last_check`. Never the POST
  `/api/core/firmware/check` that starts a check.
- `GET /api/ids/settings/listRulesets` (IDS SettingsController::listRulesetsAction): `rows` of
  `description`, `filename`, `enabled` ("0"/"1"), `modified_local` (`Y/m/d G:i`, local time,
  or null when never downloaded), plus `rowCount`, `total`, `current`.
- `GET /api/routes/gateway/status` (Routes GatewayController::statusAction): `items` of
  gateways with `name`, `address`, `status` (none = online, down, force_down, loss, delay,
  delay+loss), `status_translated`, `loss`, `delay`, `stddev`; `status` "ok".
OPNsense has no licences; the IDS ruleset downloads are the "signature" engine `ids`.
"""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from exporters.firewall.dates import parse_local
from exporters.firewall.reading import Reading, Signature

FIRMWARE = "/api/core/firmware/status"
RULESETS = "/api/ids/settings/listRulesets"
GATEWAYS = "/api/routes/gateway/status"
_GATEWAY_DOWN = {"down", "force_down"}


class ApiAnswerError(ValueError):
    """The JSON does not have the documented shape."""


def _flag(value: Any) -> bool:
    return str(value).strip() in ("1", "true", "True")


def firmware(doc: Any, reading: Reading) -> None:
    if not isinstance(doc, dict) or "status" not in doc:
        raise ApiAnswerError("no `status` in the firmware status answer")
    product: dict[str, Any] = doc["product"] if isinstance(doc.get("product"), dict) else {}
    reading.firmware = str(doc.get("product_version") or product.get("product_version") or "")
    reading.firmware = reading.firmware[:64]
    reading.model = str(product.get("product_name") or "OPNsense")[:64]
    status = str(doc.get("status"))
    if status in ("none", "update", "upgrade", "ok"):
        count = doc.get("updates")
        if isinstance(count, int | str) and str(count).isdigit():
            reading.updates_available = int(count)
        elif isinstance(doc.get("all_packages"), dict | list):
            reading.updates_available = len(doc["all_packages"])
        else:
            reading.updates_available = 0 if status == "none" else 1
        pending = reading.updates_available > 0
        reboot = _flag(doc.get("status_reboot")) or (
            _flag(doc.get("upgrade_needs_reboot")) if status == "upgrade" else False
        )
        if status in ("update", "ok") and not reboot:
            reboot = _flag(doc.get("needs_reboot"))
        reading.reboot_required = pending and reboot
    else:
        reading.problems.append(f"firmware status {status[:20]!r}: the last update check failed")


def rulesets(doc: Any, reading: Reading, zone: ZoneInfo) -> None:
    if not isinstance(doc, dict) or not isinstance(doc.get("rows"), list):
        raise ApiAnswerError("no `rows` list in the IDS ruleset answer")
    newest: float | None = None
    enabled = 0
    for row in doc["rows"]:
        if not isinstance(row, dict) or not _flag(row.get("enabled")):
            continue
        enabled += 1
        raw = row.get("modified_local")
        if not isinstance(raw, str) or not raw:
            continue
        when = parse_local(raw, zone)
        if when is None:
            reading.problems.append("IDS ruleset modified_local: not a date")
            continue
        newest = when.timestamp() if newest is None else max(newest, when.timestamp())
    if enabled:
        reading.signatures.append(Signature("ids", None, newest))


def gateways(doc: Any, reading: Reading) -> None:
    if not isinstance(doc, dict) or not isinstance(doc.get("items"), list | dict):
        raise ApiAnswerError("no `items` in the gateway status answer")
    items = doc["items"].values() if isinstance(doc["items"], dict) else doc["items"]
    for item in items:
        if isinstance(item, dict) and isinstance(item.get("name"), str):
            reading.wan[item["name"][:64]] = str(item.get("status")) not in _GATEWAY_DOWN
