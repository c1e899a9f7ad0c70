"""Golden exposition of a fixed scenario: the FortiGate and Sophos lab recordings parsed by
the vendor modules and rendered at a fixed time. A renamed metric, label or help text shows
up as a diff of `golden/lab.prom` (regenerate with
`UPDATE_GOLDEN=1 .venv/bin/pytest tests/firewall -k golden` and read the diff)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

from devkit.golden import assert_golden, exposition
from exporters.core.metrics import MetricSink
from exporters.core.snmp.values import Oid, SnmpValue
from exporters.firewall import fortigate, sophos
from exporters.firewall.catalogue import CATALOGUE
from exporters.firewall.mib import MibSpec
from exporters.firewall.series import Expectations, firewall
from exporters.firewall.versions import VersionTracker

GOLDEN = Path(__file__).parent / "golden"
RECORDINGS = Path(__file__).resolve().parents[2] / "simulators" / "snmp"
NOW = dt.datetime(2026, 12, 1, 12, 0, tzinfo=dt.UTC).timestamp()


def load(name: str) -> dict[str, SnmpValue]:
    """An snmprec file as the SNMP client would return its values."""
    values: dict[str, SnmpValue] = {}
    for line in (RECORDINGS / f"{name}.snmprec").read_text().splitlines():
        oid, tag, value = line.split("|", 2)
        kind = tag.split(":")[0]
        if kind in ("2", "65", "66", "67", "70"):
            values[oid] = int(value)
        elif kind == "6":
            values[oid] = Oid(value)
        else:
            values[oid] = value.encode()
    return values


def parsed(spec: MibSpec, name: str, sink: MetricSink, target: str) -> None:
    answer = load(name)
    scalars = spec.keyed(answer)
    columns = spec.tables(scalars)
    table = {oid: v for oid, v in answer.items() if any(oid.startswith(c + ".") for c in columns)}
    reading = spec.parse(scalars, table, ZoneInfo("UTC"))
    target_sink = MetricSink({"target": target}, catalogue=CATALOGUE)
    firewall(target_sink, reading, target, VersionTracker(None), Expectations("v7.2.8"), NOW)
    sink.merge(target_sink)


def test_golden_lab_exposition() -> None:
    sink = MetricSink(catalogue=CATALOGUE)
    parsed(fortigate.SPEC, "firewall-fortigate", sink, "fortigate")
    parsed(sophos.SPEC, "firewall-sophos", sink, "sophos")
    assert_golden(exposition(sink), GOLDEN / "lab.prom")
