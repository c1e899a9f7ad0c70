"""The vendor-neutral picture of one UPS, and how it becomes `ups_*` series.

Each MIB module turns what the agent returned into a `Reading` (already in base units);
`render` writes it to a sink. Values the device did not give (or marked "not available")
are None and therefore left out.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from exporters.core import MetricSink
from exporters.ups import catalogue as m


@dataclass
class Reading:
    """What one scrape learned about a UPS, in base units (ratios 0-1, seconds, volts)."""

    mib: str
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
        },
    )
    if reading.output_source is not None:
        sink.put_state(m.OUTPUT_SOURCE, reading.output_source)
        sink.put(m.ON_BATTERY, reading.output_source == "battery")
    if reading.battery_status is not None:
        sink.put_state(m.BATTERY_STATUS, reading.battery_status)
    sink.put(m.CHARGE, reading.charge_ratio)
    sink.put(m.RUNTIME, reading.runtime_seconds)
    sink.put(m.SECONDS_ON_BATTERY, reading.seconds_on_battery)
    sink.put(m.BATTERY_VOLTAGE, reading.battery_voltage)
    sink.put(m.BATTERY_TEMPERATURE, reading.battery_temperature)
    sink.put(m.REPLACE_NEEDED, reading.replace_needed)
    for line, value in sorted(reading.load.items()):
        sink.put(m.LOAD, value, {"line": line})
    for line, value in sorted(reading.input_voltage.items()):
        sink.put(m.INPUT_VOLTAGE, value, {"line": line})
    for line, value in sorted(reading.output_voltage.items()):
        sink.put(m.OUTPUT_VOLTAGE, value, {"line": line})
    if reading.alarms is not None:
        sink.put(m.ALARMS_PRESENT, len(reading.alarms))
        sink.touch(m.ALARM)
        for alarm in sorted(set(reading.alarms)):
            sink.put(m.ALARM, 1, {"alarm": alarm})
    if reading.self_test_result is not None:
        sink.put_state(m.SELF_TEST_RESULT, reading.self_test_result)
    sink.put(m.LAST_SELF_TEST, reading.last_self_test)
