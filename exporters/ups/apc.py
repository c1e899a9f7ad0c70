"""APC PowerNet-MIB (Smart-UPS, Back-UPS with a network card).

Units: run time and time on battery in TimeTicks (1/100 s), dates as `mm/dd/yy` strings,
the high-precision group (`upsHighPrec*`) in tenths; the older `upsAdv*` group in whole
units (output active power upsAdvOutputActivePower in watts). Many cards answer only one
of the two groups: high precision wins when present.
Not available: temperature 255, run time 4294967295.
"""

from __future__ import annotations

from exporters.ups.mib import SYSTEM, MibSpec
from exporters.ups.reading import Reading
from exporters.ups.values import Decoder, Values, ratio

BASE = "1.3.6.1.4.1.318.1.1.1"
SCALARS = {
    **SYSTEM,
    "model": f"{BASE}.1.1.1.0",
    "firmware": f"{BASE}.1.2.1.0",
    "serial": f"{BASE}.1.2.3.0",
    "battery_status": f"{BASE}.2.1.1.0",
    "time_on_battery": f"{BASE}.2.1.2.0",
    "battery_replace_date": f"{BASE}.2.1.3.0",
    "capacity": f"{BASE}.2.2.1.0",
    "temperature": f"{BASE}.2.2.2.0",
    "runtime": f"{BASE}.2.2.3.0",
    "replace_indicator": f"{BASE}.2.2.4.0",
    "battery_voltage": f"{BASE}.2.2.8.0",
    "hp_capacity": f"{BASE}.2.3.1.0",
    "hp_temperature": f"{BASE}.2.3.2.0",
    "hp_battery_voltage": f"{BASE}.2.3.4.0",
    "input_voltage": f"{BASE}.3.2.1.0",
    "input_frequency": f"{BASE}.3.2.4.0",
    "line_fail_cause": f"{BASE}.3.2.5.0",
    "hp_input_voltage": f"{BASE}.3.3.1.0",
    "hp_input_frequency": f"{BASE}.3.3.4.0",
    "output_status": f"{BASE}.4.1.1.0",
    "output_voltage": f"{BASE}.4.2.1.0",
    "output_load": f"{BASE}.4.2.3.0",
    "output_current": f"{BASE}.4.2.4.0",
    "output_power": f"{BASE}.4.2.8.0",
    "hp_output_voltage": f"{BASE}.4.3.1.0",
    "hp_output_load": f"{BASE}.4.3.3.0",
    "hp_output_current": f"{BASE}.4.3.4.0",
    "test_result": f"{BASE}.7.2.3.0",
    "test_date": f"{BASE}.7.2.4.0",
    "state_flags": f"{BASE}.11.1.1.0",
}
NA_TEMPERATURE = (255,)
NA_TEMPERATURE_TENTHS = (2550,)
NA_RUNTIME = (4294967295,)

_SOURCE = {
    1: "other",
    2: "normal",
    3: "battery",
    4: "boost",
    5: "off",
    6: "bypass",
    7: "off",
    8: "other",
    9: "bypass",
    10: "bypass",
    11: "off",
    12: "trim",
    13: "normal",
    14: "normal",
    15: "battery",
    16: "bypass",
    17: "normal",
    18: "normal",
    20: "normal",
}
_BATTERY = {1: "unknown", 2: "normal", 3: "low", 4: "fault"}
_LINE_FAIL_CAUSE = {  # upsAdvInputLineFailCause
    1: "none",
    2: "high_voltage",
    3: "low_voltage",  # brownout
    4: "power_failure",  # blackout
    5: "notch_spike",  # small momentary sag
    6: "notch_spike",  # deep momentary sag
    7: "notch_spike",  # small momentary spike
    8: "notch_spike",  # large momentary spike
    9: "self_test",
    10: "voltage_change",
}
_TEST = {1: "passed", 2: "failed", 3: "aborted", 4: "in_progress"}

