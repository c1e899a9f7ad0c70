"""Per-database state, compatibility level, recovery model and file sizes."""

from __future__ import annotations

from collections import defaultdict

from exporters.core import MetricSink
from exporters.mssql.config import MssqlTarget
from exporters.mssql.values import Rows, number, text

STATES = ("ONLINE", "RESTORING", "RECOVERING", "RECOVERY_PENDING", "SUSPECT", "EMERGENCY",
          "OFFLINE")  # fmt: skip
RECOVERY_MODELS = ("FULL", "BULK_LOGGED", "SIMPLE")
PAGE_BYTES = 8192
"""sys.master_files.size counts 8-KB pages."""
EXPRESS_DATA_LIMIT_BYTES = 10 * 1024**3
"""Express: 10 GB of data files per database (the log does not count)."""
FILE_KINDS = {"ROWS": "data", "LOG": "log"}


def databases(rows: Rows, target: MssqlTarget, sink: MetricSink) -> None:
    """State set, compatibility level (and the expected one), recovery model."""
    for row in rows:
        name = text(row.get("name"))
        if not name or not target.databases.selects(name):
            continue
        labels = {"database": name}
        sink.state_set(
            "mssql_database_state",
            "Database state from sys.databases (1 for the current state).",
            "state",
            STATES,
            text(row.get("state_desc")),
            labels,
        )
        sink.gauge(
            "mssql_database_compatibility_level",
            "Compatibility level of the database (e.g. 150 = SQL Server 2019).",
            number(row.get("compatibility_level")),
            labels,
        )
        sink.gauge(
            "mssql_database_expected_compatibility_level",
            "Compatibility level the PVS vendor requires (from the exporter's config).",
            target.expected_level(name),
            labels,
        )
        sink.state_set(
            "mssql_database_recovery_model",
            "Recovery model of the database (1 for the current model).",
            "model",
            RECOVERY_MODELS,
            text(row.get("recovery_model_desc")),
            labels,
        )


def file_sizes(rows: Rows, target: MssqlTarget, express: bool, sink: MetricSink) -> None:
    """Data and log size per database; on Express also data size / the 10 GB limit."""
    totals: dict[str, dict[str, float]] = defaultdict(lambda: {"data": 0.0, "log": 0.0})
    for row in rows:
        name = text(row.get("database_name"))
        kind = FILE_KINDS.get(text(row.get("type_desc")) or "")
        pages = number(row.get("size"))
        if not name or kind is None or pages is None or not target.databases.selects(name):
            continue
        totals[name][kind] += pages * PAGE_BYTES
    for name, sizes in totals.items():
        labels = {"database": name}
        sink.gauge(
            "mssql_database_data_size_bytes",
            "Size of the database's data files.",
            sizes["data"],
            labels,
        )
        sink.gauge(
            "mssql_database_log_size_bytes",
            "Size of the database's log files.",
            sizes["log"],
            labels,
        )
        if express:
            sink.gauge(
                "mssql_database_express_limit_ratio",
                "Data file size as a ratio of the 10 GB per-database limit of Express.",
                sizes["data"] / EXPRESS_DATA_LIMIT_BYTES,
                labels,
            )
