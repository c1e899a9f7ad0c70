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


def _target(labels: dict[str, str]) -> str:
    return labels.get("target") or labels.get("instance", "")


def inventory(facts: dict[str, list[tuple[dict[str, str], float]]]) -> list[Fact]:
    """Facts only, per group and target, in a fixed order; label values are shown as the
    exporters wrote them."""
    out: list[Fact] = []

    def each(key: str) -> list[tuple[dict[str, str], float]]:
        return sorted(facts.get(key, []), key=lambda lv: sorted(lv[0].items()))

    def add(group: str, item: str, value: str, kind: str, labels: dict[str, str]) -> None:
        out.append(Fact(group, item, value, kind, _target(labels)))

    for labels, _ in each("ti_connector"):
        desc = " ".join(x for x in (labels.get("vendor"), labels.get("product")) if x) or "?"
        add("ti", "connector", f"{desc}; FW {labels.get('fw_version', '?')}", "text", labels)
    for labels, value in each("ti_terminal"):
        name = labels.get("name") or labels.get("ct_id", "?")
        add("ti", "terminal", f"{name} ({labels.get('ct_id', '')})", "text", labels)
        add("ti", "terminal_connected", str(int(value)), "flag", labels)
    for labels, value in each("ti_card"):
        add("ti", "card", expiry_name("ti_card", labels), "text", labels)
        add("ti", "card_expiry", str(value), "date", labels)
    replaced = {_target(lb): v for lb, v in facts.get("ups_battery_replaced", [])}
    replace = {_target(lb): v for lb, v in facts.get("ups_replace", [])}
    self_test = {_target(lb): v for lb, v in facts.get("ups_self_test", [])}
    result = {_target(lb): lb.get("result", "?") for lb, _ in facts.get("ups_self_test_result", [])}
    for labels, _ in each("ups"):
        target = _target(labels)
        desc = " ".join(x for x in (labels.get("vendor"), labels.get("model")) if x) or "?"
        fw = labels.get("firmware")
        add("ups", "ups_model", f"{desc}; FW {fw}" if fw else desc, "text", labels)
        if labels.get("serial"):
            add("ups", "serial", labels["serial"], "text", labels)
        if target in replaced:
            add("ups", "battery_replaced", str(replaced[target]), "timestamp", labels)
        else:
            add("ups", "battery_replaced", "", "not_reported", labels)
        if target in replace:
            add("ups", "battery_replace_needed", str(int(replace[target])), "flag", labels)
        if target in self_test:
            add("ups", "self_test", str(self_test[target]), "timestamp", labels)
        if target in result:
            add("ups", "self_test_result", result[target], "text", labels)
    sizes = {_target(lb): v for lb, v in facts.get("firebird_size", [])}
    forced = {_target(lb): v for lb, v in facts.get("firebird_forced_writes", [])}
    for labels, _ in each("firebird"):
        target = _target(labels)
        text = (
            f"Firebird {labels.get('version', '?')} (ODS {labels.get('ods', '?')}), "
            f"{labels.get('database', '')}"
        )
        add("database", "firebird", text, "text", labels)
        if target in sizes:
            add("database", "size", str(sizes[target]), "bytes", labels)
        if target in forced:
            add("database", "forced_writes", str(int(forced[target])), "flag", labels)
    for labels, _ in each("mssql"):
        text = f"SQL Server {labels.get('version', '?')} {labels.get('edition', '')}".strip()
        add("database", "mssql", text, "text", labels)
    for labels, value in each("mssql_size"):
        add("database", f"size:{labels.get('database', '?')}", str(value), "bytes", labels)
    last_success = {job_name(lb): v for lb, v in facts.get("backup_last_success", [])}
    for labels, value in each("backup_job"):
        job = job_name(labels)
        add("backup", "job", job, "text", labels)
        add("backup", "max_age", str(value), "seconds", labels)
        if job in last_success:
            add("backup", "last_success", str(last_success[job]), "timestamp", labels)
    certs = facts.get("cert", [])
    if certs:
        names = {expiry_name("cert", lb) for lb, _ in certs}
        out.append(Fact("certs", "count", str(len(names))))
    for labels, _ in each("firewall"):
        desc = " ".join(x for x in (labels.get("vendor"), labels.get("model")) if x) or "?"
        add("firewall", "firewall", f"{desc}; FW {labels.get('firmware', '?')}", "text", labels)
    for labels, _ in each("server_os"):
        desc = " ".join(x for x in (labels.get("product"), labels.get("version")) if x) or "?"
        add("server", "os", desc, "text", labels)
    return out
