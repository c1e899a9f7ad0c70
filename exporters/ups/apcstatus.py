"""apcupsd `status` (as `apcaccess` prints it) -> the vendor-neutral Reading.

Keys and units as apcupsd 3.14 writes them (doc/manual "apcaccess"): BCHARGE/LOADPCT/
MBATTCHG in Percent, TIMELEFT/MINTIMEL in Minutes, MAXTIME/TONBATT/CUMONBATT in Seconds,
LINEV/OUTPUTV/BATTV in Volts, ITEMP in C, LINEFREQ in Hz; STATUS is a list of words
(ONLINE ONBATT CAL TRIM BOOST OVERLOAD LOWBATT REPLACEBATT NOBATT COMMLOST SHUTTING DOWN
SLAVE SLAVEDOWN). apcupsd keeps answering with its last values when it has lost the UPS:
COMMLOST makes the target down instead of exporting stale values.
"""

from __future__ import annotations

from collections.abc import Mapping

from exporters.ups.reading import Reading, StaleData
from exporters.ups.textvalues import (
    AMPERES,
    CELSIUS,
    COUNT,
    HERTZ,
    MINUTES,
    PERCENT,
    SECONDS,
    VOLTS,
    TextValues,
)
from exporters.ups.transfer import transfer_reason

_SELF_TEST = {
    "OK": "passed",
    "NO": "none",
    "BT": "failed",  # battery capacity
    "NG": "failed",  # overload
    "IP": "in_progress",
    "WN": "warning",
}
FLAG_ALARMS = {
    "ONBATT": "on_battery",
    "LOWBATT": "low_battery",
    "REPLACEBATT": "replace_battery",
    "OVERLOAD": "output_overload",
    "NOBATT": "no_batteries_attached",
    "SHUTTING DOWN": "forced_shutdown",
}
KNOWN = {*FLAG_ALARMS, "ONLINE", "CAL", "TRIM", "BOOST", "SLAVE", "SLAVEDOWN", "COMMLOST"}


def flags(status: str) -> set[str]:
    words = status.upper().replace("SHUTTING DOWN", "SHUTTING_DOWN").split()
    return {w.replace("SHUTTING_DOWN", "SHUTTING DOWN") for w in words}


def parse(values: Mapping[str, str]) -> Reading:
    reading = Reading(mib="", source="apcupsd")
    t = TextValues(values, reading.problems)
    reading.daemon_version = t.text("VERSION")[:100]
    reading.driver = t.text("DRIVER")
    reading.vendor = "APC" if t.has("APC") else ""
    reading.model = t.text("MODEL", "APCMODEL")
    reading.firmware = t.text("FIRMWARE")
    reading.serial = t.text("SERIALNO")
    status = flags(t.text("STATUS"))
    if "COMMLOST" in status:
        raise StaleData("apcupsd has lost the connection to the UPS (STATUS COMMLOST)")
    unknown = sorted(status - KNOWN)
    if unknown:
        reading.problems.append(f"STATUS: unknown words {' '.join(unknown)[:60]}")
    if status:
        if "ONBATT" in status:
            reading.output_source = "battery"
        elif "BOOST" in status:
            reading.output_source = "boost"
        elif "TRIM" in status:
            reading.output_source = "trim"
        elif "ONLINE" in status:
            reading.output_source = "normal"
        else:
            reading.output_source = "other"
        reading.battery_status = (
            "fault" if "NOBATT" in status else "low" if "LOWBATT" in status else "normal"
        )
        reading.replace_needed = "REPLACEBATT" in status
        reading.forced_shutdown = "SHUTTING DOWN" in status
        reading.alarms = [name for flag, name in FLAG_ALARMS.items() if flag in status]
    charge = t.number("BCHARGE", PERCENT, high=100)
    reading.charge_ratio = None if charge is None else charge / 100
    reading.runtime_seconds = t.number("TIMELEFT", MINUTES)
    load = t.number("LOADPCT", PERCENT)
    if load is not None:
        reading.load["1"] = load / 100
    for key, out, units in (
        ("LINEV", reading.input_voltage, VOLTS),
        ("OUTPUTV", reading.output_voltage, VOLTS),
        ("LINEFREQ", reading.input_frequency, HERTZ),
        ("OUTCURNT", reading.output_current, AMPERES),
    ):
        value = t.number(key, units)
        if value is not None:
            out["1"] = value
    reading.battery_voltage = t.number("BATTV", VOLTS)
    reading.internal_temperature = t.number("ITEMP", CELSIUS, low=-50, high=150)
    test = t.text("SELFTEST").upper()
    reading.self_test_result = _SELF_TEST.get(test, "unknown") if test else None
    reading.last_self_test = t.date("LASTSTEST")
    reading.battery_date = t.date("BATTDATE")
    reading.seconds_on_battery = t.number("TONBATT", SECONDS)
    reading.on_battery_seconds_total = t.number("CUMONBATT", SECONDS)
    reading.transfers_total = t.number("NUMXFERS", COUNT)
    reading.last_transfer = t.date("XONBATT")
    reason = t.text("LASTXFER")
    reading.last_transfer_reason = transfer_reason(reason) if reason else None
    mbattchg = t.number("MBATTCHG", PERCENT, high=100)
    reading.threshold_charge = None if mbattchg is None else mbattchg / 100
    reading.threshold_runtime = t.number("MINTIMEL", MINUTES)
    maxtime = t.number("MAXTIME", SECONDS)
    reading.threshold_on_battery = maxtime if maxtime else None  # 0 = disabled
    return reading
