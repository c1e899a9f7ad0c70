"""A point in (monotonic) time by which a target's work must be finished."""

from __future__ import annotations

import time
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Deadline:
    """Absolute monotonic deadline; collectors pass `remaining()` to every blocking call."""

    expires_at: float
    started_at: float = field(default_factory=time.monotonic)

    @classmethod
    def after(cls, seconds: float) -> Deadline:
        now = time.monotonic()
        return cls(expires_at=now + max(0.0, seconds), started_at=now)

    def remaining(self, minimum: float = 0.001) -> float:
        """Seconds left, never below `minimum` so it can be handed to socket timeouts."""
        return max(minimum, self.expires_at - time.monotonic())

    @property
    def expired(self) -> bool:
        return time.monotonic() >= self.expires_at

    @property
    def total(self) -> float:
        return self.expires_at - self.started_at
