"""UPS-specific conversions of SNMP values; the generic ones live in `exporters.core.snmp`."""

from __future__ import annotations

from exporters.core.snmp.values import Decoder, Oid, SnmpValue, Values, column

__all__ = ["Decoder", "Oid", "SnmpValue", "Values", "alarm_names", "column", "per_line", "ratio"]


def ratio(percent: float | None) -> float | None:
    return None if percent is None else percent / 100.0


def alarm_names(descriptions: Values, well_known: str, names: dict[int, str]) -> list[str]:
    """Alarm table rows (each an OID under `well_known`) -> alarm names."""
    out = []
    for value in descriptions.values():
        oid = str(value)
        last = oid.rsplit(".", 1)[-1]
        if oid.startswith(well_known + ".") and last.isdigit() and int(last) in names:
            out.append(names[int(last)])
        else:
            out.append("other")
    return out


def per_line(
    table: Values, prefix: str, factor: float, out: dict[str, float], problems: list[str]
) -> None:
    """One column of a per-line table into `out[line]`, skipping non-numbers."""
    for line, value in column(table, prefix).items():
        if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
            out[line] = value * factor
        else:
            problems.append(f"{prefix}.{line}: expected a number >= 0")
