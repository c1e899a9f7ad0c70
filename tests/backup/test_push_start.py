"""Start signals (`POST /push/<target>/start`), max_duration and the expected schedule.

Schedules are pure functions of a given `now`: every clock here is fixed. The HTTP tests
run the exporter as a process.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from devkit.exporter import ExporterProcess, parse_samples, value
from exporters.backup.config import BackupConfig, PushTarget
from exporters.backup.push import PushState, apply, begin, parse_start
from exporters.backup.schedule import parse_at
from exporters.core.config import ConfigError, parse_config
from tests.backup.test_push import OTHER, TOKEN, post

BERLIN = ZoneInfo("Europe/Berlin")


def at(text: str) -> float:
    """A Berlin wall-clock time as a Unix timestamp."""
    return datetime.fromisoformat(text).replace(tzinfo=BERLIN).timestamp()


def push_target(schedule: str) -> PushTarget:
    config = parse_config(
        f"targets:\n  j:\n    type: push\n    token: {TOKEN}\n    schedule: {schedule}\n",
        BackupConfig,
    )
    target = config.targets["j"]
    assert isinstance(target, PushTarget) and target.schedule is not None
    return target


def test_weekday_schedule_previous_and_next() -> None:
    target = push_target('{at: "01:30", weekdays: [mon, tue, wed, thu, fri]}')
    assert target.schedule is not None
    plan = target.schedule.plan()
    # Tuesday 2026-03-10 03:00: this night's start was due at 01:30, the next is Wednesday
    assert plan.previous(at("2026-03-10T03:00")) == at("2026-03-10T01:30")
    assert plan.next(at("2026-03-10T03:00")) == at("2026-03-11T01:30")
    # exactly at the start time it is the previous one
    assert plan.previous(at("2026-03-10T01:30")) == at("2026-03-10T01:30")
    # Monday 00:10: the last due start was Friday's; Saturday and Sunday are not expected
    assert plan.previous(at("2026-03-16T00:10")) == at("2026-03-13T01:30")
    assert plan.next(at("2026-03-14T12:00")) == at("2026-03-16T01:30")
    assert target.schedule.grace == 1800


def test_schedule_across_daylight_saving_changes() -> None:
    plan = push_target('{at: "02:30", timezone: Europe/Berlin}').schedule
    assert plan is not None
    daily = plan.plan()
    # 2026-03-29: 02:00 jumps to 03:00, so 02:30 does not exist; the start counts from 03:30
    spring = daily.previous(at("2026-03-29T12:00"))
    assert spring is not None and at("2026-03-29T01:00") < spring <= at("2026-03-29T04:00")
    # 2026-10-25: 02:30 exists twice; one of them, and not a day off
    autumn = daily.previous(at("2026-10-25T12:00"))
    assert autumn is not None and at("2026-10-25T01:00") < autumn < at("2026-10-25T04:00")
    for now in (at("2026-03-29T12:00"), at("2026-10-25T12:00")):
        before, after = daily.previous(now), daily.next(now)
        assert before is not None and after is not None
        assert before <= now < after and after - before < 26 * 3600


@pytest.mark.parametrize(
    ("schedule", "key"),
    [
        ('{at: "25:00"}', "at"),
        ('{at: "1:3"}', "at"),
        ('{at: "01:30", weekdays: []}', "weekdays"),
        ('{at: "01:30", weekdays: [monday]}', "weekdays"),
        ('{at: "01:30", timezone: Mars/Olympus}', "timezone"),
        ('{at: "01:30", grace: 0s}', "grace"),
        ('{at: "01:30", every: 1d}', "every"),
    ],
)
def test_bad_schedules_name_the_key(schedule: str, key: str) -> None:
    with pytest.raises(ConfigError) as err:
        push_target(schedule)
    assert f"targets.j.push.schedule.{key}" in str(err.value)


def test_start_then_result_measures_the_duration() -> None:
    state = begin(None, 1000.0)
    assert state.running and state.started == 1000.0 and state.last_run is None
    done = apply(
        state,
        {
            "success": True,
            "size_bytes": None,
            "duration_seconds": None,
            "message": "",
            "timestamp": 1450.0,
        },
    )
    assert not done.running and done.duration_seconds == 450.0 and done.started == 1000.0
    assert done.runs == 1
    # a job that measures itself wins; a result without a start keeps no made-up duration
    measured = apply(begin(done, 2000.0), {**_result(2100.0), "duration_seconds": 90.0})
    assert measured.duration_seconds == 90.0
    unstarted = apply(PushState(1000.0, True), _result(3000.0))
    assert unstarted.duration_seconds is None


def _result(when: float) -> dict[str, object]:
    return {
        "success": True,
        "size_bytes": None,
        "duration_seconds": None,
        "message": "",
        "timestamp": when,
    }


def test_start_bodies() -> None:
    now = 1_764_000_000.0
    assert parse_start(b"", now) == now
    assert parse_start(b"{}", now) == now
    assert parse_start(b'{"timestamp": 1763999000}', now) == 1763999000
    for bad in (b'{"success": true}', b"[1]", b'{"timestamp": -1}', b"{x"):
        with pytest.raises(ValueError):
            parse_start(bad, now)


def _config(tmp_path: Path) -> Path:
    (tmp_path / "token").write_text(TOKEN + "\n")
    (tmp_path / "other").write_text(OTHER + "\n")
    path = tmp_path / "backup.yml"
    path.write_text(
        "targets:\n"
        "  wsb:\n    type: push\n    token_file: token\n    max_duration: 3h\n"
        '    schedule: {at: "01:30", weekdays: [mon, tue, wed, thu, fri]}\n'
        "  robocopy:\n    type: push\n    token_file: other\n"
        "push:\n  state_dir: state\n"
    )
    return path


def test_start_signal_over_http(
    start_exporter: Callable[..., ExporterProcess], tmp_path: Path
) -> None:
    exporter = start_exporter("backup", _config(tmp_path))
    base = f"{exporter.url}/push/wsb"
    idle = parse_samples(exporter.get("/probe?target=wsb"))
    assert value(idle, "backup_running") == 0
    assert value(idle, "backup_last_start_timestamp_seconds") is None
    assert value(idle, "backup_max_duration_seconds") == 3 * 3600
    expected = value(idle, "backup_expected_start_timestamp_seconds")
    upcoming = value(idle, "backup_next_run_timestamp_seconds")
    assert expected is not None and upcoming is not None and expected < upcoming
    assert value(idle, "backup_start_grace_seconds") == 1800
    # targets without max_duration or schedule do not invent them
    other = parse_samples(exporter.get("/probe?target=robocopy"))
    assert value(other, "backup_running") == 0
    assert value(other, "backup_max_duration_seconds") is None
    assert value(other, "backup_expected_start_timestamp_seconds") is None

    started = 1_764_000_000
    assert post(f"{base}/start", json.dumps({"timestamp": started}).encode()) == 200
    running = parse_samples(exporter.get("/probe?target=wsb"))
    assert value(running, "backup_running") == 1
    assert value(running, "backup_last_start_timestamp_seconds") == started
    assert value(running, "backup_last_run_timestamp_seconds") is None

    cases: list[tuple[str, bytes, str | None, int]] = [
        (f"{base}/start", b"", None, 401),
        (f"{base}/start", b"", OTHER, 403),  # another target's token
        (f"{exporter.url}/push/nope/start", b"", TOKEN, 403),  # unknown: like a wrong token
        (f"{base}/stop", b"", TOKEN, 403),  # no such endpoint
        (f"{base}/start", b'{"success": true}', TOKEN, 400),
        (f"{base}/start", b"{not json", TOKEN, 400),
    ]
    for url, body, token, code in cases:
        assert post(url, body, token) == code, (url, body, token)
    assert value(parse_samples(exporter.get("/probe?target=wsb")), "backup_running") == 1

    result = {"success": True, "timestamp": started + 5400}
    assert post(base, json.dumps(result).encode()) == 200
    done = parse_samples(exporter.get("/probe?target=wsb"))
    assert value(done, "backup_running") == 0
    assert value(done, "backup_last_duration_seconds") == 5400
    assert value(done, "backup_last_start_timestamp_seconds") == started
    # a late start (older than the stored result) would mark the finished run running
    late = json.dumps({"timestamp": started + 60}).encode()
    assert post(f"{base}/start", late) == 409
    assert value(parse_samples(exporter.get("/probe?target=wsb")), "backup_running") == 0
    assert value(exporter.metrics(), "backup_push_requests_total", code="200") == 2
    assert TOKEN not in exporter.log_text()


def test_parse_at() -> None:
    assert parse_at("01:30").hour == 1 and parse_at("23:05").minute == 5
    with pytest.raises(ValueError, match="HH:MM"):
        parse_at("noon")
