"""Golden exposition: one fixed scenario through the writing layer, frozen in a file.

The scenario is what a Firebird 3 database answered (header items, MON$ rows, probe row,
firebird.log counts). A renamed metric, label or help text shows up as a diff of
`golden/firebird.prom` (regenerate with `UPDATE_GOLDEN=1 .venv/bin/pytest tests/firebird -k
golden` and read the diff).
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from devkit.golden import assert_golden, exposition
from exporters.core.metrics import MetricSink
from exporters.firebird import header as hdr
from exporters.firebird import monitoring as mon
from exporters.firebird import series
from exporters.firebird.catalogue import CATALOGUE

GOLDEN = Path(__file__).parent / "golden"

HEADER = {
    hdr.PAGE_SIZE: 8192,
    hdr.NUM_BUFFERS: 2048,
    hdr.CURRENT_MEMORY: 19_551_392,
    hdr.MAX_MEMORY: 19_644_704,
    hdr.SWEEP_INTERVAL: 20000,
    hdr.ODS_VERSION: 12,
    hdr.ODS_MINOR_VERSION: 0,
    hdr.FORCED_WRITES: 1,
    hdr.DB_READ_ONLY: 0,
    hdr.DB_SIZE_IN_PAGES: 196,
    hdr.OLDEST_TRANSACTION: 140,
    hdr.OLDEST_ACTIVE: 141,
    hdr.OLDEST_SNAPSHOT: 141,
    hdr.NEXT_TRANSACTION: 175,
}
DATABASE_ROW = (0, 0, 120, 8, 4711, 12, 30, 22, 1, 0, 0, 0, 0, 0, Decimal("1250.0"), 1)


def test_golden_firebird_3() -> None:
    sink = MetricSink({"target": "praxis"}, CATALOGUE)
    head = hdr.parse_header(HEADER)
    who = mon.parse_identity(("3.0.11", "SYSDBA", "NONE", "SYSDBA"))
    activity = mon.parse_activity(DATABASE_ROW, [(0, 3), (1, 1)], [(0, 9), (1, 1)])
    series.driver(sink, "firebird-driver", "2.1.0", "3.0")
    series.identity(sink, who, head, "127.0.0.1/3050:/srv/praxis.fdb", "LI-V3.0.11.33703")
    series.header(sink, head)
    series.activity(sink, activity, 0.0)
    series.timings(sink, 0.012, 0.001, 1)
    series.log_errors(sink, True, {"corruption": 1, "io": 0, "lock": 0})
    assert_golden(exposition(sink), GOLDEN / "firebird.prom")
