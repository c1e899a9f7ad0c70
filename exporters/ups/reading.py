"""The vendor-neutral picture of one UPS, and how it becomes `ups_*` series.

Each MIB module turns what the agent returned into a `Reading` (already in base units);
`render` writes it to a sink. Values the device did not give (or marked "not available")
are None and therefore left out.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from exporters.core import MetricSink
from exporters.ups import catalogue as m


class StaleData(Exception):
    """The daemon answers but has no current data of the UPS (apcupsd COMMLOST, NUT WAIT):
    the target is down rather than exporting old values."""


@dataclass
class Reading:
    """What one scrape learned about a UPS, in base units (ratios 0-1, seconds, volts)."""

    mib: str
    source: str = "snmp"
    """Where the values came from: snmp, nut or apcupsd."""
    driver: str = ""
    """NUT driver.name or apcupsd DRIVER; "" for SNMP."""
    daemon_version: str = ""
    """upsd's VER or apcupsd's VERSION; "" for SNMP."""
    vendor: str = ""
    model: str = ""
    firmware: str = ""
    serial: str = ""
    output_source: str | None = None
    battery_status: str | None = None
    charge_ratio: float | None = None
    runtime_seconds: float | None = None
    seconds_on_battery: float | None = None
    battery_voltage: float | None = None
    battery_temperature: float | None = None
    replace_needed: bool | None = None
    load: dict[str, float] = field(default_factory=dict)
    input_voltage: dict[str, float] = field(default_factory=dict)
    output_voltage: dict[str, float] = field(default_factory=dict)
    input_frequency: dict[str, float] = field(default_factory=dict)
    output_current: dict[str, float] = field(default_factory=dict)
    output_power: dict[str, float] = field(default_factory=dict)
    internal_temperature: float | None = None
    output_off: bool | None = None
    """None: derived from output_source == "off" where that is known."""
    forced_shutdown: bool | None = None
    threshold_charge: float | None = None
    threshold_runtime: float | None = None
    threshold_on_battery: float | None = None
    transfers_total: float | None = None
    on_battery_seconds_total: float | None = None
    last_transfer: float | None = None
    last_transfer_reason: str | None = None
    battery_date: float | None = None
    alarms: list[str] | None = None
    self_test_result: str | None = None
    last_self_test: float | None = None
    problems: list[str] = field(default_factory=list)
    """Values that were present but unusable (wrong type, out of range): one line each."""


def render(reading: Reading, sink: MetricSink) -> None:
    """Write the neutral `ups_*` series of one UPS (the sink adds `target`)."""
    sink.put_info(
        m.INFO,
        {
            "vendor": reading.vendor,
            "model": reading.model,
            "firmware": reading.firmware,
            "serial": reading.serial,
            "mib": reading.mib,
            "source": reading.source,
            "driver": reading.driver,
        },
    )
    if reading.daemon_version:
        sink.put_info(m.DAEMON_INFO, {"version": reading.daemon_version})
    if reading.output_source is not None:
        sink.put_state(m.OUTPUT_SOURCE, reading.output_source)
        sink.put(m.ON_BATTERY, reading.output_source == "battery")
    output_off = reading.output_off
    if output_off is None and reading.output_source is not None:
        output_off = reading.output_source == "off"
    sink.put(m.OUTPUT_OFF, output_off)
    sink.put(m.FORCED_SHUTDOWN, reading.forced_shutdown)
    if reading.battery_status is not None:
        sink.put_state(m.BATTERY_STATUS, reading.battery_status)
    sink.put(m.CHARGE, reading.charge_ratio)
    sink.put(m.RUNTIME, reading.runtime_seconds)
    sink.put(m.SECONDS_ON_BATTERY, reading.seconds_on_battery)
    sink.put(m.BATTERY_VOLTAGE, reading.battery_voltage)
    sink.put(m.BATTERY_TEMPERATURE, reading.battery_temperature)
    sink.put(m.REPLACE_NEEDED, reading.replace_needed)
    sink.put(m.BATTERY_DATE, reading.battery_date)
    sink.put(m.INTERNAL_TEMPERATURE, reading.internal_temperature)
    for line, value in sorted(reading.load.items()):
        sink.put(m.LOAD, value, {"line": line})
    for line, value in sorted(reading.input_voltage.items()):
        sink.put(m.INPUT_VOLTAGE, value, {"line": line})
    for line, value in sorted(reading.output_voltage.items()):
        sink.put(m.OUTPUT_VOLTAGE, value, {"line": line})
    for line, value in sorted(reading.input_frequency.items()):
        sink.put(m.INPUT_FREQUENCY, value, {"line": line})
    for line, value in sorted(reading.output_current.items()):
        sink.put(m.OUTPUT_CURRENT, value, {"line": line})
    for line, value in sorted(reading.output_power.items()):
        sink.put(m.OUTPUT_POWER, value, {"line": line})
    if reading.alarms is not None:
        sink.put(m.ALARMS_PRESENT, len(reading.alarms))
        sink.touch(m.ALARM)
        for alarm in sorted(set(reading.alarms)):
            sink.put(m.ALARM, 1, {"alarm": alarm})
    if reading.self_test_result is not None:
        sink.put_state(m.SELF_TEST_RESULT, reading.self_test_result)
    sink.put(m.LAST_SELF_TEST, reading.last_self_test)
    sink.put(m.THRESHOLD_CHARGE, reading.threshold_charge)
    sink.put(m.THRESHOLD_RUNTIME, reading.threshold_runtime)
    sink.put(m.THRESHOLD_ON_BATTERY, reading.threshold_on_battery)
    sink.put(m.TRANSFERS, reading.transfers_total)
    sink.put(m.ON_BATTERY_TOTAL, reading.on_battery_seconds_total)
    sink.put(m.LAST_TRANSFER, reading.last_transfer)
    if reading.last_transfer_reason is not None:
        sink.put_state(m.LAST_TRANSFER_REASON, reading.last_transfer_reason)
