"""The database header as `isc_database_info` reports it: cheap, no MON$ snapshot needed."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

# isc_info_* request codes (ibase.h); the same numbers for fdb and firebird-driver.
PAGE_SIZE = 14
NUM_BUFFERS = 15
CURRENT_MEMORY = 17
MAX_MEMORY = 18
SWEEP_INTERVAL = 31
ODS_VERSION = 32
ODS_MINOR_VERSION = 33
FORCED_WRITES = 52
DB_READ_ONLY = 63
DB_SIZE_IN_PAGES = 64
OLDEST_TRANSACTION = 104
OLDEST_ACTIVE = 105
OLDEST_SNAPSHOT = 106
NEXT_TRANSACTION = 107

REQUEST = (
    PAGE_SIZE,
    NUM_BUFFERS,
    CURRENT_MEMORY,
    MAX_MEMORY,
    SWEEP_INTERVAL,
    ODS_VERSION,
    ODS_MINOR_VERSION,
    FORCED_WRITES,
    DB_READ_ONLY,
    DB_SIZE_IN_PAGES,
    OLDEST_TRANSACTION,
    OLDEST_ACTIVE,
    OLDEST_SNAPSHOT,
    NEXT_TRANSACTION,
)

ODS_48BIT_TRANSACTIONS = 12
"""From ODS 12 (Firebird 3) transaction ids have 48 bits; before, the limit is 2^31 - 1."""


@dataclass(frozen=True)
class Header:
    page_size: int
    page_buffers: int
    pages: int
    forced_writes: bool
    read_only: bool
    sweep_interval: int
    ods_major: int
    ods_minor: int
    oldest_transaction: int
    oldest_active: int
    oldest_snapshot: int
    next_transaction: int
    memory_used: int | None
    memory_max_used: int | None

    @property
    def size_bytes(self) -> int:
        return self.pages * self.page_size

    @property
    def ods(self) -> str:
        return f"{self.ods_major}.{self.ods_minor}"

    @property
    def sweep_backlog(self) -> int:
        """OST - OIT: what an automatic sweep triggers on once it exceeds the sweep interval.

        It grows while a dead (rolled back, killed) or limbo transaction pins the oldest
        interesting transaction; record versions behind it cannot all be removed.
        """
        return max(0, self.oldest_snapshot - self.oldest_transaction)

    @property
    def transaction_id_limit(self) -> int:
        return 2**48 - 1 if self.ods_major >= ODS_48BIT_TRANSACTIONS else 2**31 - 1


def _int(info: Mapping[int, object], code: int) -> int:
    value = info.get(code)
    if isinstance(value, bool):
        return int(value)
    if not isinstance(value, int):
        raise ValueError(f"database info item {code} missing or not a number")
    return value


def _opt_int(info: Mapping[int, object], code: int) -> int | None:
    value = info.get(code)
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def parse_header(info: Mapping[int, object]) -> Header:
    """Turn {isc_info code: value} into a `Header`; raise ValueError if essentials lack."""
    return Header(
        page_size=_int(info, PAGE_SIZE),
        page_buffers=_int(info, NUM_BUFFERS),
        pages=_int(info, DB_SIZE_IN_PAGES),
        forced_writes=bool(_int(info, FORCED_WRITES)),
        read_only=bool(_int(info, DB_READ_ONLY)),
        sweep_interval=_int(info, SWEEP_INTERVAL),
        ods_major=_int(info, ODS_VERSION),
        ods_minor=_int(info, ODS_MINOR_VERSION),
        oldest_transaction=_int(info, OLDEST_TRANSACTION),
        oldest_active=_int(info, OLDEST_ACTIVE),
        oldest_snapshot=_int(info, OLDEST_SNAPSHOT),
        next_transaction=_int(info, NEXT_TRANSACTION),
        memory_used=_opt_int(info, CURRENT_MEMORY),
        memory_max_used=_opt_int(info, MAX_MEMORY),
    )
