"""`rate_limit` of the exporter-toolkit web config: one token bucket for all requests.

Same semantics as the toolkit (golang.org/x/time/rate): a token every `interval`, at most
`burst` saved up; a request without a token gets 429. `interval: 0` switches it off.
"""

from __future__ import annotations

import threading
import time


class TokenBucket:
    def __init__(self, interval: float = 0.0, burst: int = 0) -> None:
        self.interval = interval
        self.burst = burst
        self._tokens = float(burst)
        self._last = time.monotonic()
        self._lock = threading.Lock()

    @property
    def enabled(self) -> bool:
        return self.interval > 0

    def allow(self) -> bool:
        """Take a token if there is one."""
        if not self.enabled:
            return True
        with self._lock:
            now = time.monotonic()
            self._tokens = min(self.burst, self._tokens + (now - self._last) / self.interval)
            self._last = now
            if self._tokens >= 1:
                self._tokens -= 1
                return True
            return False
