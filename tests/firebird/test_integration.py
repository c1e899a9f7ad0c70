"""The collector against the real Firebird 3 server (no mocks)."""

from __future__ import annotations

import gc
import subprocess
import time
from collections.abc import Callable

import fdb
import pytest

from devkit import firebird as fb
from exporters.core import Deadline
from exporters.core.metrics import MetricSink
from exporters.core.scrape import ScrapeRunner
from exporters.firebird import drivers
from exporters.firebird import header as hdr
from exporters.firebird import monitoring as mon
from exporters.firebird.collector import FirebirdCollector
from exporters.firebird.config import FirebirdConfig

from .conftest import LIMITED_PASSWORD, Database, config_for, scrape, target_yaml

pytestmark = pytest.mark.integration

Runner = Callable[[FirebirdConfig], ScrapeRunner]


def num(sink: MetricSink, name: str, **labels: str) -> float:
    found = sink.sample_value(name, labels)
    assert found is not None, f"{name} {labels} missing"
    return found


def sysdba(db: Database) -> fdb.Connection:
    return fdb.connect(dsn=db.dsn, user=db.server.user, password=db.server.password)


def exporter_attachment(db: Database, user: str) -> tuple[int, int]:
    """(attachments, transactions) of `user`, seen by SYSDBA (who sees all)."""
    con = sysdba(db)
    try:
        cur = con.cursor()
        cur.execute(
            "select count(distinct a.mon$attachment_id), count(t.mon$transaction_id)"
            " from mon$attachments a left join mon$transactions t"
            " on a.mon$attachment_id = t.mon$attachment_id"
            " where a.mon$user = ? and a.mon$attachment_id <> current_connection",
            (user,),
        )
        attachments, transactions = cur.fetchone()
        return attachments, transactions
    finally:
        con.close()


def test_metrics_of_a_real_database(
    fb_db: Database, runner_for: Runner, caplog: pytest.LogCaptureFixture
) -> None:
    # a PVS client with patient data in its statement text and in the rows it read
    client = sysdba(fb_db)
    cur = client.cursor()
    cur.execute("select note from patient_note where note like 'Mustermann, Erika%'")
    assert cur.fetchall()
    runner = runner_for(config_for(target_yaml("db", fb_db.dsn, fb_db.server.password)))
    sink = scrape(runner)
    client.close()
    assert sink.sample_value("firebird_up") == 1
    assert sink.sample_value("firebird_page_size_bytes") == 8192
    pages = sink.sample_value("firebird_database_pages")
    assert pages and sink.sample_value("firebird_database_size_bytes") == pages * 8192
    assert sink.sample_value("firebird_forced_writes") == 1
    assert sink.sample_value("firebird_shutdown_mode", {"mode": "online"}) == 1
    assert sink.sample_value("firebird_backup_state", {"state": "normal"}) == 1
    assert sink.sample_value("firebird_monitoring_sees_all_attachments") == 1
    info = sink.samples("firebird_info")[0].labels
    assert info["ods"].startswith("12.") and info["version"].startswith("3.0")
    assert info["database"] == str(fb_db.path)
    assert sink.sample_value("firebird_transaction_id_limit") == 2**48 - 1
    assert num(sink, "firebird_sweep_backlog_transactions") == num(
        sink, "firebird_oldest_snapshot_transaction"
    ) - num(sink, "firebird_oldest_transaction")
    driver = sink.samples("firebird_driver_info")[0].labels
    assert driver["driver"] == "firebird-driver" and driver["client_version"] == "3.0"
    assert (sink.sample_value("firebird_pages_total", {"operation": "fetch"}) or 0) > 0
    assert num(sink, "firebird_statements", state="idle") >= 1  # the client's statement
    text = "\n".join(str(s) for f in sink.families() for s in f.samples) + caplog.text
    assert "Mustermann" not in text and "A123456789" not in text


