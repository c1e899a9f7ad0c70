"""The vendor-neutral picture of one UPS.

Each MIB module (and the NUT/apcupsd parsers) turns what the source returned into a
`Reading` (already in base units); `series.ups` writes it to a sink. Values the device did
not give (or marked "not available") are None and therefore left out.
"""

from __future__ import annotations

from dataclasses import dataclass, field


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
