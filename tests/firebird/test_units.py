"""Pure parts: header and MON$ parsing, DSN handling, client config, log classification."""

from __future__ import annotations

import dataclasses
import os
from decimal import Decimal
from pathlib import Path

import pytest

from exporters.core import Deadline
from exporters.core.config import ConfigError, parse_config
from exporters.core.metrics import MetricSink
from exporters.firebird import drivers, fbroot, logscan, series
from exporters.firebird import header as hdr
from exporters.firebird import monitoring as mon
from exporters.firebird.catalogue import CATALOGUE
from exporters.firebird.config import FirebirdConfig

INFO = {
    hdr.PAGE_SIZE: 8192,
    hdr.NUM_BUFFERS: 2048,
    hdr.CURRENT_MEMORY: 1000,
    hdr.MAX_MEMORY: 2000,
    hdr.SWEEP_INTERVAL: 20000,
    hdr.ODS_VERSION: 11,
    hdr.ODS_MINOR_VERSION: 2,
    hdr.FORCED_WRITES: 0,
    hdr.DB_READ_ONLY: 0,
    hdr.DB_SIZE_IN_PAGES: 1000,
    hdr.OLDEST_TRANSACTION: 90,
    hdr.OLDEST_ACTIVE: 95,
    hdr.OLDEST_SNAPSHOT: 95,
    hdr.NEXT_TRANSACTION: 120,
}


def test_header_size_ods_and_limit() -> None:
    header = hdr.parse_header(INFO)
    assert header.size_bytes == 8192 * 1000
    assert header.ods == "11.2"
    assert header.transaction_id_limit == 2**31 - 1
    assert not header.forced_writes
    assert hdr.parse_header({**INFO, hdr.ODS_VERSION: 12}).transaction_id_limit == 2**48 - 1


def test_header_missing_item_is_a_clear_error() -> None:
    broken = {k: v for k, v in INFO.items() if k != hdr.PAGE_SIZE}
    with pytest.raises(ValueError, match="item 14 missing"):
        hdr.parse_header(broken)


def test_header_metrics() -> None:
    sink = MetricSink({"target": "t"}, CATALOGUE)
    series.header(sink, hdr.parse_header(INFO))
    assert sink.sample_value("firebird_database_size_bytes") == 8192 * 1000
    assert sink.sample_value("firebird_forced_writes") == 0
    assert sink.sample_value("firebird_next_transaction") == 120
    assert sink.sample_value("firebird_oldest_active_transaction") == 95


DB_ROW = (0, 1, 10, 20, 30, 40, 1, 2, 3, 4, 5, 6, 7, 8, Decimal("4500.0"), 2)


def test_activity_rows_become_state_sets_and_counters() -> None:
    activity = mon.parse_activity(DB_ROW, [(0, 3), (1, 2)], [(0, 7), (2, 1)])
    assert activity.shutdown_mode == "online"
    assert activity.backup_state == "stalled"
    assert activity.pages == {"read": 10, "write": 20, "fetch": 30, "mark": 40}
    assert activity.records["expunge"] == 8
    assert activity.oldest_active_age_seconds == 4.5
    assert activity.attachments == {"idle": 3, "active": 2}
    assert activity.statements == {"idle": 7, "active": 0, "stalled": 1}
    sink = MetricSink({"target": "t"}, CATALOGUE)
    series.activity(sink, activity, 0.0)
    assert sink.sample_value("firebird_backup_state", {"state": "stalled"}) == 1
    assert sink.sample_value("firebird_backup_state", {"state": "normal"}) == 0
    assert sink.sample_value("firebird_shutdown_mode", {"mode": "full"}) == 0
    assert sink.sample_value("firebird_pages_total", {"operation": "fetch"}) == 30


def test_activity_without_open_transactions_and_unknown_state() -> None:
    row = (7, None, *([None] * 12), None, 0)
    activity = mon.parse_activity(row, [], [])
    assert activity.shutdown_mode == "unknown_7"
    assert activity.backup_state is None
    assert activity.oldest_active_age_seconds == 0.0
    assert activity.pages["read"] == 0
    assert activity.attachments == {"idle": 0, "active": 0}


def test_identity_visibility() -> None:
    assert mon.parse_identity(("3.0.11", "SYSDBA", "NONE", "SYSDBA")).sees_all_attachments
    assert mon.parse_identity(("3.0", "MON ", "RDB$ADMIN", "SYSDBA")).sees_all_attachments
    assert mon.parse_identity(("3.0", "OWNER", "NONE", "OWNER")).sees_all_attachments
    limited = mon.parse_identity(("4.0", "MON", "NONE", "SYSDBA"))
    assert not limited.sees_all_attachments
    assert dataclasses.replace(limited, monitor_any_attachment=True).sees_all_attachments


def test_no_sql_text_or_user_names_are_queried() -> None:
    """Patient data never leaves: the queries read no statement text and no table contents."""
    texts = " ".join(
        [mon.PROBE_SQL, mon.DATABASE_SQL, mon.attachments_sql(12), mon.STATEMENTS_SQL]
    ).lower()
    for column in ("mon$sql_text", "mon$user", "mon$remote_address", "mon$explained_plan"):
        assert column not in texts
    assert "mon$system_flag" not in mon.attachments_sql(11)


