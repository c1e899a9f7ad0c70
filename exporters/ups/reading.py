"""The vendor-neutral picture of one UPS, and how it becomes `ups_*` series.

Each MIB module turns what the agent returned into a `Reading` (already in base units);
`render` writes it to a sink. Values the device did not give (or marked "not available")
are None and therefore left out.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from exporters.core import MetricSink

OUTPUT_SOURCES = ("normal", "battery", "bypass", "boost", "trim", "off", "other")
BATTERY_STATES = ("normal", "low", "depleted", "fault", "unknown")
SELF_TEST_RESULTS = ("passed", "warning", "failed", "aborted", "in_progress", "none", "unknown")


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
    sink.info(
        "ups_info",
        "UPS identity as reported by its network card; mib is the MIB the values came from.",
        {
            "vendor": reading.vendor,
            "model": reading.model,
            "firmware": reading.firmware,
            "serial": reading.serial,
            "mib": reading.mib,
        },
    )
    if reading.output_source is not None:
        sink.state_set(
            "ups_output_source",
            "Where the output power comes from (1 for the current source).",
            "source",
            OUTPUT_SOURCES,
            reading.output_source,
        )
        sink.gauge(
            "ups_on_battery",
            "1 if the UPS is running on battery.",
            reading.output_source == "battery",
        )
    if reading.battery_status is not None:
        sink.state_set(
            "ups_battery_status",
            "Battery status (1 for the current status).",
            "status",
            BATTERY_STATES,
            reading.battery_status,
        )
    sink.gauge("ups_battery_charge_ratio", "Battery charge (0-1).", reading.charge_ratio)
    sink.gauge(
        "ups_battery_runtime_seconds",
        "Estimated run time on battery at the present load.",
        reading.runtime_seconds,
    )
    sink.gauge(
        "ups_seconds_on_battery",
        "Seconds since the UPS switched to battery (0 when on mains).",
        reading.seconds_on_battery,
    )
    sink.gauge("ups_battery_voltage_volts", "Battery voltage (DC).", reading.battery_voltage)
    sink.gauge(
        "ups_battery_temperature_celsius", "Battery temperature.", reading.battery_temperature
    )
    sink.gauge(
        "ups_battery_replace_needed",
        "1 if the UPS says the battery must be replaced.",
        reading.replace_needed,
    )
    for line, value in sorted(reading.load.items()):
        sink.gauge(
            "ups_load_ratio",
            "Output load relative to the rated capacity (0-1, above 1 is overload); "
            'line="total" where the device reports only the whole load.',
            value,
            {"line": line},
        )
    for line, value in sorted(reading.input_voltage.items()):
        sink.gauge("ups_input_voltage_volts", "Input voltage (RMS).", value, {"line": line})
    for line, value in sorted(reading.output_voltage.items()):
        sink.gauge("ups_output_voltage_volts", "Output voltage (RMS).", value, {"line": line})
    if reading.alarms is not None:
        sink.gauge("ups_alarms_present", "Number of active alarms.", len(reading.alarms))
        sink.declare("ups_alarm", "gauge", "Active alarms by name (1 while active).")
        for alarm in sorted(set(reading.alarms)):
            sink.gauge("ups_alarm", "Active alarms by name (1 while active).", 1, {"alarm": alarm})
    if reading.self_test_result is not None:
        sink.state_set(
            "ups_self_test_result",
            "Result of the last self-test (1 for the current result).",
            "result",
            SELF_TEST_RESULTS,
            reading.self_test_result,
        )
    sink.gauge(
        "ups_last_self_test_timestamp_seconds",
        "When the last self-test ran (Unix time; a date-only value means midnight UTC).",
        reading.last_self_test,
    )
