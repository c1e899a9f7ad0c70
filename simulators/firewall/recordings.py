"""Writes the firewall `.snmprec` recordings, each from its vendor's MIB.

Objects and their syntax come from FORTINET-FORTIGATE-MIB / FORTINET-CORE-MIB (FortiGate),
SFOS-FIREWALL-MIB (Sophos) and WATCHGUARD-INFO-SYSTEM-MIB / -SYSTEM-STATISTICS-MIB
(WatchGuard); see the docstrings of `exporters/firewall/{fortigate,sophos,watchguard}.py`
for the OIDs. `python -m simulators.firewall.recordings` regenerates the committed files in
`simulators/snmp/` (fixed dates: far past or far future, so tests do not age); the demo calls
`fortigate_story(now)` and `sophos_healthy(now)` for dates relative to today.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "snmp"
SYS = "1.3.6.1.2.1.1"
FG = "1.3.6.1.4.1.12356.101"
SFOS = "1.3.6.1.4.1.2604.5.1"
WG = "1.3.6.1.4.1.3097.6"
Record = tuple[str, str]  # (snmprec type tag, value)
Records = dict[str, Record]


def ctime(when: dt.datetime) -> str:
    """C ctime() text as FortiOS writes it: `Mon Feb  3 02:00:00 2025`."""
    return when.strftime("%a %b ") + f"{when.day:>2}" + when.strftime(" %H:%M:%S %Y")


def _system(descr: str, object_id: str, name: str) -> Records:
    return {
        f"{SYS}.1.0": ("4", descr),
        f"{SYS}.2.0": ("6", object_id),
        f"{SYS}.3.0": ("67", "123456789"),
        f"{SYS}.5.0": ("4", name),
    }


def fortigate(
    contracts: list[tuple[str, str]],
    packages: list[tuple[str, str, str, str]],
    av: str,
    ips: str,
    serial: str = "FGT60FTK21000001",
    ha_members: list[tuple[str, int]] | None = None,
    tunnels: list[tuple[str, str, int]] | None = None,
    links: list[tuple[str, int]] | None = None,
    version: str = "v7.2.8,build1639,240313 (GA.M)",
) -> Records:
    """A FortiGate 60F: contracts (desc, expiry), packages (desc, number, updtime, result)."""
    rec: Records = {
        **_system("fw-praxis", "1.3.6.1.4.1.12356.101.1.644", "fw-praxis"),
        "1.3.6.1.2.1.47.1.1.1.1.13.1": ("4", "FGT60F"),
        "1.3.6.1.4.1.12356.100.1.1.1.0": ("4", serial),
        f"{FG}.4.1.1.0": ("4", version),
        f"{FG}.4.2.1.0": ("4", av),
        f"{FG}.4.2.2.0": ("4", ips),
        f"{FG}.4.6.3.1.1.0": ("2", str(len(contracts))),
        f"{FG}.4.6.3.2.1.0": ("2", str(len(packages))),
    }
    for i, (desc, expiry) in enumerate(contracts, 1):
        rec[f"{FG}.4.6.3.1.2.1.1.{i}"] = ("4", desc)
        rec[f"{FG}.4.6.3.1.2.1.2.{i}"] = ("4", expiry)
    for i, (desc, number, updtime, result) in enumerate(packages, 1):
        rec[f"{FG}.4.6.3.2.2.1.1.{i}"] = ("4", desc)
        rec[f"{FG}.4.6.3.2.2.1.3.{i}"] = ("4", number)
        rec[f"{FG}.4.6.3.2.2.1.4.{i}"] = ("4", updtime)
        rec[f"{FG}.4.6.3.2.2.1.5.{i}"] = ("4", "Scheduled")
        if result:
            rec[f"{FG}.4.6.3.2.2.1.7.{i}"] = ("4", result)
    members = ha_members or []
    rec[f"{FG}.13.1.1.0"] = ("2", "3" if members else "1")
    for i, (member_serial, sync) in enumerate(members, 1):
        rec[f"{FG}.13.2.1.1.2.{i}"] = ("4", member_serial)
        rec[f"{FG}.13.2.1.1.12.{i}"] = ("2", str(sync))
        rec[f"{FG}.13.2.1.1.16.{i}"] = ("4", serial)
    for i, (p1, p2, status) in enumerate(tunnels or [], 1):
        rec[f"{FG}.12.2.2.1.2.{i}"] = ("4", p1)
        rec[f"{FG}.12.2.2.1.3.{i}"] = ("4", p2)
        rec[f"{FG}.12.2.2.1.20.{i}"] = ("2", str(status))
    rec[f"{FG}.4.8.1.0"] = ("2", str(len(links or [])))
    for i, (name, state) in enumerate(links or [], 1):
        rec[f"{FG}.4.8.2.1.2.{i}"] = ("4", name)
        rec[f"{FG}.4.8.2.1.3.{i}"] = ("2", str(state))
    return rec


def fortigate_lab() -> Records:
    """Fixed dates: AV contract expired in 2025, the rest valid to 2030; HA pair in sync;
    one tunnel up (one of two phase 2s), one down; wan1 alive, wan2 dead; one contract
    expiry that is not a date."""
    far = ctime(dt.datetime(2030, 9, 16, 1, 0))
    return fortigate(
        contracts=[
            ("FortiCare Support", far),
            ("Firmware & General Updates", far),
            ("IPS & Application Control", far),
            ("AntiVirus", "Mon Feb  3 02:00:00 2025"),
            ("Web Filtering", "Wed Sep 16 01:00:00 2026"),
            ("Email Filtering", "soon, we promise"),
        ],
        packages=[
            ("AV Engine", "7.00030", "Sat Feb  1 10:00:00 2025", "Update succeeded"),
            ("Virus Definitions", "92.01234", "Sat Feb  1 10:00:00 2025", "Failed: not authorized"),
            ("Attack Definitions", "27.00768", "Tue Jan  1 04:00:00 2030", "Update succeeded"),
        ],
        av="92.01234(2025-02-01 10:00)",
        ips="27.00768(2029-12-31 23:10)",
        ha_members=[("FGT60FTK21000001", 1), ("FGT60FTK21000002", 1)],
        tunnels=[
            ("zentrale", "zentrale-lan", 2),
            ("zentrale", "zentrale-voip", 1),
            ("labor", "labor", 1),
        ],
        links=[("wan1", 0), ("wan2", 1)],
    )


def fortigate_story(now: dt.datetime) -> Records:
    """The seed story: the AV licence ran out 90 days ago and the last AV signatures are 92
    days old; everything else is valid and fresh (IPS updated 3 hours ago, successfully)."""
    valid = ctime(now + dt.timedelta(days=400))
    old = now - dt.timedelta(days=92)
    fresh = now - dt.timedelta(hours=3)
    return fortigate(
        contracts=[
            ("FortiCare Support", valid),
            ("Firmware & General Updates", valid),
            ("IPS & Application Control", valid),
            ("AntiVirus", ctime(now - dt.timedelta(days=90))),
            ("Web Filtering", valid),
        ],
        packages=[("Attack Definitions", "27.00841", ctime(fresh), "Update succeeded")],
        av=f"89.00912({old:%Y-%m-%d %H:%M})",
        ips=f"27.00841({fresh:%Y-%m-%d %H:%M})",
        links=[("wan1", 0)],
    )


def fortigate_garbage() -> Records:
    """Wrongly typed and nonsensical values: the exporter must skip them, not crash."""
    rec = fortigate(
        contracts=[("AntiVirus", "31.12.2030"), ("", "Mon Feb  3 02:00:00 2025")],
        packages=[("Virus Definitions", "", "yesterday-ish", "")],
        av="garbage((",
        ips="",
    )
    rec[f"{FG}.4.1.1.0"] = ("2", "7")  # fgSysVersion as an integer
    rec[f"{FG}.4.6.3.1.1.0"] = ("4", "many")  # a count that is text
    rec[f"{FG}.13.1.1.0"] = ("2", "9")  # an HA mode the MIB does not know
    rec[f"{FG}.12.2.2.1.2.1"] = ("4", "zentrale")
    rec[f"{FG}.12.2.2.1.20.1"] = ("4", "up")  # a status that is text
    return rec


def fortigate_empty() -> Records:
    """A FortiGate whose agent answers only the system group."""
    return _system("fw-leer", "1.3.6.1.4.1.12356.101.1.644", "fw-leer")


def sophos(modules: dict[int, tuple[int, str]], ha: bool = False) -> Records:
    """A Sophos XGS 2100: modules {N: (SubscriptionStatusType, expiry text)}."""
    rec: Records = {
        **_system("Sophos Firewall", "1.3.6.1.4.1.2604.5", "sophos-praxis"),
        f"{SFOS}.1.1.0": ("4", "sophos-praxis"),
        f"{SFOS}.1.2.0": ("4", "XGS2100"),
        f"{SFOS}.1.3.0": ("4", "SFOS 20.0.2 MR-2-Build378"),
        f"{SFOS}.1.4.0": ("4", "X21001ABCDEF123"),
        f"{SFOS}.1.5.0": ("4", "4.3.1.190"),
        f"{SFOS}.1.6.0": ("4", "9.17.21"),
        f"{SFOS}.4.1.0": ("2", "1" if ha else "0"),
        f"{SFOS}.4.4.0": ("2", "3" if ha else "0"),
        f"{SFOS}.4.5.0": ("2", "1" if ha else "0"),
        f"{SFOS}.4.6.0": ("4", "Active-Passive" if ha else ""),
        f"{SFOS}.6.1.1.1.2.1": ("4", "zentrale"),
        f"{SFOS}.6.1.1.1.8.1": ("2", "1"),
        f"{SFOS}.6.1.1.1.2.2": ("4", "homeoffice-dr-meier"),
        f"{SFOS}.6.1.1.1.8.2": ("2", "0"),
    }
    for n, (status, expiry) in modules.items():
        rec[f"{SFOS}.5.{n}.1.0"] = ("2", str(status))
        rec[f"{SFOS}.5.{n}.2.0"] = ("4", expiry)
    return rec


def sophos_lab() -> Records:
    """Perpetual, subscribed, not subscribed, expired and one unparseable module."""
    return sophos(
        {
            1: (3, "Dec 31 2999"),
            2: (3, "Nov 10 2030"),
            3: (2, "fail"),
            4: (4, "Nov 10 2024"),
            5: (3, "31.12.2030"),
            6: (1, "Jan 15 2031"),
            7: (3, "Nov 10 2030"),
        },
        ha=True,
    )


def sophos_healthy(now: dt.datetime) -> Records:
    """The demo's healthy Sophos HA pair: everything subscribed for another year."""
    until = (now + dt.timedelta(days=365)).strftime("%b %d %Y")
    return sophos({1: (3, "Dec 31 2999"), 2: (3, until), 3: (3, until), 7: (3, until)}, ha=True)


