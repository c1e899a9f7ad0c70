"""Why a UPS last switched to battery, from the words daemons and cards use, as one state."""

from __future__ import annotations

_KEYWORDS = (
    (("no transfer",), "none"),
    (("self test", "self-test", "selftest"), "self_test"),
    (("software", "forced", "command"), "forced"),
    (("notch", "spike", "sag"), "notch_spike"),
    (("rate of change", "changes"), "voltage_change"),
    (("frequency",), "frequency"),
    (("high",), "high_voltage"),
    (("blackout", "power failure", "no input"), "power_failure"),
    (("low", "brownout"), "low_voltage"),
)


def transfer_reason(text: str) -> str:
    """apcupsd LASTXFER / NUT input.transfer.reason -> a `ups_last_transfer_reason` state."""
    low = text.lower()
    for words, reason in _KEYWORDS:
        if any(w in low for w in words):
            return reason
    return "other"
