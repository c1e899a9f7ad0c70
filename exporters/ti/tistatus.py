"""The public gematik TI-Lage (API v2): outage per application, fetched rarely and cached.

gematik updates the picture every 5 minutes and asks automated clients not to poll more
often; the cache is shared by all targets with the same URL and `interval` bounds the
fetches (failures are retried no sooner either).
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass
from typing import Any

from exporters.core import Deadline
from exporters.core.httpclient import (
    HttpClient,
    HttpError,
    HttpTimeout,
    ResponseTooLarge,
    TLSOptions,
)

OUTAGES = ("none", "partial", "full")
MAX_BYTES = 2 * 1024 * 1024


class StatusFailed(Exception):
    """The TI-Lage could not be fetched or parsed; the message is safe to log."""


@dataclass(frozen=True)
class AppStatus:
    app: str
    outage: str
    maintenance: bool


@dataclass(frozen=True)
class Snapshot:
    apps: tuple[AppStatus, ...]
    fetched_at: float  # Unix time of the successful fetch
    ok: bool
    error: str = ""


def parse(document: bytes) -> tuple[AppStatus, ...]:
    """Parse the v2 JSON `{"appStatus": {app: {"outage": ..., ...}}, "cause": [...]}`."""
    try:
        data: Any = json.loads(document)
    except (ValueError, UnicodeDecodeError):
        raise StatusFailed("TI-Lage answer is not JSON") from None
    apps = data.get("appStatus") if isinstance(data, dict) else None
    if not isinstance(apps, dict):
        raise StatusFailed("TI-Lage answer has no appStatus object")
    out = []
    for name, entry in apps.items():
        if not isinstance(name, str) or not isinstance(entry, dict):
            continue
        outage = str(entry.get("outage", "")).lower()
        out.append(
            AppStatus(
                app=name[:32],
                outage=outage[:16] if outage else "unknown",
                maintenance=bool(entry.get("hasMaintenance")),
            )
        )
    return tuple(sorted(out, key=lambda a: a.app))


class StatusCache:
    """One cached snapshot per URL; a fetch happens at most once per `interval`."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._entries: dict[str, tuple[float, Snapshot]] = {}  # url -> (monotonic, snap)

    def get(self, url: str, interval: float, deadline: Deadline, ca_file: str | None) -> Snapshot:
        with self._lock:
            cached = self._entries.get(url)
            if cached and time.monotonic() - cached[0] < interval:
                return cached[1]
            snapshot = _fetch(url, deadline, ca_file, previous=cached[1] if cached else None)
            self._entries[url] = (time.monotonic(), snapshot)
            return snapshot


def _fetch(
    url: str, deadline: Deadline, ca_file: str | None, previous: Snapshot | None
) -> Snapshot:
    client = HttpClient(
        TLSOptions(ca_file=ca_file),
        headers={"Accept": "application/json", "User-Agent": "praxis-ti-exporter"},
        max_idle=0,  # one fetch per interval (at least 5 minutes): nothing worth keeping
    )
    try:
        resp = client.get(url, deadline, max_bytes=MAX_BYTES)
        if resp.status != 200:
            raise StatusFailed(f"TI-Lage answered HTTP {resp.status}")
        apps = parse(resp.body)
        return Snapshot(apps, time.time(), True)
    except (ResponseTooLarge, HttpTimeout):
        error = "TI-Lage answer too large or too slow"
    except HttpError as exc:
        error = f"TI-Lage request failed: {exc}"
    except StatusFailed as exc:
        error = str(exc)
    finally:
        client.close()
    fetched = previous.fetched_at if previous else 0.0
    return Snapshot((), fetched, False, error)  # stale outages are not shown as current
