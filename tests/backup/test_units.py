"""Pure functions of the backup exporter: globs, logs, tool JSON, push bodies, Veeam."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from exporters.backup import files, gbak, repo, repositories, veeam
from exporters.backup.config import BackupConfig, FilesTarget
from exporters.backup.push import BadPush, PushState, apply, parse_body, token_matches
from exporters.core.config import ConfigError, parse_config

NOW = 1_800_000_000.0

# Recorded from restic 0.14 / borg 1.2 (Debian 12) on a scratch repository.
RESTIC_SNAPSHOTS = json.dumps(
    [
        {
            "time": "2026-11-25T21:52:07.517549145Z",
            "tree": "17495e41",
            "paths": ["/srv/praxis"],
            "hostname": "praxis",
            "username": "root",
            "tags": ["daily"],
            "id": "2fb06e62983c489c6008168f817aa0038e7922278cd49829db6921ae691166f4",
            "short_id": "2fb06e62",
        },
        {
            "time": "2026-11-26T21:52:07.1+01:00",
            "paths": ["/srv/other"],
            "hostname": "praxis",
            "tags": None,
            "id": "aa",
        },
    ]
)
BORG_LIST = json.dumps(
    {
        "archives": [
            {"archive": "a1", "name": "a1", "id": "e7", "start": "2026-11-25T21:52:10.000000"},
            {"archive": "a2", "name": "a2", "id": "e8", "start": "2026-11-26T21:52:10.000000"},
        ],
        "encryption": {"mode": "repokey"},
        "repository": {"id": "03", "location": "/tmp/x"},
    }
)
BORG_INFO = json.dumps(
    {
        "archives": [
            {
                "duration": 0.010758,
                "end": "2026-11-25T21:52:10.000000",
                "name": "a1",
                "stats": {"compressed_size": 9, "nfiles": 2, "original_size": 200003},
            }
        ]
    }
)


@pytest.mark.parametrize(
    ("pattern", "path", "matches"),
    [
        ("/b/**/*.fbk", "x.fbk", True),
        ("/b/**/*.fbk", "a/b/c/x.fbk", True),
        ("/b/**/*.fbk", "a/x.fbk.tmp", False),
        ("/b/*.bak", "x.bak", True),
        ("/b/*.bak", "sub/x.bak", False),
        ("/b/praxis-[0-9]*.bak", "praxis-2024.bak", True),
        ("/b/praxis-[!0-9]*.bak", "praxis-2024.bak", False),
        ("/b/d?/*", "d1/f", True),
        ("/b/**", "any/thing", True),
    ],
)
def test_glob_compiles_like_shell_globs(pattern: str, path: str, matches: bool) -> None:
    glob = files.compile_glob(pattern)
    assert glob.base == "/b"
    assert bool(glob.regex.match(path)) is matches


def test_glob_base_stops_at_first_wildcard_and_limits_depth() -> None:
    glob = files.compile_glob("/mnt/nas/*/daily/*.fbk")
    assert glob.base == "/mnt/nas"
    assert glob.max_depth == 2
    assert files.compile_glob("/mnt/**/x").max_depth is None


def test_summarize_takes_newest_big_enough_file() -> None:
    found = [
        files.FileInfo(5000, NOW - 7200),
        files.FileInfo(6000, NOW - 3600),
        files.FileInfo(10, NOW - 60),  # newest but truncated
    ]
    result = files.summarize(found, min_size_bytes=1000)
    assert result.status.last_success == NOW - 3600
    assert result.status.size_bytes == 6000
    assert result.status.last_run == NOW - 60
    assert result.status.last_run_success is False
    assert (result.matching, result.valid) == (3, 2)


def test_summarize_nothing_found_knows_nothing() -> None:
    result = files.summarize([], 1)
    assert result.status.last_success is None
    assert result.status.last_run_success is None


def test_gbak_verdicts() -> None:
    ok = gbak.parse_log(
        "gbak:writing tables\ngbak:closing file, committing, and finishing. 512 bytes written\n"
    )
    assert ok.success and ok.bytes_written == 512
    failed = gbak.parse_log(
        "gbak: ERROR:Your user name and password are not defined.\n"
        "gbak:Exiting before completion due to errors\n"
    )
    assert not failed.success and failed.errors == 1
    killed = gbak.parse_log("gbak:writing tables\ngbak:writing data for table X\n")
    assert not killed.success and killed.errors == 0
    status = gbak.status_from(failed, NOW)
    assert status.last_success is None and status.last_run_success is False


def test_restic_parsing_and_filters() -> None:
    snaps = repo.restic_snapshots(RESTIC_SNAPSHOTS)
    assert len(snaps) == 2
    assert snaps[0].time == pytest.approx(1795643527.517549)
    latest = repo.select_latest(snaps, host="praxis")
    assert latest is not None and latest.id == "aa"
    tagged = repo.select_latest(snaps, tags=["daily"])
    assert tagged is not None and tagged.id.startswith("2fb06e62")
    assert repo.select_latest(snaps, host="other") is None
    assert repo.restic_stats_size('{"total_size":200003,"total_file_count":3}') == 200003
    with pytest.raises(repo.ParseError):
        repo.restic_stats_size('{"total_size": -1}')
    with pytest.raises(repo.ParseError):
        repo.restic_snapshots("Fatal: wrong password")
    ids = repo.restic_lock_ids("a" * 64 + "\nnot an id\n")
    assert ids == ["a" * 64]
    lock = repo.restic_lock('{"time":"2026-11-25T21:52:07Z","exclusive":true,"pid":1}')
    assert lock.exclusive and lock.time == pytest.approx(1795643527.0)


def test_borg_parsing() -> None:
    archives = repo.borg_archives(BORG_LIST)
    assert [a.id for a in archives] == ["a1", "a2"]
    info = repo.borg_info(BORG_INFO)
    assert info.size_bytes == 200003 and info.duration_seconds == pytest.approx(0.010758)
    with pytest.raises(repo.ParseError):
        repo.borg_info('{"archives": []}')


def test_lock_summary() -> None:
    assert repositories.lock_summary(None, NOW, 60) == (None, None, None)
    assert repositories.lock_summary((), NOW, 60) == (0, None, 0)
    locks = (repo.Lock(NOW - 30, False), repo.Lock(NOW - 7200, True))
    assert repositories.lock_summary(locks, NOW, 3600) == (1, 7200, 1)


def test_push_body_validation() -> None:
    push = parse_body(b'{"success": true, "size_bytes": 10, "duration_seconds": 1.5}', NOW)
    assert push["timestamp"] == NOW and push["size_bytes"] == 10
    bad = [
        b"",
        b"not json",
        b"[]",
        b'{"success": "yes"}',
        b'{"size_bytes": 1}',
        b'{"success": true, "size_bytes": -1}',
        b'{"success": true, "size_bytes": "12"}',
        b'{"success": true, "size_bytes": true}',
        b'{"success": true, "duration_seconds": NaN}',
        b'{"success": true, "size_bytes": Infinity}',
        b'{"success": true, "size_bytes": 1e999}',
        b'{"success": true, "timestamp": 9999999999}',
        b'{"success": true, "message": 5}',
        b'{"success": true, "extra": 1}',
        b"\xff\xfe",
    ]
    for body in bad:
        with pytest.raises(BadPush):
            parse_body(body, NOW)


def test_push_apply_keeps_last_success_and_size_on_failure() -> None:
    first = apply(None, parse_body(b'{"success": true, "size_bytes": 100}', NOW))
    second = apply(first, parse_body(b'{"success": false, "message": "disk full"}', NOW + 10))
    assert second.last_success == NOW and second.last_run == NOW + 10
    assert second.size_bytes == 100 and not second.last_run_success
    assert (second.runs, second.failures) == (2, 1)
    assert isinstance(second, PushState)


def test_token_comparison() -> None:
    assert token_matches("Bearer s3cret-token-0123456789", "s3cret-token-0123456789")
    assert token_matches("bearer  s3cret-token-0123456789 ", "s3cret-token-0123456789")
    assert not token_matches("Bearer s3cret", "s3cret-token-0123456789")
    assert not token_matches("Basic abc", "abc")
    assert not token_matches(None, "abc")


def test_veeam_job_states_and_status() -> None:
    payload = {
        "data": [
            {
                "id": "1",
                "name": "PVS Server",
                "type": "Backup",
                "status": "inactive",
                "lastRun": "2026-11-25T02:00:00.000Z",
                "lastResult": "Failed",
                "nextRun": "2026-11-26T02:00:00Z",
            },
            {"id": "2", "name": "New", "status": "disabled", "lastResult": "None"},
        ],
        "pagination": {"total": 5, "count": 2, "skip": 0, "limit": 2},
    }
    jobs, total = veeam.parse_job_states(payload)
    assert total == 5 and [j.name for j in jobs] == ["PVS Server", "New"]
    failed = veeam.job_status(jobs[0], remembered_success=NOW)
    assert failed.last_run_success is False and failed.last_success == NOW
    never = veeam.job_status(jobs[1], None)
    assert never.last_run is None and never.last_run_success is None
    ok = veeam.job_status(veeam.VeeamJob("x", "Backup", "inactive", "Warning", NOW, None), None)
    assert ok.last_success == NOW and ok.last_run_success is True
    with pytest.raises(repo.ParseError):
        veeam.parse_job_states({"errorCode": "Unauthorized"})


def test_config_errors_name_the_key_not_the_value(tmp_path: Path) -> None:
    (tmp_path / "tok").write_text("short\n")
    cases = {
        "targets:\n  a:\n    type: push\n    token_file: tok\n": "targets.a.push.token",
        "targets:\n  a:\n    type: tape\n": "targets.a",
        "targets:\n  a:\n    type: files\n    path: x\n    max_age: soon\n": "max_age",
        "targets:\n  a:\n    type: veeam\n    url: http://v\n    username: u\n"
        "    password: hunter2222\n": "url",
        "targets:\n  a:\n    type: files\n    path: x\n    colour: red\n": "unknown key",
    }
    for text, expected in cases.items():
        with pytest.raises(ConfigError) as err:
            parse_config(text, BackupConfig, source="b.yml", base_dir=tmp_path)
        assert expected in str(err.value)
        assert "hunter2222" not in str(err.value) and "short" not in str(err.value)


def test_config_defaults(tmp_path: Path) -> None:
    config = parse_config(
        "targets:\n  a:\n    type: files\n    path: b/*.fbk\n", BackupConfig, base_dir=tmp_path
    )
    target = config.targets["a"]
    assert isinstance(target, FilesTarget)
    assert target.max_age == 26 * 3600
    assert target.path == str(tmp_path / "b/*.fbk")
