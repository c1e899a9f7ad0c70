"""`push` targets: backup jobs report their result to `POST /push/<target>`.

The body is JSON: `{"success": true, "size_bytes": 123, "duration_seconds": 45.6,
"message": "...", "timestamp": 1700000000}` (only `success` is required). A job may also
signal its start with `POST /push/<target>/start` (healthchecks-style; empty body or
`{"timestamp": ...}`): the target then reports `backup_running 1` until the result arrives,
and the result's duration defaults to the time since the start. Each target has
its own bearer token. Accepted results are persisted atomically (temp file, fsync, rename,
fsync of the directory) so neither a restart nor a crash in the middle of a write loses or
corrupts the last acknowledged state. Rejected requests never touch the state.
"""

from __future__ import annotations

import dataclasses
import hashlib
import hmac
import json
import logging
import math
import os
import secrets
import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from exporters.backup.config import BackupConfig, PushTarget
from exporters.backup.status import BackupStatus
from exporters.core.atomicfile import remove_stale_temp_files_in, write_atomic
from exporters.core.files import read_text_bounded
from exporters.core.http import Request, Response, Route
from exporters.core.logsetup import fields

log = logging.getLogger("exporters.backup.push")

MAX_BODY = 8 * 1024
MAX_MESSAGE = 500
_KEYS = {"success", "size_bytes", "duration_seconds", "message", "timestamp"}
_MAX_FUTURE = 300.0  # a job clock ahead by more than this is rejected
STATE_FILE_LIMIT = 64 * 1024  # a state file is ~300 bytes
_MIN_TIMESTAMP = 946684800.0  # 2000-01-01: anything earlier is a unit error or an attack
_DUMMY_TOKEN = secrets.token_urlsafe(32)  # compared for unknown names: same work, no match


class BadPush(ValueError):
    """The body is not a valid push; the message says what (never echoes values)."""


@dataclass(frozen=True)
class PushState:
    """What is persisted per push target."""

    last_run: float | None = None
    last_run_success: bool | None = None
    last_success: float | None = None
    size_bytes: float | None = None
    duration_seconds: float | None = None
    message: str = ""
    runs: int = 0
    failures: int = 0
    started: float | None = None
    """When the last run started (start signal); kept after it finished."""
    running: bool = False
    """A start was signalled and no result has come since."""

    def status(self) -> BackupStatus:
        return BackupStatus(
            last_success=self.last_success,
            last_run=self.last_run,
            last_run_success=self.last_run_success,
            size_bytes=self.size_bytes,
            duration_seconds=self.duration_seconds,
        )


def _number(data: dict[str, Any], key: str) -> float | None:
    value = data.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise BadPush(f"{key} must be a number")
    number = float(value)
    if not math.isfinite(number) or number < 0:
        raise BadPush(f"{key} must be a finite number >= 0")
    return number


def _decode_object(body: bytes) -> dict[str, Any]:
    try:
        data = json.loads(
            body.decode("utf-8"), parse_constant=_reject_constant, parse_int=_bounded_int
        )
    except UnicodeDecodeError:
        raise BadPush("body must be UTF-8 JSON") from None
    except json.JSONDecodeError:
        raise BadPush("body is not valid JSON") from None
    except RecursionError:
        raise BadPush("body is nested too deeply") from None
    if not isinstance(data, dict):
        raise BadPush("body must be a JSON object")
    return data


def _check_keys(data: dict[str, Any], allowed: set[str]) -> None:
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise BadPush(f"unknown keys: {', '.join(k[:40] for k in unknown[:5])}")


def _timestamp(data: dict[str, Any], now: float) -> float:
    timestamp = _number(data, "timestamp")
    if timestamp is not None and timestamp > now + _MAX_FUTURE:
        raise BadPush("timestamp lies in the future")
    if timestamp is not None and timestamp < _MIN_TIMESTAMP:
        raise BadPush("timestamp lies before the year 2000 (seconds since 1970 expected)")
    return timestamp if timestamp is not None else now


