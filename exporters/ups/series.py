"""Pure functions: what a UPS, upsd or apcupsd said -> `ups_*` samples.

The one writing layer of the UPS exporter, as `series.py` in the other exporters: every
sample goes through a declaration of `catalogue`. The sources (SNMP, NUT, apcupsd) only
read and parse; the collector hands their results here.
"""

from __future__ import annotations

from collections.abc import Sequence

from exporters.core import MetricSink
from exporters.ups import catalogue as m
from exporters.ups.reading import Reading


def ups(sink: MetricSink, reading: Reading) -> None:
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


def shutdown_settings(sink: MetricSink, margin: float, needed: float | None) -> None:
    """The target's shutdown-chain settings from the config."""
    sink.put(m.SHUTDOWN_MARGIN, margin)
    sink.put(m.SHUTDOWN_NEEDED, needed)


def shutdown_clients(sink: MetricSink, attached: int, expected: Sequence[tuple[str, bool]]) -> None:
    """How many upsmon clients upsd lists, and for each expected one whether it is among
    them."""
    sink.put(m.SHUTDOWN_CLIENTS, attached)
    for entry, present in expected:
        sink.put(m.SHUTDOWN_CLIENT_ATTACHED, present, {"client": entry})


def snmp_packets(sink: MetricSink, packets: int) -> None:
    """SNMP request packets this scrape sent to the target."""
    sink.put(m.SNMP_PACKETS, packets)
