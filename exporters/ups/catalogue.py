"""Every `ups_*` metric, declared once; `reading.render` and the collectors write only these."""

from __future__ import annotations

from exporters.core.catalogue import Catalogue, gauge, info, state_set

OUTPUT_SOURCES = ("normal", "battery", "bypass", "boost", "trim", "off", "other")
BATTERY_STATES = ("normal", "low", "depleted", "fault", "unknown")
SELF_TEST_RESULTS = ("passed", "warning", "failed", "aborted", "in_progress", "none", "unknown")

INFO = info(
    "ups_info",
    "UPS identity as reported by the device; mib is the MIB the values came from.",
    "vendor",
    "model",
    "firmware",
    "serial",
    "mib",
)
OUTPUT_SOURCE = state_set(
    "ups_output_source",
    "Where the output power comes from (1 for the current source).",
    "source",
    OUTPUT_SOURCES,
)
ON_BATTERY = gauge("ups_on_battery", "1 if the UPS is running on battery.")
BATTERY_STATUS = state_set(
    "ups_battery_status", "Battery status (1 for the current status).", "status", BATTERY_STATES
)
CHARGE = gauge("ups_battery_charge_ratio", "Battery charge (0-1).", unit="ratio")
RUNTIME = gauge(
    "ups_battery_runtime_seconds",
    "Estimated run time on battery at the present load.",
    unit="seconds",
)
SECONDS_ON_BATTERY = gauge(
    "ups_seconds_on_battery",
    "Seconds since the UPS switched to battery (0 when on mains).",
    unit="seconds",
)
BATTERY_VOLTAGE = gauge("ups_battery_voltage_volts", "Battery voltage (DC).", unit="volts")
BATTERY_TEMPERATURE = gauge(
    "ups_battery_temperature_celsius", "Battery temperature.", unit="celsius"
)
REPLACE_NEEDED = gauge(
    "ups_battery_replace_needed", "1 if the UPS says the battery must be replaced."
)
LOAD = gauge(
    "ups_load_ratio",
    "Output load relative to the rated capacity (0-1, above 1 is overload); "
    'line="total" where the device reports only the whole load.',
    "line",
    unit="ratio",
)
INPUT_VOLTAGE = gauge("ups_input_voltage_volts", "Input voltage (RMS).", "line", unit="volts")
OUTPUT_VOLTAGE = gauge("ups_output_voltage_volts", "Output voltage (RMS).", "line", unit="volts")
ALARMS_PRESENT = gauge("ups_alarms_present", "Number of active alarms.")
ALARM = gauge("ups_alarm", "Active alarms by name (1 while active).", "alarm")
SELF_TEST_RESULT = state_set(
    "ups_self_test_result",
    "Result of the last self-test (1 for the current result).",
    "result",
    SELF_TEST_RESULTS,
)
LAST_SELF_TEST = gauge(
    "ups_last_self_test_timestamp_seconds",
    "When the last self-test ran (Unix time; a date-only value means midnight UTC).",
    unit="seconds",
)
SHUTDOWN_MARGIN = gauge(
    "ups_shutdown_margin_seconds",
    "Configured run time the servers on this UPS need for a clean shutdown "
    "(shutdown_margin); UpsRuntimeBelowShutdownMargin compares against it.",
    unit="seconds",
)
SNMP_PACKETS = gauge(
    "ups_snmp_packets_sent",
    "SNMP request packets sent to the target in this scrape (incl. retries and SNMPv3 discovery).",
)

CATALOGUE = Catalogue(
    "ups",
    [
        INFO,
        OUTPUT_SOURCE,
        ON_BATTERY,
        BATTERY_STATUS,
        CHARGE,
        RUNTIME,
        SECONDS_ON_BATTERY,
        BATTERY_VOLTAGE,
        BATTERY_TEMPERATURE,
        REPLACE_NEEDED,
        LOAD,
        INPUT_VOLTAGE,
        OUTPUT_VOLTAGE,
        ALARMS_PRESENT,
        ALARM,
        SELF_TEST_RESULT,
        LAST_SELF_TEST,
        SHUTDOWN_MARGIN,
        SNMP_PACKETS,
    ],
)
