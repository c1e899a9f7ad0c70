"""Inventory and expiries from the facts query (last value of each series in the period)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from exporters.report.backups import job_name
from exporters.report.model import Expiry, Fact
from exporters.report.queries import EXPIRY_FACTS, TAG

HORIZON_DAYS = 90


def _value(series: dict[str, Any]) -> float | None:
    try:
        return float(series["value"][1])
    except (KeyError, TypeError, ValueError, IndexError):
        return None


def by_key(result: Sequence[dict[str, Any]]) -> dict[str, list[tuple[dict[str, str], float]]]:
    out: dict[str, list[tuple[dict[str, str], float]]] = {}
    for series in result:
        labels = {str(k): str(v) for k, v in (series.get("metric") or {}).items()}
        value = _value(series)
        if value is None:
            continue
        out.setdefault(labels.get(TAG, ""), []).append((labels, value))
    return out


def expiry_name(kind: str, labels: dict[str, str]) -> str:
    if kind == "cert":
        return labels.get("subject_cn") or labels.get("description") or labels.get("source", "?")
    if kind in ("ti_card", "ti_cert"):
        parts = [labels.get("card_type", ""), labels.get("holder") or labels.get("subject", "")]
        iccsn = labels.get("iccsn")
        name = " ".join(p for p in parts if p)
        return f"{name} ({iccsn})" if iccsn else name
    if kind == "ti_kim_cert":
        return f"KIM {labels.get('service', '')}".strip()
    if kind == "firewall_licence":
        return labels.get("module") or labels.get("vendor_module") or "?"
    return labels.get("target", "?")


def expiries(facts: dict[str, list[tuple[dict[str, str], float]]], as_of: float) -> list[Expiry]:
    """Everything that ends within HORIZON_DAYS after `as_of` or has ended, soonest first."""
    seen: set[tuple[str, str, str, float]] = set()
    out: list[Expiry] = []
    for kind in EXPIRY_FACTS:
        for labels, at in facts.get(kind, []):
            if at > as_of + HORIZON_DAYS * 86400:
                continue
            name = expiry_name(kind, labels)
            key = (kind, name, labels.get("target", ""), at)
            if key in seen:
                continue
            seen.add(key)
            days = int((at - as_of) // 86400)
            out.append(Expiry(kind, name, labels.get("target", ""), at, days))
    out.sort(key=lambda e: (e.at, e.kind, e.name))
    return out


def inventory(facts: dict[str, list[tuple[dict[str, str], float]]]) -> list[Fact]:
    """Facts only, in a fixed order; label values are shown as the exporters wrote them."""
    out: list[Fact] = []

    def each(key: str) -> list[tuple[dict[str, str], float]]:
        return sorted(facts.get(key, []), key=lambda lv: sorted(lv[0].items()))

    for labels, _ in each("ti_connector"):
        desc = " ".join(
            x for x in (labels.get("vendor"), labels.get("product")) if x
        ) or labels.get("target", "?")
        out.append(Fact("ti", "connector", f"{desc}; FW {labels.get('fw_version', '?')}"))
    for labels, value in each("ti_terminal"):
        name = labels.get("name") or labels.get("ct_id", "?")
        out.append(Fact("ti", "terminal", f"{name} ({labels.get('ct_id', '')})", "text"))
        out.append(Fact("ti", "terminal_connected", str(int(value)), "flag"))
    for labels, value in each("ti_card"):
        out.append(Fact("ti", "card", expiry_name("ti_card", labels)))
        out.append(Fact("ti", "card_expiry", str(value), "date"))
    for labels, _ in each("ups"):
        desc = " ".join(x for x in (labels.get("vendor"), labels.get("model")) if x) or "?"
        fw = labels.get("firmware")
        out.append(Fact("ups", "ups_model", f"{desc}; FW {fw}" if fw else desc))
        if labels.get("serial"):
            out.append(Fact("ups", "serial", labels["serial"]))
    for _, value in each("ups_battery_replaced"):
        out.append(Fact("ups", "battery_replaced", str(value), "timestamp"))
    if facts.get("ups") and not facts.get("ups_battery_replaced"):
        out.append(Fact("ups", "battery_replaced", "", "not_reported"))
    for _, value in each("ups_replace"):
        out.append(Fact("ups", "battery_replace_needed", str(int(value)), "flag"))
    for _, value in each("ups_self_test"):
        out.append(Fact("ups", "self_test", str(value), "timestamp"))
    for labels, _ in each("ups_self_test_result"):
        out.append(Fact("ups", "self_test_result", labels.get("result", "?")))
    for labels, _ in each("firebird"):
        out.append(
            Fact(
                "database",
                "firebird",
                f"Firebird {labels.get('version', '?')} (ODS {labels.get('ods', '?')}), "
                f"{labels.get('database', '')}",
            )
        )
    for _, value in each("firebird_size"):
        out.append(Fact("database", "size", str(value), "bytes"))
    for _, value in each("firebird_forced_writes"):
        out.append(Fact("database", "forced_writes", str(int(value)), "flag"))
    for labels, _ in each("mssql"):
        out.append(
            Fact(
                "database",
                "mssql",
                f"SQL Server {labels.get('version', '?')} {labels.get('edition', '')}".strip(),
            )
        )
    for labels, value in each("mssql_size"):
        out.append(Fact("database", f"size:{labels.get('database', '?')}", str(value), "bytes"))
    last_success = {job_name(lb): v for lb, v in facts.get("backup_last_success", [])}
    for labels, value in each("backup_job"):
        job = job_name(labels)
        out.append(Fact("backup", "job", job))
        out.append(Fact("backup", "max_age", str(value), "seconds"))
        if job in last_success:
            out.append(Fact("backup", "last_success", str(last_success[job]), "timestamp"))
    certs = facts.get("cert", [])
    if certs:
        names = {expiry_name("cert", lb) for lb, _ in certs}
        out.append(Fact("certs", "count", str(len(names))))
    for labels, _ in each("firewall"):
        desc = " ".join(x for x in (labels.get("vendor"), labels.get("model")) if x) or "?"
        out.append(Fact("firewall", "firewall", f"{desc}; FW {labels.get('firmware', '?')}"))
    for labels, _ in each("server_os"):
        desc = " ".join(x for x in (labels.get("product"), labels.get("version")) if x) or "?"
        out.append(Fact("server", "os", desc))
    return out
