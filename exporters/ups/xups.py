"""Eaton/Powerware XUPS-MIB (ConnectUPS, Network-MS and older Eaton cards).

Units: run time in seconds (65535 = not available), battery voltage in volts, load and
charge in percent, line voltages in volts, output current in amperes and power in watts per
phase, input frequency in 0.1 Hz (one value for all phases, exported as line 1). There is
no battery temperature (only ambient) and no date of the last self-test. Battery status is
derived from the ABM state and the well-known alarms.
"""

from __future__ import annotations

from exporters.ups.mib import SYSTEM, MibSpec, rows
from exporters.ups.reading import Reading
from exporters.ups.values import Decoder, Values, alarm_names, column, per_line, ratio

BASE = "1.3.6.1.4.1.534.1"
SCALARS = {
    **SYSTEM,
    "manufacturer": f"{BASE}.1.1.0",
    "model": f"{BASE}.1.2.0",
    "firmware": f"{BASE}.1.3.0",
    "time_remaining": f"{BASE}.2.1.0",
    "battery_voltage": f"{BASE}.2.2.0",
    "capacity": f"{BASE}.2.4.0",
    "abm_status": f"{BASE}.2.5.0",
    "input_frequency": f"{BASE}.3.1.0",
    "input_phases": f"{BASE}.3.3.0",
    "output_load": f"{BASE}.4.1.0",
    "output_phases": f"{BASE}.4.3.0",
    "output_source": f"{BASE}.4.5.0",
    "alarms": f"{BASE}.7.1.0",
    "test_status": f"{BASE}.8.2.0",
}
INPUT_VOLTAGE = f"{BASE}.3.4.1.2"
OUTPUT_VOLTAGE = f"{BASE}.4.4.1.2"
OUTPUT_CURRENT = f"{BASE}.4.4.1.3"  # A RMS
OUTPUT_WATTS = f"{BASE}.4.4.1.4"  # W
ALARM_DESCR = f"{BASE}.7.2.1.2"
WELL_KNOWN_ALARMS = f"{BASE}.7"
NA = (65535,)

ALARM_NAMES = {
    3: "on_battery",
    4: "low_battery",
    7: "output_overload",
    8: "internal_failure",
    9: "battery_discharged",
    10: "inverter_failure",
    11: "on_bypass",
    12: "bypass_not_available",
    13: "output_off",
    14: "input_failure",
    15: "building_alarm",
    16: "shutdown_imminent",
    17: "on_inverter",
    20: "breaker_open",
    23: "battery_bad",
    24: "output_off_as_requested",
    25: "diagnostic_test_failed",
    26: "communications_lost",
    27: "shutdown_pending",
    28: "test_in_progress",
    29: "ambient_temperature_bad",
}
_SOURCE = {
    1: "other",
    2: "off",
    3: "normal",
    4: "bypass",
    5: "battery",
    6: "boost",
    7: "trim",
    8: "normal",
    9: "normal",
    10: "normal",
    11: "bypass",
    12: "normal",
}
_ABM = {  # charging, discharging, floating, resting, unknown, disconnected, under test, check
    1: "normal",
    2: "normal",
    3: "normal",
    4: "normal",
    5: "unknown",
    6: "fault",
    7: "normal",
    8: "fault",
}
_TEST = {
    1: "unknown",
    2: "passed",
    3: "failed",
    4: "in_progress",
    5: "none",  # notSupported
    6: "aborted",  # inhibited
    7: "none",  # scheduled
}


def tables(scalars: Values) -> dict[str, int]:
    return {
        INPUT_VOLTAGE: rows(scalars.get("input_phases")),
        OUTPUT_VOLTAGE: rows(scalars.get("output_phases")),
        OUTPUT_CURRENT: rows(scalars.get("output_phases")),
        OUTPUT_WATTS: rows(scalars.get("output_phases")),
        ALARM_DESCR: rows(scalars.get("alarms")),
    }


def battery_status(abm: str | None, alarms: list[str] | None) -> str | None:
    """XUPS has no battery status object: alarms first, then the charger (ABM) state."""
    active = set(alarms or ())
    if "battery_discharged" in active:
        return "depleted"
    if "low_battery" in active:
        return "low"
    if "battery_bad" in active:
        return "fault"
    return abm


def parse(scalars: Values, table: Values, now: float) -> Reading:
    reading = Reading(mib="eaton-xups")
    d = Decoder(scalars, reading.problems)
    reading.vendor = d.text("manufacturer")
    reading.model = d.text("model")
    reading.firmware = d.text("firmware")
    reading.output_source = d.enum("output_source", _SOURCE, "other")
    reading.runtime_seconds = d.scaled("time_remaining", 1, na=NA, low=0)
    reading.battery_voltage = d.scaled("battery_voltage", 1, na=NA, low=0)
    reading.charge_ratio = ratio(d.scaled("capacity", 1, na=NA, low=0))
    load = ratio(d.scaled("output_load", 1, na=NA, low=0))
    if load is not None:
        reading.load["1" if d.number("output_phases") == 1 else "total"] = load
    per_line(table, INPUT_VOLTAGE, 1.0, reading.input_voltage, reading.problems)
    per_line(table, OUTPUT_VOLTAGE, 1.0, reading.output_voltage, reading.problems)
    per_line(table, OUTPUT_CURRENT, 1.0, reading.output_current, reading.problems)
    per_line(table, OUTPUT_WATTS, 1.0, reading.output_power, reading.problems)
    frequency = d.scaled("input_frequency", 0.1, na=NA, low=0)
    if frequency is not None:
        reading.input_frequency["1"] = frequency  # one value for all phases
    if d.number("alarms") is not None or column(table, ALARM_DESCR):
        descriptions = column(table, ALARM_DESCR)
        reading.alarms = alarm_names(descriptions, WELL_KNOWN_ALARMS, ALARM_NAMES)
        reading.replace_needed = "battery_bad" in reading.alarms
    abm = d.enum("abm_status", _ABM, "unknown")
    reading.battery_status = battery_status(abm, reading.alarms)
    reading.self_test_result = d.enum("test_status", _TEST, "unknown")
    return reading


SPEC = MibSpec("eaton-xups", SCALARS, tables, parse)