STATE_FLAGS = {
    3: "low_battery",
    5: "replace_battery",
    9: "output_overload",
    11: "batteries_discharged",
    14: "bypass_internal_fault",
    15: "bypass_supply_failure",
    16: "bypass_fan_failure",
    21: "battery_communication_lost",
    23: "boost_trim_fault",
    24: "bad_output_voltage",
    25: "charger_failure",
    26: "high_battery_temperature",
    27: "warning_battery_temperature",
    28: "critical_battery_temperature",
    33: "no_batteries_attached",
}
"""Positions (1-based) in upsBasicStateOutputState that are alarm conditions."""


def tables(scalars: Values) -> dict[str, int]:
    return {}  # single-phase Smart-UPS: everything is a scalar


def state_flag_alarms(flags: str) -> list[str] | None:
    """upsBasicStateOutputState ('0'/'1' per flag, 64 of them) -> the alarms that are set."""
    if not flags or set(flags) - {"0", "1"}:
        return None
    return [
        name for pos, name in STATE_FLAGS.items() if len(flags) >= pos and flags[pos - 1] == "1"
    ]


def parse(scalars: Values, table: Values, now: float) -> Reading:
    reading = Reading(mib="apc", vendor="APC")
    d = Decoder(scalars, reading.problems)
    reading.model = d.text("model")
    reading.firmware = d.text("firmware")
    reading.serial = d.text("serial")
    reading.output_source = d.enum("output_status", _SOURCE, "other")
    reading.battery_status = d.enum("battery_status", _BATTERY, "unknown")
    reading.seconds_on_battery = d.scaled("time_on_battery", 0.01, low=0)
    reading.runtime_seconds = d.scaled("runtime", 0.01, na=NA_RUNTIME, low=0)
    reading.charge_ratio = ratio(
        _first(d.scaled("hp_capacity", 0.1, low=0), d.scaled("capacity", 1, low=0))
    )
    reading.battery_temperature = _first(
        d.scaled("hp_temperature", 0.1, na=NA_TEMPERATURE_TENTHS),
        d.scaled("temperature", 1, na=NA_TEMPERATURE),
    )
    reading.battery_voltage = _first(
        d.scaled("hp_battery_voltage", 0.1, low=0), d.scaled("battery_voltage", 1, low=0)
    )
    _put(
        reading.input_voltage,
        _first(d.scaled("hp_input_voltage", 0.1, low=0), d.scaled("input_voltage", 1, low=0)),
    )
    _put(
        reading.output_voltage,
        _first(d.scaled("hp_output_voltage", 0.1, low=0), d.scaled("output_voltage", 1, low=0)),
    )
    _put(
        reading.load,
        ratio(_first(d.scaled("hp_output_load", 0.1, low=0), d.scaled("output_load", 1, low=0))),
    )
    _put(
        reading.input_frequency,
        _first(d.scaled("hp_input_frequency", 0.1, low=0), d.scaled("input_frequency", 1, low=0)),
    )
    _put(
        reading.output_current,
        _first(d.scaled("hp_output_current", 0.1, low=0), d.scaled("output_current", 1, low=0)),
    )
    _put(reading.output_power, d.scaled("output_power", 1, low=0))
    reading.last_transfer_reason = d.enum("line_fail_cause", _LINE_FAIL_CAUSE, "other")
    reading.battery_date = d.date("battery_replace_date")
    flags = d.text("state_flags")
    reading.alarms = state_flag_alarms(flags)
    if flags and reading.alarms is None:
        reading.problems.append("state_flags: not a string of 0 and 1")
    replace = d.number("replace_indicator")
    if replace in (1, 2):
        reading.replace_needed = replace == 2
    elif reading.alarms is not None:
        reading.replace_needed = "replace_battery" in reading.alarms
    if reading.alarms is not None and "batteries_discharged" in reading.alarms:
        reading.battery_status = "depleted"
    reading.self_test_result = d.enum("test_result", _TEST, "unknown")
    reading.last_self_test = d.date("test_date")
    return reading


def _first(*values: float | None) -> float | None:
    return next((v for v in values if v is not None), None)


def _put(lines: dict[str, float], value: float | None) -> None:
    if value is not None:
        lines["1"] = value


SPEC = MibSpec("apc", SCALARS, tables, parse)
