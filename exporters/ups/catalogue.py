"""Every `ups_*` metric, declared once; `series` writes only these."""

from __future__ import annotations

from exporters.core.catalogue import Catalogue, counter, gauge, info, state_set

OUTPUT_SOURCES = ("normal", "battery", "bypass", "boost", "trim", "off", "other")
BATTERY_STATES = ("normal", "low", "depleted", "fault", "unknown")
SELF_TEST_RESULTS = ("passed", "warning", "failed", "aborted", "in_progress", "none", "unknown")
TRANSFER_REASONS = (
    "none",
    "low_voltage",
    "high_voltage",
    "voltage_change",
    "notch_spike",
    "frequency",
    "self_test",
    "forced",
    "power_failure",
    "other",
)

INFO = info(
    "ups_info",
    "UPS identity as reported by the device; source is how it is read (snmp, nut, apcupsd), "
    "mib the MIB the SNMP values came from, driver the NUT or apcupsd driver.",
    "vendor",
    "model",
    "firmware",
    "serial",
    "mib",
    "source",
    "driver",
)
DAEMON_INFO = info(
    "ups_daemon_info",
    "Version of the UPS daemon the values came from (NUT upsd VER, apcupsd VERSION).",
    "version",
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
INPUT_FREQUENCY = gauge("ups_input_frequency_hertz", "Input frequency.", "line", unit="hertz")
OUTPUT_CURRENT = gauge(
    "ups_output_current_amperes", "Output current (RMS).", "line", unit="amperes"
)
OUTPUT_POWER = gauge(
    "ups_output_power_watts", "Output real power (W, not VA).", "line", unit="watts"
)
INTERNAL_TEMPERATURE = gauge(
    "ups_internal_temperature_celsius",
    "Temperature inside the UPS (NUT ups.temperature, apcupsd ITEMP).",
    unit="celsius",
)
BATTERY_DATE = gauge(
    "ups_battery_date_timestamp_seconds",
    "When the battery was installed or last replaced as the UPS reports it (NUT "
    "battery.date, else battery.mfr.date; apcupsd BATTDATE; APC upsBasicBatteryLastReplaceDate).",
    unit="seconds",
)
OUTPUT_OFF = gauge(
    "ups_output_off",
    "1 if the UPS output is switched off (the protected servers have no power).",
)
FORCED_SHUTDOWN = gauge(
    "ups_forced_shutdown",
    "1 while the UPS daemon has ordered its clients to shut down (NUT FSD, apcupsd SHUTTING DOWN).",
)
THRESHOLD_CHARGE = gauge(
    "ups_shutdown_threshold_charge_ratio",
    "Battery charge below which the daemon shuts the clients down (NUT battery.charge.low, "
    "apcupsd MBATTCHG).",
    unit="ratio",
)
THRESHOLD_RUNTIME = gauge(
    "ups_shutdown_threshold_runtime_seconds",
    "Run time below which the daemon shuts the clients down (NUT battery.runtime.low, "
    "apcupsd MINTIMEL).",
    unit="seconds",
)
THRESHOLD_ON_BATTERY = gauge(
    "ups_shutdown_threshold_on_battery_seconds",
    "Time on battery after which apcupsd shuts the clients down (MAXTIME; left out when 0 = "
    "disabled).",
    unit="seconds",
)
TRANSFERS = counter(
    "ups_transfers_total",
    "Transfers to battery counted by the daemon or device (apcupsd NUMXFERS since apcupsd "
    "started; RFC 1628 upsInputLineBads).",
)
ON_BATTERY_TOTAL = counter(
    "ups_on_battery_seconds_total",
    "Time spent on battery since the daemon started (apcupsd CUMONBATT).",
    unit="seconds",
)
LAST_TRANSFER = gauge(
    "ups_last_transfer_timestamp_seconds",
    "When the UPS last switched to battery (apcupsd XONBATT).",
    unit="seconds",
)
LAST_TRANSFER_REASON = state_set(
    "ups_last_transfer_reason",
    "Why the UPS last switched to battery (apcupsd LASTXFER, NUT input.transfer.reason, APC "
    "upsAdvInputLineFailCause; 1 for the current reason).",
    "reason",
    TRANSFER_REASONS,
)
SHUTDOWN_NEEDED = gauge(
    "ups_shutdown_needed_seconds",
    "Configured time the servers on this UPS need to shut down cleanly (shutdown_seconds_needed).",
    unit="seconds",
)
SHUTDOWN_CLIENTS = gauge(
    "ups_shutdown_clients",
    "Shutdown clients (upsmon) attached to this UPS in NUT's upsd (LIST CLIENT).",
)
SHUTDOWN_CLIENT_ATTACHED = gauge(
    "ups_shutdown_client_attached",
    "1 if the expected shutdown client (expected_shutdown_clients entry) is attached to "
    "this UPS in upsd, 0 if not: it would be switched off hard on a power cut.",
    "client",
)
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
    "Configured reserve of run time (shutdown_margin): on top of ups_shutdown_needed_seconds "
    "where that is set, else itself what the servers need for a clean shutdown.",
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
        DAEMON_INFO,
        INPUT_FREQUENCY,
        OUTPUT_CURRENT,
        OUTPUT_POWER,
        INTERNAL_TEMPERATURE,
        BATTERY_DATE,
        OUTPUT_OFF,
        FORCED_SHUTDOWN,
        THRESHOLD_CHARGE,
        THRESHOLD_RUNTIME,
        THRESHOLD_ON_BATTERY,
        TRANSFERS,
        ON_BATTERY_TOTAL,
        LAST_TRANSFER,
        LAST_TRANSFER_REASON,
        SHUTDOWN_NEEDED,
        SHUTDOWN_CLIENTS,
        SHUTDOWN_CLIENT_ATTACHED,
    ],
)
