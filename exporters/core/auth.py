"""HTTP basic auth against bcrypt hashes, checked in constant time and cached.

bcrypt is deliberately slow (~100 ms); Prometheus sends the same credentials every scrape,
so verified (hash, user, password) triples are cached by a keyed digest, as exporter-toolkit
does. Unknown users still cost one bcrypt check so timing does not reveal user names.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import secrets
import threading

import bcrypt

_DUMMY_HASH = bcrypt.hashpw(b"praxis-exporters-dummy", bcrypt.gensalt(rounds=10))
_CACHE_LIMIT = 1024


class BasicAuth:
    def __init__(self, users: dict[str, str]) -> None:
        self._users = {u: h.encode() for u, h in users.items()}
        self._key = secrets.token_bytes(32)
        self._cache: dict[bytes, bool] = {}
        self._lock = threading.Lock()

    @property
    def enabled(self) -> bool:
        return bool(self._users)

    def check_header(self, header: str | None) -> bool:
        """True if the Authorization header carries valid credentials."""
        if not self.enabled:
            return True
        parsed = parse_basic(header)
        if parsed is None:
            return False
        user, password = parsed
        return self.check(user, password)

    def check(self, user: str, password: str) -> bool:
        hashed = self._users.get(user)
        known = hashed is not None
        target = hashed if hashed is not None else _DUMMY_HASH
        key = hmac.new(
            self._key, b"\0".join([target, user.encode(), password.encode()]), hashlib.sha256
        ).digest()
        with self._lock:
            cached = self._cache.get(key)
        if cached is None:
            try:
                cached = bcrypt.checkpw(password.encode(), target)
            except ValueError:
                cached = False
            with self._lock:
                if len(self._cache) >= _CACHE_LIMIT:
                    self._cache.clear()
                self._cache[key] = cached
        return cached and known


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