@pytest.mark.parametrize(
    ("dsn", "database"),
    [
        ("127.0.0.1/3050:/var/db/praxis.fdb", "/var/db/praxis.fdb"),
        ("server:medatixx", "medatixx"),
        ("srv/3051:C:\\Daten\\PRAXIS.FDB", "C:\\Daten\\PRAXIS.FDB"),
        ("C:\\Daten\\PRAXIS.FDB", "C:\\Daten\\PRAXIS.FDB"),
        ("/var/db/local.fdb", "/var/db/local.fdb"),
    ],
)
def test_database_of(dsn: str, database: str) -> None:
    assert series.database_of(dsn) == database


def test_client_conf_replaces_connection_timeout() -> None:
    text = fbroot.client_conf("WireCrypt = Required\nConnectionTimeout = 180\n", 3)
    assert text == "WireCrypt = Required\nConnectionTimeout = 3\n"
    assert fbroot.timeout_seconds(0.2) == 1
    assert fbroot.timeout_seconds(2.5) == 3


def test_config_secrets_and_errors(tmp_path: Path) -> None:
    (tmp_path / "pw").write_text("s3cret\n")
    config = parse_config(
        "client_library: lib/libfbclient.so.2\n"
        "targets:\n  db:\n    dsn: h:/x.fdb\n    password_file: pw\n    log_file: fb.log\n",
        FirebirdConfig,
        base_dir=tmp_path,
    )
    target = config.targets["db"]
    assert target.password.get_secret_value() == "s3cret"
    assert target.driver == "firebird-driver"  # the default for Firebird 3+
    assert config.client_library == str(tmp_path / "lib" / "libfbclient.so.2")
    assert target.log_file == str(tmp_path / "fb.log")
    with pytest.raises(ConfigError) as exc:
        parse_config(
            "targets:\n  db:\n    dsn: h:/x.fdb\n    password: topsecret\n    driver: odbc\n",
            FirebirdConfig,
            source="fb.yml",
        )
    assert "fb.yml: targets.db.driver" in str(exc.value)
    assert "topsecret" not in str(exc.value)


ENTRY = "praxis-srv\tMon Nov 23 10:00:00 2026\n\t{}\n\n"


def test_classify() -> None:
    assert logscan.classify("internal Firebird consistency check (wrong page type (165))") == {
        "corruption"
    }
    assert logscan.classify('I/O error during "write" operation for file') == {"io"}
    assert logscan.classify("Fatal lock manager error: invalid lock id (0)") == {"lock"}
    assert logscan.classify("INET/inet_error: read errno = 104") == set()


def test_follower_reads_incrementally_and_survives_rotation(tmp_path: Path) -> None:
    log = tmp_path / "firebird.log"
    log.write_text(ENTRY.format("Database: /db/x.fdb\n\tdatabase file appears corrupt ()"))
    follower = logscan.LogFollower(str(log))
    assert follower.poll() == {"corruption": 1, "io": 0, "lock": 0}
    assert follower.poll()["corruption"] == 1  # nothing new, nothing counted twice
    with log.open("a") as fh:  # a half-written entry is finished on the next poll
        fh.write("praxis-srv\tMon Nov 23 10:01:00 2026\n\tI/O error during")
    assert follower.poll()["io"] == 0
    with log.open("a") as fh:
        fh.write(' "read" operation\n\n')
    assert follower.poll()["io"] == 1
    # rotation: the old file is finished first, then the new one is read from its start
    with log.open("a") as fh:
        fh.write(ENTRY.format("lock time-out on wait transaction"))
    os.rename(log, tmp_path / "firebird.log.1")
    log.write_text(ENTRY.format("Error while trying to write to file"))
    assert follower.poll() == {"corruption": 1, "io": 2, "lock": 1}
    # copytruncate: the file shrinks in place
    log.write_text(ENTRY.format("bugcheck"))
    assert follower.poll()["corruption"] == 2
    log.unlink()
    assert follower.poll()["corruption"] == 2
    assert follower.readable is False
    follower.close()


def test_sweep_backlog_is_ost_minus_oit() -> None:
    header = hdr.parse_header({**INFO, hdr.OLDEST_TRANSACTION: 10, hdr.OLDEST_SNAPSHOT: 95})
    assert header.sweep_backlog == 85
    sink = MetricSink({"target": "t"}, CATALOGUE)
    series.header(sink, header)
    assert sink.sample_value("firebird_sweep_backlog_transactions") == 85
    # a header read while the OIT moved past a stale OST never reports a negative backlog
    moved = hdr.parse_header({**INFO, hdr.OLDEST_TRANSACTION: 100, hdr.OLDEST_SNAPSHOT: 95})
    assert moved.sweep_backlog == 0


def test_a_call_after_the_deadline_is_not_started() -> None:
    cancelled: list[bool] = []
    with (
        pytest.raises(drivers.DeadlineCancelled, match="before the database call"),
        drivers.bounded(Deadline.after(0), lambda: cancelled.append(True)),
    ):
        raise AssertionError("must not run")
    assert cancelled == []
