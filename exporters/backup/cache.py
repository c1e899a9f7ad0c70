"""Results of expensive calls (repository listings, checks, REST logins) kept for an interval."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")


class TTLCache:
    """Per-key values with an expiry; a failed refresh is not cached (next scrape retries)."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._data: dict[str, tuple[float, Any]] = {}
        self._lock = threading.Lock()

    def get(self, key: str, ttl: float, produce: Callable[[], T]) -> T:
        now = self._clock()
        with self._lock:
            hit = self._data.get(key)
        if hit is not None and now - hit[0] < ttl:
            value: T = hit[1]
            return value
        value = produce()
        with self._lock:
            self._data[key] = (self._clock(), value)
        return value
