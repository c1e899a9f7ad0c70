"""HTTP basic auth against bcrypt hashes, checked in constant time and cached.

bcrypt is deliberately slow (~70 ms at cost 10); Prometheus sends the same credentials every
scrape, so verified (hash, user, password) triples are cached by a keyed digest, as
exporter-toolkit does. Only successes are cached: failed guesses cannot fill the cache and
push the real credentials out.

Guessing is braked and does not reveal user names:
- an unknown user is checked against a dummy hash of the same cost as the configured
  hashes (the most common one), so both take the same time;
- at most `MAX_CHECKS` bcrypt checks run at once (half the CPUs); a request that cannot get
  a slot within `CHECK_WAIT` seconds is answered 429 (`AuthBusy`). Cached credentials never
  wait, so scrapes keep their speed while someone guesses.

bcrypt, hmac and hashlib are imported with the first user (hashlib loads OpenSSL's
libcrypto, about 4 MiB): an exporter without basic auth does not pay for them.
"""

from __future__ import annotations

import base64
import binascii
import os
import threading
from collections import Counter

_CACHE_LIMIT = 1024
MAX_CHECKS = max(1, (os.cpu_count() or 2) // 2)
CHECK_WAIT = 5.0
DEFAULT_COST = 10

_checks = threading.BoundedSemaphore(MAX_CHECKS)
_dummies: dict[int, bytes] = {}
_dummies_lock = threading.Lock()


class AuthBusy(Exception):
    """Too many password checks are running; the request should be retried later."""


def dummy_hash(cost: int) -> bytes:
    """A hash nobody knows the password of, at `cost` (made once per cost)."""
    with _dummies_lock:
        found = _dummies.get(cost)
        if found is None:
            import bcrypt

            found = bcrypt.hashpw(os.urandom(16), bcrypt.gensalt(rounds=cost))
            _dummies[cost] = found
        return found


def hash_cost(hashed: str) -> int:
    """The cost of a `$2b$NN$...` hash (DEFAULT_COST if it does not say)."""
    text = hashed[4:6]
    return int(text) if text.isdigit() and 4 <= int(text) <= 31 else DEFAULT_COST


class BasicAuth:
    def __init__(self, users: dict[str, str]) -> None:
        self._users = {u: h.encode() for u, h in users.items()}
        self._key = os.urandom(32)
        self._cache: set[bytes] = set()
        self._lock = threading.Lock()
        self._dummy = b""
        if users:
            costs = Counter(hash_cost(h) for h in users.values())
            cost = max(costs, key=lambda c: (costs[c], c))
            self._dummy = dummy_hash(cost)

    @property
    def enabled(self) -> bool:
        return bool(self._users)

    @property
    def dummy_cost(self) -> int | None:
        return hash_cost(self._dummy.decode()) if self._dummy else None

    def check_header(self, header: str | None) -> bool:
        """True if the Authorization header carries valid credentials (AuthBusy: retry)."""
        if not self.enabled:
            return True
        parsed = parse_basic(header)
        if parsed is None:
            return False
        user, password = parsed
        return self.check(user, password)

    def check(self, user: str, password: str) -> bool:
        import hashlib
        import hmac

        import bcrypt

        hashed = self._users.get(user)
        known = hashed is not None
        target = hashed if hashed is not None else self._dummy
        key = hmac.new(
            self._key,
            b"\0".join([target, base64.b64encode(user.encode()), password.encode()]),
            hashlib.sha256,
        ).digest()
        with self._lock:
            if key in self._cache:
                return True
        if not _checks.acquire(timeout=CHECK_WAIT):
            raise AuthBusy("too many password checks at once")
        try:
            ok = bcrypt.checkpw(password.encode(), target)
        except ValueError:
            ok = False
        finally:
            _checks.release()
        if ok and known:
            with self._lock:
                if len(self._cache) >= _CACHE_LIMIT:
                    self._cache.clear()
                self._cache.add(key)
        return ok and known


def parse_basic(header: str | None) -> tuple[str, str] | None:
    if not header or header[:6].lower() != "basic ":
        return None
    try:
        decoded = base64.b64decode(header[6:].strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None
    user, sep, password = decoded.partition(":")
    if not sep:
        return None
    return user, password
