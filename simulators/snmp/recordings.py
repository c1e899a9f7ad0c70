"""Writes the `.snmprec` recordings of APC and Eaton XUPS cards, written from their MIBs.

Each recording is a base device plus scenario overrides, so the scenarios differ from the
healthy device only where the scenario says. Run `python -m simulators.snmp.recordings` to
regenerate the committed files; the demo calls `write_all()` with today's self-test date.
Records typed `2:writecache|value=N` can be changed with an SNMP SET (e.g. snmpset).
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from pathlib import Path

HERE = Path(__file__).resolve().parent
APC = "1.3.6.1.4.1.318.1.1.1"
XUPS = "1.3.6.1.4.1.534.1"
UPS_MIB = "1.3.6.1.2.1.33.1"
SYS = "1.3.6.1.2.1.1"
Record = tuple[str, str]  # (snmprec type tag, value)


def _flags(*positions: int) -> str:
    """upsBasicStateOutputState: 64 '0'/'1' characters, position 1 first."""
    return "".join("1" if i + 1 in positions else "0" for i in range(64))


ONLINE_FLAGS = _flags(4, 6, 19)  # On Line, Serial Communication Established, On


def apc_smartups(test_date: str = "11/20/26") -> dict[str, Record]:
    """An APC Smart-UPS 1500 with an AP9630 card answering the full PowerNet-MIB."""
    return {
        f"{SYS}.1.0": ("4", "APC Web/SNMP Management Card (MB:v4.1.0 PF:v6.8.2 MN:AP9630)"),
        f"{SYS}.2.0": ("6", "1.3.6.1.4.1.318.1.3.27"),
        f"{SYS}.3.0": ("67", "123456789"),
        f"{SYS}.5.0": ("4", "praxis-ups"),
        f"{APC}.1.1.1.0": ("4", "Smart-UPS 1500"),
        f"{APC}.1.1.2.0": ("4", "praxis-ups"),
        f"{APC}.1.2.1.0": ("4", "UPS 09.3 (ID18)"),
        f"{APC}.1.2.2.0": ("4", "03/14/19"),
        f"{APC}.1.2.3.0": ("4", "AS1911123456"),
        f"{APC}.2.1.1.0": ("2:writecache", "value=2"),
        f"{APC}.2.1.2.0": ("67:writecache", "value=0"),
        f"{APC}.2.1.3.0": ("4", "03/14/19"),
        f"{APC}.2.2.1.0": ("66", "100"),
        f"{APC}.2.2.2.0": ("66", "27"),
        f"{APC}.2.2.3.0": ("67:writecache", "value=252000"),
        f"{APC}.2.2.4.0": ("2:writecache", "value=1"),
        f"{APC}.2.2.5.0": ("2", "1"),
        f"{APC}.2.2.6.0": ("2", "0"),
        f"{APC}.2.2.7.0": ("2", "24"),
        f"{APC}.2.2.8.0": ("2", "27"),
        f"{APC}.2.3.1.0": ("66", "1000"),
        f"{APC}.2.3.2.0": ("66", "271"),
        f"{APC}.2.3.3.0": ("2", "240"),
        f"{APC}.2.3.4.0": ("2", "273"),
        f"{APC}.3.2.1.0": ("66", "230"),
        f"{APC}.3.2.4.0": ("66", "50"),
        f"{APC}.3.3.1.0": ("66", "2312"),
        f"{APC}.3.2.5.0": ("2", "1"),  # upsAdvInputLineFailCause: noTransfer
        f"{APC}.3.3.4.0": ("66", "500"),
        f"{APC}.4.1.1.0": ("2:writecache", "value=2"),
        f"{APC}.4.2.1.0": ("66", "230"),
        f"{APC}.4.2.2.0": ("66", "50"),
        f"{APC}.4.2.3.0": ("66", "34"),
        f"{APC}.4.2.4.0": ("66", "3"),
        f"{APC}.4.2.8.0": ("66", "340"),  # upsAdvOutputActivePower (W)
        f"{APC}.4.3.1.0": ("66", "2300"),
        f"{APC}.4.3.2.0": ("66", "500"),
        f"{APC}.4.3.3.0": ("66", "342"),
        f"{APC}.4.3.4.0": ("66", "34"),  # upsHighPrecOutputCurrent (0.1 A)
        f"{APC}.7.2.3.0": ("2:writecache", "value=1"),
        f"{APC}.7.2.4.0": ("4", test_date),
        f"{APC}.11.1.1.0": ("4:writecache", f"value={ONLINE_FLAGS}"),
    }


def apc_high_precision_only() -> dict[str, Record]:
    """A card that answers only the identity and the high-precision (`upsHighPrec*`) group."""
    full = apc_smartups()
    keep = (f"{SYS}.", f"{APC}.1.1.1.0", f"{APC}.2.3.", f"{APC}.3.3.", f"{APC}.4.3.")
    return {oid: rec for oid, rec in full.items() if oid.startswith(keep)}


def eaton_xups(alarms: tuple[str, ...] = ()) -> dict[str, Record]:
    """An Eaton 9130 with a Network-MS card answering only XUPS-MIB (no RFC 1628)."""
    records: dict[str, Record] = {
        f"{SYS}.1.0": ("4", "Eaton 9130 3000 Network Management Card"),
        f"{SYS}.2.0": ("6", "1.3.6.1.4.1.534.1"),
        f"{SYS}.3.0": ("67", "98765432"),
        f"{XUPS}.1.1.0": ("4", "Eaton Corporation"),
        f"{XUPS}.1.2.0": ("4", "Eaton 9130 3000"),
        f"{XUPS}.1.3.0": ("4", "INV: 1.10 NET: 4.06"),
        f"{XUPS}.1.4.0": ("2", "0"),
        f"{XUPS}.2.1.0": ("2:writecache", "value=1980"),
        f"{XUPS}.2.2.0": ("2", "72"),
        f"{XUPS}.2.3.0": ("2", "0"),
        f"{XUPS}.2.4.0": ("2:writecache", "value=100"),
        f"{XUPS}.2.5.0": ("2:writecache", "value=4"),
        f"{XUPS}.3.1.0": ("2", "500"),
        f"{XUPS}.3.2.0": ("65", "3"),
        f"{XUPS}.3.3.0": ("2", "1"),
        f"{XUPS}.3.4.1.1.1": ("2", "1"),
        f"{XUPS}.3.4.1.2.1": ("2", "229"),
        f"{XUPS}.3.4.1.3.1": ("2", "4"),
        f"{XUPS}.3.4.1.4.1": ("2", "900"),
        f"{XUPS}.4.1.0": ("2", "37"),
        f"{XUPS}.4.2.0": ("2", "500"),
        f"{XUPS}.4.3.0": ("2", "1"),
        f"{XUPS}.4.4.1.1.1": ("2", "1"),
        f"{XUPS}.4.4.1.2.1": ("2", "230"),
        f"{XUPS}.4.4.1.3.1": ("2", "5"),
        f"{XUPS}.4.4.1.4.1": ("2", "1050"),
        f"{XUPS}.4.5.0": ("2:writecache", "value=3"),
        f"{XUPS}.6.1.0": ("2", "24"),
        f"{XUPS}.7.1.0": ("66", str(len(alarms))),
        f"{XUPS}.8.2.0": ("2:writecache", "value=2"),
        f"{XUPS}.10.5.0": ("4", "11/20/2026:10:18:32"),
    }
    for row, alarm_oid in enumerate(alarms, start=1):
        records[f"{XUPS}.7.2.1.1.{row}"] = ("2", str(row))
        records[f"{XUPS}.7.2.1.2.{row}"] = ("6", alarm_oid)
        records[f"{XUPS}.7.2.1.3.{row}"] = ("67", "98700000")
    return records


def rfc1628_card(
    vendor: str, model: str, minutes: int, line_counts: bool = True, sys_object_id: str = ""
) -> dict[str, Record]:
    """A single-phase UPS with a card answering only the UPS-MIB (RFC 1628).

    `line_counts=False` leaves out upsInputNumLines and upsOutputNumLines while the tables
    are there (the exporter then walks the columns, bounded).
    """
    records: dict[str, Record] = {
        f"{SYS}.1.0": ("4", f"{model} network card"),
        f"{SYS}.2.0": ("6", sys_object_id or "1.3.6.1.4.1.8072.3.2.10"),
        f"{SYS}.3.0": ("67", "5000000"),
        f"{UPS_MIB}.1.1.0": ("4", vendor),
        f"{UPS_MIB}.1.2.0": ("4", model),
        f"{UPS_MIB}.1.3.0": ("4", "02.14.0026"),
        f"{UPS_MIB}.2.1.0": ("2", "2"),
        f"{UPS_MIB}.2.2.0": ("2", "0"),
        f"{UPS_MIB}.2.3.0": ("2", str(minutes)),
        f"{UPS_MIB}.2.4.0": ("2", "100"),
        f"{UPS_MIB}.2.5.0": ("2", "2730"),
        f"{UPS_MIB}.2.7.0": ("2", "24"),
        f"{UPS_MIB}.3.1.0": ("65", "4"),  # upsInputLineBads
        f"{UPS_MIB}.3.2.0": ("2", "1"),
        f"{UPS_MIB}.3.3.1.1.1": ("2", "1"),
        f"{UPS_MIB}.3.3.1.2.1": ("2", "499"),  # 49.9 Hz
        f"{UPS_MIB}.3.3.1.3.1": ("2", "231"),
        f"{UPS_MIB}.4.1.0": ("2", "3"),
        f"{UPS_MIB}.4.2.0": ("2", "500"),
        f"{UPS_MIB}.4.3.0": ("2", "1"),
        f"{UPS_MIB}.4.4.1.1.1": ("2", "1"),
        f"{UPS_MIB}.4.4.1.2.1": ("2", "230"),
        f"{UPS_MIB}.4.4.1.3.1": ("2", "41"),  # 4.1 A
        f"{UPS_MIB}.4.4.1.4.1": ("2", "820"),  # W
        f"{UPS_MIB}.4.4.1.5.1": ("2", "38"),
        f"{UPS_MIB}.6.1.0": ("66", "0"),
        f"{UPS_MIB}.7.3.0": ("2", "1"),
    }
    if not line_counts:
        del records[f"{UPS_MIB}.3.2.0"], records[f"{UPS_MIB}.4.3.0"]
    return records


def _with(base: Mapping[str, Record], **changes: Record) -> dict[str, Record]:
    """`base` with records replaced; keys are the APC/XUPS-relative OID with '_' for '.'."""
    out = dict(base)
    for key, record in changes.items():
        prefix, _, rest = key.partition("_")
        root = {"apc": APC, "xups": XUPS}[prefix]
        out[f"{root}.{rest.replace('_', '.')}"] = record
    return out


def recordings(test_date: str = "11/20/26") -> dict[str, dict[str, Record]]:
    """Community (file name) -> records."""
    apc = apc_smartups(test_date)
    return {
        "apc-smartups": apc,
        "apc-hp-only": apc_high_precision_only(),
        "apc-on-battery": _with(
            apc,
            apc_4_1_1_0=("2", "3"),
            apc_2_1_2_0=("67", "12000"),
            apc_2_2_3_0=("67", "180000"),
            apc_2_3_1_0=("66", "850"),
            apc_11_1_1_0=("4", _flags(2, 6, 19)),
            apc_3_2_5_0=("2", "4"),  # blackout
        ),
        "apc-low-battery": _with(
            apc,
            apc_4_1_1_0=("2", "3"),
            apc_2_1_1_0=("2", "3"),
            apc_2_1_2_0=("67", "96000"),
            apc_2_2_3_0=("67", "12000"),
            apc_2_3_1_0=("66", "120"),
            apc_11_1_1_0=("4", _flags(2, 3, 6, 19, 30)),
        ),
        "apc-replace-battery": _with(
            apc, apc_2_2_4_0=("2", "2"), apc_11_1_1_0=("4", _flags(1, 4, 5, 6, 19))
        ),
        "apc-test-failed": _with(apc, apc_7_2_3_0=("2", "2"), apc_7_2_4_0=("4", "09/01/26")),
        "apc-garbage": _with(
            apc,
            apc_2_2_1_0=("4", "full"),
            apc_2_3_1_0=("4", "n/a"),
            apc_2_3_2_0=("66", "2550"),
            apc_2_2_2_0=("66", "255"),
            apc_2_2_3_0=("67", "4294967295"),
            apc_4_1_1_0=("4", "online"),
            apc_7_2_4_0=("4", "13/45/99"),
            apc_11_1_1_0=("6", "1.3.6.1.4.1.318"),
        ),
        "rfc1628-no-line-counts": rfc1628_card(
            "Generic", "UPS 3000 RT", minutes=47, line_counts=False
        ),
        # the Eaton 9PX reports upsEstimatedMinutesRemaining 999 (its display's maximum)
        "eaton-9px-999": rfc1628_card(
            "EATON", "Eaton 9PX 11KI RTN G2", minutes=999, sys_object_id="1.3.6.1.4.1.534.6.6.7"
        ),
        "eaton-xups": eaton_xups(),
        "eaton-xups-on-battery": _with(
            eaton_xups(alarms=(f"{XUPS}.7.3",)),
            xups_4_5_0=("2", "5"),
            xups_2_5_0=("2", "2"),
            xups_2_1_0=("2", "840"),
        ),
        "eaton-xups-alarms": eaton_xups(
            alarms=(f"{XUPS}.7.23", f"{XUPS}.7.25", f"{XUPS}.7.4", "1.3.6.1.4.1.534.1.7.99")
        ),
    }


def _oid_key(oid: str) -> tuple[int, ...]:
    return tuple(int(part) for part in oid.split("."))


def render(records: Mapping[str, Record]) -> str:
    """snmprec text, sorted by OID as snmpsim requires."""
    lines = [
        f"{oid}|{tag}|{value}"
        for oid, (tag, value) in sorted(records.items(), key=lambda item: _oid_key(item[0]))
    ]
    return "\n".join(lines) + "\n"


def write_all(directory: Path = HERE, test_date: str | None = None) -> list[Path]:
    """Write every recording into `directory`; returns the paths."""
    date = test_date or time.strftime("%m/%d/%y", time.gmtime())
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for community, records in recordings(date).items():
        path = directory / f"{community}.snmprec"
        path.write_text(render(records))
        written.append(path)
    return written


if __name__ == "__main__":
    for path in write_all(test_date="11/20/26"):
        print(path.relative_to(HERE.parent.parent))