def test_open_transaction_moves_gap_and_age(fb_db: Database, runner_for: Runner) -> None:
    runner = runner_for(config_for(target_yaml("db", fb_db.dsn, fb_db.server.password)))
    before = scrape(runner)
    assert before.sample_value("firebird_oldest_active_transaction_age_seconds") == 0
    holder = sysdba(fb_db)
    try:
        holder.begin()  # snapshot read-write: holds the oldest active transaction
        holder.cursor().execute("select count(*) from patient_note").fetchall()
        other = sysdba(fb_db)
        for _ in range(30):  # other work moves the next transaction on
            other.begin()
            other.commit()
        other.close()
        time.sleep(1.2)
        during = scrape(runner)
        gap_before = num(before, "firebird_next_transaction") - num(
            before, "firebird_oldest_active_transaction"
        )
        gap = num(during, "firebird_next_transaction") - num(
            during, "firebird_oldest_active_transaction"
        )
        assert gap_before < 5  # the header's OAT trails by a transaction or two
        assert gap >= 30
        assert num(during, "firebird_oldest_active_transaction_age_seconds") >= 1.0
        assert num(during, "firebird_open_transactions") == 1
        assert num(during, "firebird_attachments", state="idle") >= 1
    finally:
        holder.rollback()
        holder.close()
    after = scrape(runner)
    assert after.sample_value("firebird_oldest_active_transaction_age_seconds") == 0


def test_exporter_holds_no_transaction_and_never_the_oldest_active(
    fb_db: Database, runner_for: Runner, limited_user: str
) -> None:
    runner = runner_for(
        config_for(target_yaml("db", fb_db.dsn, LIMITED_PASSWORD, user=limited_user))
    )
    assert scrape(runner).sample_value("firebird_up") == 1
    # between scrapes the exporter's attachment stays, but without any transaction
    assert exporter_attachment(fb_db, limited_user) == (1, 0)
    # the exporter's kind of transaction is pre-committed: held open, it does not pin the OAT
    session = drivers.FdbSession(fb_db.dsn, limited_user, LIMITED_PASSWORD, None)
    try:
        with session.read_transaction(Deadline.after(30)) as query:
            mine, read_only, isolation = query(
                "select mon$transaction_id, mon$read_only, mon$isolation_mode"
                " from mon$transactions where mon$transaction_id = current_transaction"
            )[0]
            assert (read_only, isolation) == (1, 2)  # read-only, read committed rec_version
            con = sysdba(fb_db)
            con.begin()
            oat = con.cursor().execute("select mon$oldest_active from mon$database").fetchone()
            con.commit()
            con.close()
            assert oat[0] > mine
    finally:
        session.close()


def test_user_without_rdb_admin_is_reported_not_crashed(
    fb_db: Database, runner_for: Runner, limited_user: str
) -> None:
    others = [sysdba(fb_db) for _ in range(3)]
    try:
        runner = runner_for(
            config_for(
                target_yaml("limited", fb_db.dsn, LIMITED_PASSWORD, user=limited_user)
                + target_yaml("admin", fb_db.dsn, fb_db.server.password)
            )
        )
        sink = runner.scrape(["limited", "admin"])
        lim = {"target": "limited"}
        adm = {"target": "admin"}
        assert sink.sample_value("firebird_up", lim) == 1
        assert sink.sample_value("firebird_monitoring_sees_all_attachments", lim) == 0
        assert sink.sample_value("firebird_monitoring_sees_all_attachments", adm) == 1
        # header figures are complete for both; MON$ attachments only for the admin
        assert sink.sample_value("firebird_next_transaction", lim) is not None
        assert sink.sample_value("firebird_attachments", {**lim, "state": "idle"}) == 0
        assert num(sink, "firebird_attachments", target="admin", state="idle") >= 3
    finally:
        for con in others:
            con.close()


