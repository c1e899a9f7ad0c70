"""Process-wide registry of secret values so that no log line or error can leak them.

Config loading registers every secret it resolves; the log formatter and the error paths
replace any occurrence with `<secret>`. This is a second line of defence: code should not
put secrets into messages in the first place.
"""

from __future__ import annotations

import threading

REPLACEMENT = "<secret>"
_MIN_LENGTH = 3  # shorter strings would redact ordinary words and digits

_lock = threading.Lock()
_secrets: frozenset[str] = frozenset()


def register(value: str | None) -> None:
    """Remember a secret value (and its stripped form) for redaction."""
    global _secrets
    if not value:
        return
    candidates = {value, value.strip()}
    with _lock:
        _secrets = _secrets | {c for c in candidates if len(c) >= _MIN_LENGTH}


def redact(text: str) -> str:
    """Return `text` with every registered secret replaced."""
    current = _secrets
    if not current or not text:
        return text
    for secret in sorted(current, key=len, reverse=True):
        if secret in text:
            text = text.replace(secret, REPLACEMENT)
    return text


def clear() -> None:
    """Forget all secrets (tests only)."""
    global _secrets
    with _lock:
        _secrets = frozenset()
