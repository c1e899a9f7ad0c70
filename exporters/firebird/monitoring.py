"""MON$ queries, aggregated in SQL, and the parsing of their rows.

Only counts, counters and ages leave the server: no SQL text, no user or client names.
Timestamps are turned into ages by DATEDIFF on the server, so Firebird 4+ `TIMESTAMP WITH
TIME ZONE` columns never reach the client and the exporter's clock does not matter.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

SHUTDOWN_MODES = ("online", "multi", "single", "full")
BACKUP_STATES = ("normal", "stalled", "merge")
ATTACHMENT_STATES = ("idle", "active")
STATEMENT_STATES = ("idle", "active", "stalled")
PAGE_OPERATIONS = ("read", "write", "fetch", "mark")
RECORD_OPERATIONS = (
    "seq_read",
    "idx_read",
    "insert",
    "update",
    "delete",
    "backout",
    "purge",
    "expunge",
)

# A transaction that holds back garbage collection: not our own, and not a read-only
# read-committed one (those are pre-committed and do not hold the oldest active).
_BLOCKING_TX = (
    "t.mon$transaction_id <> current_transaction"
    " and not (t.mon$read_only = 1 and t.mon$isolation_mode in (2, 3))"
)

PROBE_SQL = (
    "select rdb$get_context('SYSTEM', 'ENGINE_VERSION'), current_user, current_role,"
    " (select r.rdb$owner_name from rdb$relations r"
    " where r.rdb$relation_name = 'RDB$DATABASE') from rdb$database"
)

PRIVILEGE_SQL = "select rdb$system_privilege(monitor_any_attachment) from rdb$database"
"""Firebird 4+ (ODS 13+) only."""
ODS_SYSTEM_PRIVILEGES = 13

DATABASE_SQL = (
    "select d.mon$shutdown_mode, d.mon$backup_state,"  # noqa: S608 (constant text)
    " io.mon$page_reads, io.mon$page_writes, io.mon$page_fetches, io.mon$page_marks,"
    " r.mon$record_seq_reads, r.mon$record_idx_reads, r.mon$record_inserts,"
    " r.mon$record_updates, r.mon$record_deletes, r.mon$record_backouts,"
    " r.mon$record_purges, r.mon$record_expunges,"
    " (select datediff(millisecond from min(t.mon$timestamp) to current_timestamp)"
    f" from mon$transactions t where {_BLOCKING_TX}),"
    f" (select count(*) from mon$transactions t where {_BLOCKING_TX})"
    " from mon$database d"
    " left join mon$io_stats io on io.mon$stat_id = d.mon$stat_id"
    " left join mon$record_stats r on r.mon$stat_id = d.mon$stat_id"
)


def attachments_sql(ods_major: int) -> str:
    """Other attachments by state; system attachments (FB3+) and our own left out."""
    system = " and a.mon$system_flag = 0" if ods_major >= 12 else ""
    return (
        "select a.mon$state, count(*) from mon$attachments a"  # noqa: S608 (constant text)
        f" where a.mon$attachment_id <> current_connection{system} group by a.mon$state"
    )


STATEMENTS_SQL = (
    "select s.mon$state, count(*) from mon$statements s"
    " where s.mon$attachment_id <> current_connection group by s.mon$state"
)


@dataclass(frozen=True)
class Identity:
    """What the probe query says about the server and who we are on it."""

    engine_version: str
    user: str
    role: str
    owner: str
    monitor_any_attachment: bool = False
    """Firebird 4+: the system privilege MONITOR_ANY_ATTACHMENT (through a role)."""

    @property
    def sees_all_attachments(self) -> bool:
        """SYSDBA, the owner, RDB$ADMIN and (4+) MONITOR_ANY_ATTACHMENT see every attachment."""
        return (
            self.user == "SYSDBA"
            or self.role == "RDB$ADMIN"
            or self.user == self.owner
            or self.monitor_any_attachment
        )


def parse_identity(row: Sequence[object]) -> Identity:
    def text(value: object) -> str:
        return str(value).strip() if value is not None else ""

    return Identity(text(row[0]), text(row[1]), text(row[2]), text(row[3]))


@dataclass(frozen=True)
class Activity:
    """One MON$ snapshot, reduced to counts."""

    shutdown_mode: str | None
    backup_state: str | None
    pages: dict[str, int] = field(default_factory=dict)
    records: dict[str, int] = field(default_factory=dict)
    oldest_active_age_seconds: float = 0.0
    open_transactions: int = 0
    attachments: dict[str, int] = field(default_factory=dict)
    statements: dict[str, int] = field(default_factory=dict)


def _state_name(names: Sequence[str], code: object) -> str | None:
    if not isinstance(code, int):
        return None
    return names[code] if 0 <= code < len(names) else f"unknown_{code}"


def _number(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return None
    return float(value)


def _count(value: object) -> int:
    number = _number(value)
    return int(number) if number is not None else 0


def _by_state(names: Sequence[str], rows: Sequence[Sequence[object]]) -> dict[str, int]:
    counts = dict.fromkeys(names, 0)
    for code, count in rows:
        name = _state_name(names, code)
        if name is not None:
            counts[name] = counts.get(name, 0) + _count(count)
    return counts


def parse_activity(
    database_row: Sequence[object],
    attachment_rows: Sequence[Sequence[object]],
    statement_rows: Sequence[Sequence[object]],
) -> Activity:
    """Rows of DATABASE_SQL, attachments_sql and STATEMENTS_SQL -> `Activity`."""
    row = list(database_row)
    age_ms = _number(row[14])  # DATEDIFF(MILLISECOND) is NUMERIC(18,1) on Firebird 3+
    return Activity(
        shutdown_mode=_state_name(SHUTDOWN_MODES, row[0]),
        backup_state=_state_name(BACKUP_STATES, row[1]),
        pages={op: _count(v) for op, v in zip(PAGE_OPERATIONS, row[2:6], strict=True)},
        records={op: _count(v) for op, v in zip(RECORD_OPERATIONS, row[6:14], strict=True)},
        oldest_active_age_seconds=max(0.0, age_ms / 1000.0) if age_ms is not None else 0.0,
        open_transactions=_count(row[15]),
        attachments=_by_state(ATTACHMENT_STATES, attachment_rows),
        statements=_by_state(STATEMENT_STATES, statement_rows),
    )