def watchguard() -> Records:
    return {
        **_system("WatchGuard Firebox T45", "1.3.6.1.4.1.3097.1.5.87", "firebox"),
        f"{WG}.1.3.0": ("4", "20251103.1204 2025-11-03 12:04"),
        f"{WG}.1.4.0": ("4", "18.312"),
        f"{WG}.3.1.0": ("4", "<sysa:12.10.2.B690512><sysb:12.5.9.B650001>"),
    }


def _oid_key(oid: str) -> tuple[int, ...]:
    return tuple(int(part) for part in oid.split("."))


def render(records: Records) -> str:
    """snmprec text, sorted by OID (snmpsim walks the file in this order)."""
    return "".join(
        f"{oid}|{tag}|{value}\n"
        for oid, (tag, value) in sorted(records.items(), key=lambda r: _oid_key(r[0]))
    )


def write(path: Path, records: Records) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render(records))
    return path


STATIC = {
    "firewall-fortigate": fortigate_lab,
    "firewall-fortigate-garbage": fortigate_garbage,
    "firewall-fortigate-empty": fortigate_empty,
    "firewall-sophos": sophos_lab,
    "firewall-watchguard": watchguard,
}


def write_static(directory: Path = OUT) -> list[Path]:
    return [write(directory / f"{name}.snmprec", make()) for name, make in STATIC.items()]


if __name__ == "__main__":
    for written in write_static():
        print(written)
