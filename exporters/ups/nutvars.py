"""NUT variables (docs/nut-names.txt of Network UPS Tools) -> the vendor-neutral Reading.

Units as NUT defines them: percent for charges and load, seconds for run times, volts,
degrees Celsius, hertz, amperes, watts (`ups.realpower`; `ups.power` is VA and not used).
`ups.status` is a list of flags: OL OB LB HB RB CHRG DISCHRG BYPASS CAL OFF OVER TRIM BOOST
FSD ALARM (and a few more some drivers add).
"""

from __future__ import annotations

from collections.abc import Mapping

from exporters.ups.reading import Reading, StaleData
from exporters.ups.textvalues import (
    AMPERES,
    CELSIUS,
    HERTZ,
    PERCENT,
    SECONDS,
    VOLTS,
    WATTS,
    TextValues,
)
from exporters.ups.transfer import transfer_reason

FLAG_ALARMS = {
    "OB": "on_battery",
    "LB": "low_battery",
    "RB": "replace_battery",
    "OVER": "output_overload",
    "BYPASS": "on_bypass",
    "OFF": "output_off",
    "FSD": "forced_shutdown",
    "ALARM": "other",
}
KNOWN_FLAGS = {*FLAG_ALARMS, "OL", "HB", "CHRG", "DISCHRG", "CAL", "TRIM", "BOOST", "COMM"}
KNOWN_FLAGS |= {"NOCOMM", "TEST", "ECO", "WAIT"}
_LINES = ("1", "2", "3")
PLACEHOLDER_DATES = {"2001/09/25", "2001-09-25"}
"""APC USB firmware reports this battery.date on many Back-UPS units whatever the battery:
left out (battery.mfr.date is used instead)."""


def self_test_result(text: str) -> str | None:
    """ups.test.result as drivers word it ("Done and passed", "Aborted", ...)."""
    low = text.lower()
    if not low:
        return None
    for words, result in (
        (("no test",), "none"),
        (("in progress",), "in_progress"),
        (("abort",), "aborted"),
        (("warning",), "warning"),
        (("error", "fail", "bad"), "failed"),
        (("passed", "ok", "done"), "passed"),
    ):
        if any(w in low for w in words):
            return result
    return "unknown"


def output_source(flags: set[str]) -> str:
    for flag, source in (
        ("OFF", "off"),
        ("BYPASS", "bypass"),
        ("OB", "battery"),
        ("BOOST", "boost"),
        ("TRIM", "trim"),
        ("OL", "normal"),
    ):
        if flag in flags:
            return source
    return "other"


def _per_line(
    t: TextValues, single: str, phase: str, units: Mapping[str, float]
) -> dict[str, float]:
    """`input.voltage` as line 1, or `input.L1-N.voltage` ... per phase where given."""
    out: dict[str, float] = {}
    for line in _LINES:
        value = t.number(phase.format(n=line), units)
        if value is not None:
            out[line] = value
    if not out:
        value = t.number(single, units)
        if value is not None:
            out["1"] = value
    return out


def parse(variables: Mapping[str, str], version: str = "") -> Reading:
    reading = Reading(mib="", source="nut", daemon_version=version)
    t = TextValues(variables, reading.problems)
    reading.vendor = t.text("device.mfr", "ups.mfr")
    reading.model = t.text("device.model", "ups.model")
    reading.firmware = t.text("ups.firmware", "device.firmware")
    reading.serial = t.text("device.serial", "ups.serial")
    reading.driver = t.text("driver.name")
    status = t.text("ups.status")
    flags = set(status.split())
    if flags == {"WAIT"}:
        raise StaleData("upsd has no data from the driver yet (ups.status WAIT)")
    unknown = sorted(flags - KNOWN_FLAGS)
    if unknown:
        reading.problems.append(f"ups.status: unknown flags {' '.join(unknown)[:60]}")
    if flags:
        reading.output_source = output_source(flags)
        reading.battery_status = "low" if "LB" in flags else "normal"
        reading.replace_needed = "RB" in flags
        reading.output_off = "OFF" in flags
        reading.forced_shutdown = "FSD" in flags
        reading.alarms = [name for flag, name in FLAG_ALARMS.items() if flag in flags]
    charge = t.number("battery.charge", PERCENT, high=100)
    reading.charge_ratio = None if charge is None else charge / 100
    reading.runtime_seconds = t.number("battery.runtime", SECONDS)
    reading.battery_voltage = t.number("battery.voltage", VOLTS)
    reading.battery_temperature = t.number("battery.temperature", CELSIUS, low=-50, high=150)
    reading.internal_temperature = t.number("ups.temperature", CELSIUS, low=-50, high=150)
    reading.input_voltage = _per_line(t, "input.voltage", "input.L{n}-N.voltage", VOLTS)
    reading.output_voltage = _per_line(t, "output.voltage", "output.L{n}-N.voltage", VOLTS)
    reading.input_frequency = _per_line(t, "input.frequency", "input.L{n}.frequency", HERTZ)
    reading.output_current = _per_line(t, "output.current", "output.L{n}.current", AMPERES)
    reading.output_power = _per_line(t, "ups.realpower", "output.L{n}.realpower", WATTS)
    load = t.number("ups.load", PERCENT)
    if load is not None:
        reading.load["1"] = load / 100
    reading.self_test_result = self_test_result(t.text("ups.test.result"))
    if t.has("battery.date") and t.text("battery.date") not in PLACEHOLDER_DATES:
        reading.battery_date = t.date("battery.date")
    if reading.battery_date is None and t.has("battery.mfr.date"):
        reading.battery_date = t.date("battery.mfr.date")
    low_charge = t.number("battery.charge.low", PERCENT, high=100)
    reading.threshold_charge = None if low_charge is None else low_charge / 100
    reading.threshold_runtime = t.number("battery.runtime.low", SECONDS)
    reason = t.text("input.transfer.reason")
    reading.last_transfer_reason = transfer_reason(reason) if reason else None
    return reading