def parse_body(body: bytes, now: float) -> dict[str, Any]:
    """Validate a push body; return the normalized fields or raise BadPush."""
    data = _decode_object(body)
    _check_keys(data, _KEYS)
    success = data.get("success")
    if not isinstance(success, bool):
        raise BadPush("success must be true or false")
    message = data.get("message", "")
    if not isinstance(message, str):
        raise BadPush("message must be a string")
    return {
        "success": success,
        "size_bytes": _number(data, "size_bytes"),
        "duration_seconds": _number(data, "duration_seconds"),
        "message": message[:MAX_MESSAGE],
        "timestamp": _timestamp(data, now),
    }


def parse_start(body: bytes, now: float) -> float:
    """A start signal's body: empty, or `{"timestamp": ...}`; returns when the run started."""
    if not body.strip():
        return now
    data = _decode_object(body)
    _check_keys(data, {"timestamp"})
    return _timestamp(data, now)


def _bounded_int(text: str) -> int:
    """JSON integers of at most 20 digits: a 400-digit number is no size or timestamp
    (and became an OverflowError, i.e. a 500, when converted to float)."""
    if len(text.lstrip("-")) > 20:
        raise BadPush("numbers must have at most 20 digits")
    return int(text)


def _reject_constant(name: str) -> Any:
    raise BadPush("NaN and Infinity are not numbers here")


def begin(previous: PushState | None, when: float) -> PushState:
    """The new state after an accepted start signal (pure): running from `when`."""
    return dataclasses.replace(previous or PushState(), started=when, running=True)


def apply(previous: PushState | None, push: dict[str, Any]) -> PushState:
    """The new state after an accepted push (pure); it ends a running run."""
    ok = bool(push["success"])
    when = float(push["timestamp"])
    prev_success = previous.last_success if previous else None
    prev_size = previous.size_bytes if previous else None
    duration = push["duration_seconds"]
    started = previous.started if previous else None
    if duration is None and previous is not None and previous.running and started is not None:
        duration = max(0.0, when - started)  # the job did not measure it: since its start
    return PushState(
        last_run=when,
        last_run_success=ok,
        last_success=when if ok else prev_success,
        # the size of the last *successful* backup, so a failure does not look like a drop
        size_bytes=push["size_bytes"] if ok and push["size_bytes"] is not None else prev_size,
        duration_seconds=duration,
        message=push["message"],
        runs=(previous.runs if previous else 0) + 1,
        failures=(previous.failures if previous else 0) + (0 if ok else 1),
        started=started,
        running=False,
    )


class StateStore:
    """One JSON file per target under `directory`; writes are atomic and durable."""

    _locks: dict[str, threading.Lock] = {}
    _locks_guard = threading.Lock()

    def __init__(self, directory: str | os.PathLike[str]) -> None:
        self.directory = Path(directory)

    def path(self, target: str) -> Path:
        return self.directory / f"{target}.json"

    def lock(self, target: str) -> threading.Lock:
        key = str(self.path(target))
        with self._locks_guard:
            return self._locks.setdefault(key, threading.Lock())

    def load(self, target: str) -> PushState | None:
        """The persisted state, None if there is none; raise ValueError if it is unreadable."""
        try:
            text = read_text_bounded(self.path(target), STATE_FILE_LIMIT)
        except FileNotFoundError:
            return None
        except (OSError, UnicodeDecodeError) as exc:
            raise ValueError(
                f"state file of {target} is unreadable: {type(exc).__name__}"
            ) from None
        try:
            return PushState(**json.loads(text))
        except (json.JSONDecodeError, TypeError) as exc:
            raise ValueError(f"state file of {target} is corrupt: {type(exc).__name__}") from None

    def remove_stale_temp_files(self, older_than: float = 300.0) -> int:
        """Delete temp files left by a writer that was killed; returns how many."""
        return remove_stale_temp_files_in(self.directory, older_than)

    def save(self, target: str, state: PushState) -> None:
        """Atomic and durable (core.atomicfile): the file is always the old or the new state."""
        write_atomic(self.path(target), json.dumps(asdict(state), sort_keys=True).encode())


