"""Per-database state, compatibility level, recovery model and file sizes."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from exporters.mssql.config import MssqlTarget
from exporters.mssql.values import Rows, number, text

PAGE_BYTES = 8192
"""sys.master_files.size counts 8-KB pages."""
EXPRESS_DATA_LIMIT_BYTES = 10 * 1024**3
"""Express: 10 GB of data files per database (the log does not count)."""
FILE_KINDS = {"ROWS": "data", "LOG": "log"}


@dataclass(frozen=True)
class Database:
    name: str
    state: str | None
    compatibility_level: float | None
    expected_level: int | None
    recovery_model: str | None


@dataclass(frozen=True)
class FileSizes:
    database: str
    data_bytes: float
    log_bytes: float


def databases(rows: Rows, target: MssqlTarget) -> list[Database]:
    """State, compatibility level (and the expected one), recovery model."""
    found = []
    for row in rows:
        name = text(row.get("name"))
        if not name or not target.databases.selects(name):
            continue
        found.append(
            Database(
                name=name,
                state=text(row.get("state_desc")),
                compatibility_level=number(row.get("compatibility_level")),
                expected_level=target.expected_level(name),
                recovery_model=text(row.get("recovery_model_desc")),
            )
        )
    return found


def file_sizes(rows: Rows, target: MssqlTarget) -> list[FileSizes]:
    """Data and log size per database, summed over its files."""
    totals: dict[str, dict[str, float]] = defaultdict(lambda: {"data": 0.0, "log": 0.0})
    for row in rows:
        name = text(row.get("database_name"))
        kind = FILE_KINDS.get(text(row.get("type_desc")) or "")
        pages = number(row.get("size"))
        if not name or kind is None or pages is None or not target.databases.selects(name):
            continue
        totals[name][kind] += pages * PAGE_BYTES
    return [FileSizes(name, sizes["data"], sizes["log"]) for name, sizes in totals.items()]
