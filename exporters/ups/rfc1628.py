"""UPS-MIB (RFC 1628): the standard most network cards answer besides their own MIB.

Units: minutes for run time, 0.1 V DC for the battery, whole volts RMS for input and output,
0.1 Hz for the input frequency, 0.1 A for the output current, watts for the output power,
percent for charge and load; the self-test start is a sysUpTime value in TimeTicks.
upsInputLineBads counts the times the input went out of tolerance (a Counter32).
"""

from __future__ import annotations

from exporters.ups.mib import SYSTEM, MibSpec, rows
from exporters.ups.reading import Reading
from exporters.ups.values import Decoder, Values, alarm_names, column, per_line, ratio

BASE = "1.3.6.1.2.1.33.1"
SCALARS = {
    **SYSTEM,
    "manufacturer": f"{BASE}.1.1.0",
    "model": f"{BASE}.1.2.0",
    "ups_software": f"{BASE}.1.3.0",
    "battery_status": f"{BASE}.2.1.0",
    "seconds_on_battery": f"{BASE}.2.2.0",
    "minutes_remaining": f"{BASE}.2.3.0",
    "charge": f"{BASE}.2.4.0",
    "battery_voltage": f"{BASE}.2.5.0",
    "battery_temperature": f"{BASE}.2.7.0",
    "input_line_bads": f"{BASE}.3.1.0",
    "input_lines": f"{BASE}.3.2.0",
    "output_source": f"{BASE}.4.1.0",
    "output_lines": f"{BASE}.4.3.0",
    "alarms_present": f"{BASE}.6.1.0",
    "test_result": f"{BASE}.7.3.0",
    "test_start": f"{BASE}.7.5.0",
}
INPUT_FREQUENCY = f"{BASE}.3.3.1.2"  # 0.1 Hz
INPUT_VOLTAGE = f"{BASE}.3.3.1.3"
OUTPUT_VOLTAGE = f"{BASE}.4.4.1.2"
OUTPUT_CURRENT = f"{BASE}.4.4.1.3"  # 0.1 A RMS
OUTPUT_POWER = f"{BASE}.4.4.1.4"  # W
OUTPUT_LOAD = f"{BASE}.4.4.1.5"
ALARM_DESCR = f"{BASE}.6.2.1.2"
WELL_KNOWN_ALARMS = f"{BASE}.6.3"

ALARM_NAMES = {
    1: "battery_bad",
    2: "on_battery",
    3: "low_battery",
    4: "depleted_battery",
    5: "temperature_bad",
    6: "input_bad",
    7: "output_bad",
    8: "output_overload",
    9: "on_bypass",
    10: "bypass_bad",
    11: "output_off_as_requested",
    12: "ups_off_as_requested",
    13: "charger_failed",
    14: "ups_output_off",
    15: "ups_system_off",
    16: "fan_failure",
    17: "fuse_failure",
    18: "general_fault",
    19: "diagnostic_test_failed",
    20: "communications_lost",
    21: "awaiting_power",
    22: "shutdown_pending",
    23: "shutdown_imminent",
    24: "test_in_progress",
}
_SOURCE = {1: "other", 2: "off", 3: "normal", 4: "bypass", 5: "battery", 6: "boost", 7: "trim"}
_BATTERY = {1: "unknown", 2: "normal", 3: "low", 4: "depleted"}
_TEST = {
    1: "passed",
    2: "warning",
    3: "failed",
    4: "aborted",
    5: "in_progress",
    6: "none",
}


def tables(scalars: Values) -> dict[str, int]:
    inputs, outputs = rows(scalars.get("input_lines")), rows(scalars.get("output_lines"))
    return {
        INPUT_FREQUENCY: inputs,
        INPUT_VOLTAGE: inputs,
        OUTPUT_VOLTAGE: outputs,
        OUTPUT_CURRENT: outputs,
        OUTPUT_POWER: outputs,
        OUTPUT_LOAD: outputs,
        ALARM_DESCR: rows(scalars.get("alarms_present")),
    }


def parse(scalars: Values, table: Values, now: float) -> Reading:
    reading = Reading(mib="rfc1628")
    d = Decoder(scalars, reading.problems)
    reading.vendor = d.text("manufacturer")
    reading.model = d.text("model")
    reading.firmware = d.text("ups_software")
    reading.output_source = d.enum("output_source", _SOURCE, "other")
    reading.battery_status = d.enum("battery_status", _BATTERY, "unknown")
    reading.seconds_on_battery = d.scaled("seconds_on_battery", 1, low=0)
    reading.runtime_seconds = d.scaled("minutes_remaining", 60, low=0)
    reading.charge_ratio = ratio(d.scaled("charge", 1, low=0))
    reading.battery_voltage = d.scaled("battery_voltage", 0.1, low=0)
    reading.battery_temperature = d.scaled("battery_temperature", 1)
    per_line(table, OUTPUT_VOLTAGE, 1.0, reading.output_voltage, reading.problems)
    per_line(table, OUTPUT_LOAD, 0.01, reading.load, reading.problems)
    per_line(table, INPUT_VOLTAGE, 1.0, reading.input_voltage, reading.problems)
    per_line(table, INPUT_FREQUENCY, 0.1, reading.input_frequency, reading.problems)
    per_line(table, OUTPUT_CURRENT, 0.1, reading.output_current, reading.problems)
    per_line(table, OUTPUT_POWER, 1.0, reading.output_power, reading.problems)
    reading.transfers_total = d.number("input_line_bads")
    descriptions = column(table, ALARM_DESCR)
    if d.number("alarms_present") is not None or descriptions:
        reading.alarms = alarm_names(descriptions, WELL_KNOWN_ALARMS, ALARM_NAMES)
        reading.replace_needed = "battery_bad" in reading.alarms
    reading.self_test_result = d.enum("test_result", _TEST, "unknown")
    start, uptime = d.number("test_start"), d.number("sysUpTime")
    if start and uptime and 0 < start <= uptime:
        reading.last_self_test = now - (uptime - start) / 100.0
    return reading


SPEC = MibSpec("rfc1628", SCALARS, tables, parse)