def token_matches(header: str | None, expected: str) -> bool:
    """Constant-time comparison of a `Bearer <token>` header (digests hide the length)."""
    if not header or header[:7].lower() != "bearer ":
        return False
    given = hashlib.sha256(header[7:].strip().encode()).digest()
    return hmac.compare_digest(given, hashlib.sha256(expected.encode()).digest())


class PushStats:
    """Counts of push requests by outcome, for `backup_push_requests_total`."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.counts: dict[str, int] = {}

    def count(self, code: int) -> None:
        with self._lock:
            self.counts[str(code)] = self.counts.get(str(code), 0) + 1

    def snapshot(self) -> dict[str, int]:
        with self._lock:
            return dict(self.counts)


STATS = PushStats()


def handle_push(request: Request, runtime: Any) -> Response:
    """`POST /push/<target>`: 401 no token, 403 wrong token or unknown target, 400 body,
    409 older than the stored result, 200 stored. Every answer is counted, 500s too."""
    try:
        response = _handle(request, runtime.config)
    except Exception as exc:
        log.error("push failed", extra=fields(err=type(exc).__name__, client=request.client))
        response = Response.text(500, "internal error; see the exporter's log")
    STATS.count(response.status)
    return response


def _handle(request: Request, config: BackupConfig) -> Response:
    path = request.path[len("/push/") :].strip("/")
    name, _, action = path.partition("/")
    start = action == "start"
    if action and not start:
        name = path  # no such endpoint: answered like an unknown target
    header = request.headers.get("authorization")
    if not header or not header.lower().startswith("bearer "):
        # before looking the name up: without a token, known and unknown names look alike
        resp = Response.text(401, "send Authorization: Bearer <token>")
        resp.headers["WWW-Authenticate"] = 'Bearer realm="praxis-backup-exporter"'
        return resp
    target = config.targets.get(name)
    expected = target.token.get_secret_value() if isinstance(target, PushTarget) else _DUMMY_TOKEN
    if not token_matches(header, expected) or not isinstance(target, PushTarget):
        # an unknown name gets the same answer as a wrong token: names cannot be enumerated
        log.warning(
            "push with wrong token or to an unknown target",
            extra=fields(target=name[:64], client=request.client),
        )
        return Response.text(403, "wrong token for this target")
    now = time.time()
    try:
        push = (
            {"timestamp": parse_start(request.body, now)}
            if start
            else parse_body(request.body, now)
        )
    except BadPush as exc:
        return Response.text(400, f"bad push: {exc}")
    store = StateStore(config.push.state_dir)
    with store.lock(name):
        try:
            previous = store.load(name)
        except ValueError:
            previous = None  # a corrupt file (should not happen) is replaced, not kept
        last = previous.last_run if previous is not None else None
        if last is not None and push["timestamp"] < last:
            # a replayed or late result must not move the last success back in time, nor
            # a late start mark a finished run as running
            return Response.text(
                409, "bad push: timestamp is older than the last stored result of this target"
            )
        state = begin(previous, push["timestamp"]) if start else apply(previous, push)
        store.save(name, state)
    log.info(
        "push start accepted" if start else "push accepted",
        extra=fields(target=name, success=push.get("success"), client=request.client),
    )
    return Response(200, b'{"status":"stored"}\n', "application/json")


ROUTE = Route(
    method="POST",
    prefix="/push/",
    handler=handle_push,
    own_auth=True,
    max_body=MAX_BODY,
    description="a backup job reports its start (/push/<target>/start) and its result"
    " (bearer token per target)",
)