def test_forced_writes_off_is_shown(fb_db: Database, runner_for: Runner) -> None:
    runner = runner_for(config_for(target_yaml("db", fb_db.dsn, fb_db.server.password)))
    assert scrape(runner).sample_value("firebird_forced_writes") == 1
    server = fb_db.server

    def gfix(mode: str) -> None:
        subprocess.run(
            ["gfix", "-write", mode, "-user", server.user, "-password", server.password, fb_db.dsn],
            check=True,
            capture_output=True,
            timeout=60,
        )

    gfix("async")
    try:
        assert scrape(runner).sample_value("firebird_forced_writes") == 0
    finally:
        gfix("sync")
    assert scrape(runner).sample_value("firebird_forced_writes") == 1


def test_broken_connection_is_rebuilt(fb_db: Database, runner_for: Runner) -> None:
    runner = runner_for(config_for(target_yaml("db", fb_db.dsn, fb_db.server.password)))
    assert scrape(runner).sample_value("firebird_connects_total") == 1
    con = sysdba(fb_db)  # SYSDBA may end other attachments by deleting them from MON$
    con.cursor().execute(
        "delete from mon$attachments where mon$attachment_id <> current_connection"
        " and mon$system_flag = 0"
    )
    con.commit()
    con.close()
    first = scrape(runner)  # the dead connection fails this scrape and is dropped
    assert first.sample_value("firebird_up") == 0
    second = scrape(runner)
    assert second.sample_value("firebird_up") == 1
    assert second.sample_value("firebird_connects_total") == 2


def test_monitoring_min_interval_reuses_the_snapshot(fb_db: Database, runner_for: Runner) -> None:
    runner = runner_for(
        config_for(
            target_yaml("db", fb_db.dsn, fb_db.server.password, monitoring_min_interval="1h")
        )
    )
    first = scrape(runner)
    extra = sysdba(fb_db)
    try:
        second = scrape(runner)
        idle = {"state": "idle"}
        assert second.sample_value("firebird_attachments", idle) == first.sample_value(
            "firebird_attachments", idle
        )
        assert num(second, "firebird_monitoring_age_seconds") > 0
    finally:
        extra.close()


@pytest.mark.parametrize(
    ("why", "dsn_of", "password"),
    [
        ("wrong password", lambda db: db.dsn, "not-the-password"),
        ("missing database", lambda db: db.server.dsn("/var/tmp/praxis-firebird/nope.fdb"), None),
    ],
)
def test_bad_target_is_down_with_a_clear_log_line(
    fb_db: Database,
    runner_for: Runner,
    caplog: pytest.LogCaptureFixture,
    why: str,
    dsn_of: Callable[[Database], str],
    password: str | None,
) -> None:
    secret = password or fb_db.server.password
    runner = runner_for(config_for(target_yaml("db", dsn_of(fb_db), secret)))
    sink = scrape(runner)
    assert sink.sample_value("firebird_up") == 0
    assert sink.sample_value("firebird_next_transaction") is None
    logged = caplog.text
    assert "target scrape failed" in logged  # the driver's error, not the deadline
    assert "timed out" not in logged
    assert secret not in logged


def test_firebird_driver_gives_the_same_figures(fb_db: Database, runner_for: Runner) -> None:
    pytest.importorskip("firebird.driver")
    runner = runner_for(
        config_for(
            target_yaml("fdb", fb_db.dsn, fb_db.server.password, driver="fdb")
            + target_yaml("fd", fb_db.dsn, fb_db.server.password)
        )
    )
    sink = runner.scrape(["fdb", "fd"])
    for name in (
        "firebird_up",
        "firebird_forced_writes",
        "firebird_read_only",
        "firebird_page_size_bytes",
        "firebird_sweep_interval",
    ):
        assert sink.sample_value(name, {"target": "fd"}) == sink.sample_value(
            name, {"target": "fdb"}
        ), name
    fd_info = sink.samples("firebird_info")
    assert all("\n" not in s.labels["server_version"] for s in fd_info)
    drivers_used = {s.labels["target"]: s.labels for s in sink.samples("firebird_driver_info")}
    assert drivers_used["fd"]["driver"] == "firebird-driver"  # the default
    assert drivers_used["fdb"]["driver"] == "fdb"
    assert drivers_used["fdb"]["driver_version"].startswith("2.")
    assert {d["client_version"] for d in drivers_used.values()} == {"3.0"}  # Debian's libfbclient


