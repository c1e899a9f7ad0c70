"""Child process of test_engines.py: one embedded Firebird engine, one scenario, one scrape.

Run as `python -m tests.firebird.embedded_worker <client_library> <workdir> [with-fdb]` with
`devkit.fbembedded.Engine.env()`. Creates two databases (forced writes on and off) with the
engine, leaves a dead transaction (rolled back without undo, as after a crash) and 40
commits behind it, holds one snapshot transaction open, scrapes both through the exporter's
own collector and config (`client_library`), cancels a long statement at a deadline, then
closes everything and reads each file's header page straight from disk. Prints one JSON
object.
"""

from __future__ import annotations

import json
import struct
import sys
from pathlib import Path
from typing import Any

from firebird.driver import TPB, Isolation, connect, create_database, driver_config
from prometheus_client import generate_latest

from exporters.core import Deadline
from exporters.core.config import parse_config
from exporters.core.scrape import ScrapeRunner
from exporters.firebird import drivers
from exporters.firebird.catalogue import CATALOGUE
from exporters.firebird.collector import FirebirdCollector
from exporters.firebird.config import FirebirdConfig

SLOW_SQL = "select count(*) from rdb$fields a, rdb$fields b, rdb$fields c, rdb$fields d"


def header_page(path: Path) -> dict[str, int]:
    """The fields of the on-disk header page (page 0) that the exporter also reports.

    Offsets of `struct header_page` in Firebird's src/jrd/ods.h (ODS 12 and 13 alike);
    only the low 32 bits of transaction ids (these are small here).
    """
    raw = path.read_bytes()[:128]
    (page_size, ods, _pages, _next_page, oit, oat, next_tx, _seq, flags) = struct.unpack_from(
        "<HHIIIIIHH", raw, 16
    )
    (ods_minor,) = struct.unpack_from("<H", raw, 64)
    (ost,) = struct.unpack_from("<I", raw, 72)
    return {
        "page_size": page_size,
        "ods_major": ods & 0x7FFF,
        "ods_minor": ods_minor,
        "oldest_transaction": oit,
        "oldest_active": oat,
        "oldest_snapshot": ost,
        "next_transaction": next_tx,
        "forced_writes": int(bool(flags & 0x2)),  # hdr_force_write
        "read_only": int(bool(flags & 0x20)),  # hdr_read_only
    }


def main(library: str, work: Path, with_fdb: bool) -> dict[str, Any]:
    driver_config.fb_client_library.value = library
    sync_db, async_db = work / "praxis.fdb", work / "async.fdb"
    driver_config.register_database(
        "async", f"[async]\ndatabase = {async_db}\nforced_writes = no\nsweep_interval = 0\n"
    )
    con = create_database(str(sync_db), user="SYSDBA")
    con.execute_immediate(
        "create table patient_note (id integer not null primary key, note varchar(200))"
    )
    con.commit()
    with con.cursor() as cur:
        cur.execute("insert into patient_note values (1, 'Mustermann, Erika; KVNR A123456789')")
    con.commit()
    # a dead transaction: rolled back without an undo log, it pins the oldest interesting
    dead = con.transaction_manager(default_tpb=TPB(no_auto_undo=True).get_buffer())
    dead.begin()
    dead_id = dead.info.id
    with dead.cursor() as cur:
        cur.execute("insert into patient_note values (2, 'Musterfrau')")
    dead.rollback()
    for _ in range(40):
        con.begin()
        con.commit()
    create_database("async", user="SYSDBA").close()
    # a PVS client holding a snapshot transaction open (what pins the OAT)
    holder = connect(str(sync_db), user="SYSDBA")
    hold = holder.transaction_manager(default_tpb=TPB(isolation=Isolation.SNAPSHOT).get_buffer())
    hold.begin()
    holder_id = hold.info.id
    with hold.cursor() as cur:
        cur.execute("select count(*) from patient_note")
        cur.fetchall()

    legacy = f"  legacy:\n    dsn: {sync_db}\n    password: x\n    driver: fdb\n"
    config = parse_config(
        f"client_library: {library}\ntimeout: 30s\ntargets:\n"
        f"  db:\n    dsn: {sync_db}\n    password: embedded-needs-none\n"
        f"  async:\n    dsn: {async_db}\n    password: embedded-needs-none\n"
        + (legacy if with_fdb else ""),
        FirebirdConfig,
    )
    runner = ScrapeRunner("firebird", config, FirebirdCollector(config), catalogue=CATALOGUE)
    try:
        sink = runner.scrape(list(config.targets))
    finally:
        runner.close()

    session = drivers.open_session("firebird-driver", str(sync_db), "SYSDBA", "x", None, 5)
    try:
        with session.read_transaction(Deadline.after(0.5)) as query:
            query(SLOW_SQL)
        cancelled = "not cancelled"
    except drivers.DeadlineCancelled as exc:
        cancelled = str(exc)
    finally:
        session.close()

    hold.commit()
    holder.close()
    con.close()
    return {
        "exposition": generate_latest(sink).decode(),  # type: ignore[arg-type]
        "dead_transaction": dead_id,
        "holder_transaction": holder_id,
        "cancelled": cancelled,
        "headers": {"db": header_page(sync_db), "async": header_page(async_db)},
    }


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1], Path(sys.argv[2]), sys.argv[3:] == ["with-fdb"])))
