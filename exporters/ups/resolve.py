"""Host names -> addresses without blocking a scrape beyond its deadline.

`getaddrinfo` has no timeout: a hung DNS server would hold a scrape thread for as long as the
resolver library likes. Lookups therefore run in a small worker pool and are cached
(`ttl` seconds, failures for `negative_ttl`); a scrape waits for a lookup at most until its
deadline and then uses the last known answer, if any.
"""

from __future__ import annotations

import ipaddress
import socket
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout

from exporters.core.deadline import Deadline


def normalize(address: str) -> str | None:
    """An IP literal in one spelling (IPv4-mapped IPv6 as IPv4); None if not an address."""
    try:
        ip = ipaddress.ip_address(address.strip("[]").split("%", 1)[0])
    except ValueError:
        return None
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.compressed


class ResolveError(Exception):
    """A name could not be resolved (in time); the message is safe to log."""


class Resolver:
    def __init__(self, ttl: float = 300.0, negative_ttl: float = 60.0, workers: int = 2) -> None:
        self.ttl = ttl
        self.negative_ttl = negative_ttl
        self._executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="ups-dns")
        self._lock = threading.Lock()
        self._cache: dict[str, tuple[float, frozenset[str]]] = {}
        self._pending: dict[str, Future[frozenset[str]]] = {}

    def addresses(self, name: str, deadline: Deadline) -> frozenset[str]:
        """The addresses of `name` (empty if it does not resolve); ResolveError if the
        lookup is still running at the deadline and nothing is cached."""
        literal = normalize(name)
        if literal is not None:
            return frozenset({literal})
        now = time.monotonic()
        with self._lock:
            cached = self._cache.get(name)
            if cached is not None and now < cached[0]:
                return cached[1]
            future = self._pending.get(name)
            if future is None:
                future = self._executor.submit(self._lookup, name)
                self._pending[name] = future
        try:
            return future.result(timeout=deadline.remaining())
        except FutureTimeout:
            if cached is not None:
                return cached[1]  # stale but better than nothing; refreshed in the background
            raise ResolveError(f"resolving {name} did not finish before the deadline") from None

    def _lookup(self, name: str) -> frozenset[str]:
        try:
            infos = socket.getaddrinfo(name, None, type=socket.SOCK_STREAM)
            found = frozenset(a for i in infos if (a := normalize(str(i[4][0]))) is not None)
        except (OSError, UnicodeError):
            found = frozenset()
        ttl = self.ttl if found else self.negative_ttl
        with self._lock:
            self._cache[name] = (time.monotonic() + ttl, found)
            self._pending.pop(name, None)
        return found

    def close(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)