SLOW_SQL = "select count(*) from rdb$fields a, rdb$fields b, rdb$fields c, rdb$fields d"
"""Hundreds of millions of rows: minutes of work, far past any deadline here."""


@pytest.mark.parametrize("driver", ["fdb", "firebird-driver"])
def test_a_statement_past_the_deadline_is_cancelled(fb_db: Database, driver: str) -> None:
    """The deadline reaches into the server: fb_cancel_operation ends the running statement."""
    server = fb_db.server
    session = drivers.open_session(driver, fb_db.dsn, server.user, server.password, None, 5)
    try:
        with (
            pytest.raises(drivers.DeadlineCancelled, match="cancelled"),
            session.read_transaction(Deadline.after(0.5)) as query,
        ):
            query(SLOW_SQL)
        # the connection survives the cancel (the collector rebuilds it anyway)
        with session.read_transaction(Deadline.after(30)) as query:
            assert query("select 1 from rdb$database") == [(1,)]
        with pytest.raises(drivers.DeadlineCancelled, match="before"):
            session.database_info([hdr.PAGE_SIZE], Deadline.after(0))
    finally:
        session.close()


def test_privilege_check_on_firebird_3_fails_softly(fb_db: Database, limited_user: str) -> None:
    """RDB$SYSTEM_PRIVILEGE is Firebird 4+; on 3 the check says no and the scrape goes on."""
    session = drivers.FdbSession(fb_db.dsn, limited_user, LIMITED_PASSWORD, None)
    try:
        with session.read_transaction(Deadline.after(30)) as query:
            identity = mon.parse_identity(query(mon.PROBE_SQL)[0])
            checked = FirebirdCollector._with_privilege("db", query, identity)
            assert checked.monitor_any_attachment is False
            assert query(mon.PROBE_SQL)[0][1].strip() == limited_user
    finally:
        session.close()


def test_documented_rdb_admin_grant_gives_full_visibility(
    fb_db: Database, runner_for: Runner
) -> None:
    """docs/exporters/firebird.md, Firebird 3: CREATE USER + GRANT RDB$ADMIN + role."""
    fb.isql(
        fb_db.server,
        fb_db.dsn,
        "create or alter user PRAXIS_ADM password 'adm-Secret-0815';\n"
        "grant rdb$admin to PRAXIS_ADM;\ncommit;\n",
    )
    other = sysdba(fb_db)
    try:
        runner = runner_for(
            config_for(
                target_yaml("db", fb_db.dsn, "adm-Secret-0815", user="PRAXIS_ADM", role="RDB$ADMIN")
            )
        )
        sink = scrape(runner)
        assert num(sink, "firebird_monitoring_sees_all_attachments") == 1
        assert num(sink, "firebird_attachments", state="idle") >= 1
    finally:
        other.close()
        fb.isql(fb_db.server, fb_db.dsn, "drop user PRAXIS_ADM;\ncommit;\n")


@pytest.mark.parametrize("driver", ["fdb", "firebird-driver"])
def test_scrapes_do_not_pile_up_driver_objects(
    fb_db: Database, runner_for: Runner, driver: str
) -> None:
    """Both drivers keep every transaction object a connection made: reuse one per session."""
    runner = runner_for(
        config_for(target_yaml("db", fb_db.dsn, fb_db.server.password, driver=driver))
    )
    for _ in range(30):
        assert scrape(runner).sample_value("firebird_up") == 1
    gc.collect()
    kinds = ("Transaction", "TransactionManager")
    alive = [o for o in gc.get_objects() if type(o).__name__ in kinds]
    assert len(alive) < 10, f"{len(alive)} transaction objects after 30 scrapes"
