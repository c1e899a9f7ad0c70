"""Pure parts: unit conversions, sentinels, MIB choice, config validation, rendering."""

from __future__ import annotations

from pathlib import Path

import pytest

from exporters.core.config import ConfigError, parse_config
from exporters.core.metrics import MetricSink
from exporters.ups import apc, rfc1628, series, xups
from exporters.ups.catalogue import CATALOGUE
from exporters.ups.config import UpsConfig
from exporters.ups.detect import choose
from exporters.ups.reading import Reading
from exporters.ups.values import Decoder, Oid, SnmpValue

NOW = 1_800_000_000.0


def test_rfc1628_units_alarms_and_self_test_time() -> None:
    scalars: dict[str, SnmpValue] = {
        "sysUpTime": 500_000,
        "manufacturer": b"ACME",
        "battery_status": 3,
        "seconds_on_battery": 95,
        "minutes_remaining": 7,
        "charge": 42,
        "battery_voltage": 1304,
        "battery_temperature": 31,
        "output_source": 5,
        "alarms_present": 3,
        "test_result": 3,
        "test_start": 440_000,
    }
    table: dict[str, SnmpValue] = {
        f"{rfc1628.OUTPUT_LOAD}.1": 85,
        f"{rfc1628.INPUT_VOLTAGE}.1": 0,
        f"{rfc1628.OUTPUT_VOLTAGE}.1": 229,
        f"{rfc1628.ALARM_DESCR}.7": Oid(f"{rfc1628.WELL_KNOWN_ALARMS}.1"),
        f"{rfc1628.ALARM_DESCR}.8": Oid(f"{rfc1628.WELL_KNOWN_ALARMS}.2"),
        f"{rfc1628.ALARM_DESCR}.9": Oid("1.3.6.1.4.1.9999.1"),
    }
    r = rfc1628.parse(scalars, table, NOW)
    assert r.runtime_seconds == 420
    assert r.battery_voltage == pytest.approx(130.4)
    assert r.charge_ratio == pytest.approx(0.42)
    assert r.battery_status == "low" and r.output_source == "battery"
    assert r.load == {"1": pytest.approx(0.85)}
    assert r.input_voltage == {"1": 0}
    assert r.alarms == ["battery_bad", "on_battery", "other"]
    assert r.replace_needed is True
    assert r.self_test_result == "failed"
    assert r.last_self_test == NOW - 600  # 60000 ticks before sysUpTime
    assert r.problems == []


def test_rfc1628_test_start_after_uptime_is_left_out() -> None:
    r = rfc1628.parse({"sysUpTime": 100, "test_start": 200, "test_result": 1}, {}, NOW)
    assert r.last_self_test is None and r.self_test_result == "passed"


def test_apc_prefers_high_precision_and_converts_timeticks() -> None:
    r = apc.parse(
        {
            "capacity": 99,
            "hp_capacity": 987,
            "runtime": 90_000,
            "time_on_battery": 6_000,
            "temperature": 30,
            "hp_temperature": 305,
            "output_load": 50,
            "output_status": 3,
            "test_date": b"02/29/24",
            "test_result": 1,
        },
        {},
        NOW,
    )
    assert r.charge_ratio == pytest.approx(0.987)
    assert r.runtime_seconds == 900 and r.seconds_on_battery == 60
    assert r.battery_temperature == pytest.approx(30.5)
    assert r.load == {"1": 0.5}
    assert r.output_source == "battery"
    assert r.last_self_test == 1709164800  # 2024-02-29 00:00 UTC
    assert r.vendor == "APC"


def test_apc_falls_back_to_the_adv_group_and_drops_sentinels() -> None:
    r = apc.parse(
        {"capacity": 80, "temperature": 255, "runtime": 4294967295, "input_voltage": 231},
        {},
        NOW,
    )
    assert r.charge_ratio == pytest.approx(0.8)
    assert r.battery_temperature is None
    assert r.runtime_seconds is None
    assert r.input_voltage == {"1": 231}
    assert r.problems == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (b"11/20/26", 1795132800.0),
        (b"11/20/2026", 1795132800.0),
        (b"01/04/2018 10:18:32", 1515024000.0),
        (b"12/31/99", 946598400.0),
        (b"Unknown", None),
        (b"13/01/20", None),
        (b"02/30/21", None),
        (b"garbage", None),
    ],
)
def test_dates(text: bytes, expected: float | None) -> None:
    assert Decoder({"d": text}, []).date("d") == expected


def test_wrongly_typed_values_become_problems() -> None:
    problems: list[str] = []
    d = Decoder({"n": b"12", "t": 5, "o": b"x"}, problems)
    assert d.number("n") is None
    assert d.text("t") == ""
    assert d.oid("o") is None
    assert len(problems) == 3 and all(":" in p for p in problems)


def test_apc_state_flags() -> None:
    flags = "".join("1" if i in (2, 3, 5) else "0" for i in range(1, 65))
    assert apc.state_flag_alarms(flags) == ["low_battery", "replace_battery"]
    assert apc.state_flag_alarms("01x") is None


def test_xups_status_from_alarms_and_sentinel() -> None:
    table = {
        f"{xups.ALARM_DESCR}.1": Oid(f"{xups.WELL_KNOWN_ALARMS}.9"),
        f"{xups.ALARM_DESCR}.2": Oid(f"{xups.WELL_KNOWN_ALARMS}.23"),
    }
    r = xups.parse(
        {
            "time_remaining": 65535,
            "abm_status": 2,
            "alarms": 2,
            "output_phases": 3,
            "output_load": 91,
        },
        table,
        NOW,
    )
    assert r.runtime_seconds is None
    assert r.battery_status == "depleted"
    assert r.replace_needed is True
    assert r.load == {"total": pytest.approx(0.91)}
    assert xups.battery_status("normal", []) == "normal"


@pytest.mark.parametrize(
    ("sys_object_id", "answered", "expected"),
    [
        ("1.3.6.1.4.1.318.1.3.27", {"apc", "rfc1628"}, "apc"),
        ("1.3.6.1.4.1.318.1.3.27", {"rfc1628"}, "rfc1628"),
        ("1.3.6.1.4.1.534.1", {"eaton-xups", "rfc1628"}, "eaton-xups"),
        ("1.3.6.1.4.1.705.1", {"eaton-xups", "rfc1628"}, "rfc1628"),
        ("1.3.6.1.4.1.3180", {"apc"}, "apc"),  # not APC's enterprise, but only APC answered
        (None, {"eaton-xups"}, "eaton-xups"),
        ("1.3.6.1.4.1.318", set(), None),
    ],
)
def test_choose(sys_object_id: str | None, answered: set[str], expected: str | None) -> None:
    assert choose(sys_object_id, answered) == expected


def test_render_state_sets_and_missing_values() -> None:
    sink = MetricSink({"target": "u"}, CATALOGUE)
    series.ups(sink, Reading(mib="apc", output_source="battery", battery_status=None))
    assert sink.sample_value("ups_on_battery") == 1
    assert sink.sample_value("ups_output_source", {"source": "normal"}) == 0
    assert sink.samples("ups_battery_status") == []
    assert sink.samples("ups_battery_runtime_seconds") == []


def test_config_v3_and_secret_files(tmp_path: Path) -> None:
    (tmp_path / "auth").write_text("auth-pass-123\n")
    config = parse_config(
        """
targets:
  usv:
    address: 10.0.0.5
    shutdown_margin: 10m
    snmp:
      version: 3
      username: monitor
      auth_protocol: SHA-512
      auth_password_file: auth
      priv_protocol: AES-256
      priv_password: priv-pass-123
""",
        UpsConfig,
        base_dir=tmp_path,
    )
    target = config.targets["usv"]
    assert target.host_port() == ("10.0.0.5", 161)
    assert target.shutdown_margin == 600
    assert target.snmp.auth_password is not None
    assert target.snmp.auth_password.get_secret_value() == "auth-pass-123"


@pytest.mark.parametrize(
    ("snmp", "message"),
    [
        ("{version: 2c}", "needs community"),
        ("{version: 3}", "needs username"),
        ("{version: 3, username: u, auth_password: aaaaaaaa}", "needs priv_password"),
        (
            "{version: 3, username: u, security_level: authNoPriv, auth_password: short}",
            "at least 8",
        ),
        ("{version: 3, username: u, auth_protocol: SHA-1024}", "auth_protocol"),
        ("{version: 2c, community: c, comunity: c}", "unknown key"),
    ],
)
def test_config_errors_name_the_key(snmp: str, message: str) -> None:
    with pytest.raises(ConfigError) as err:
        parse_config(f"targets:\n  usv:\n    address: h:161\n    snmp: {snmp}\n", UpsConfig)
    assert message in str(err.value)
    assert "short" not in str(err.value)


def test_config_rejects_a_bad_port() -> None:
    with pytest.raises(ConfigError, match="address"):
        parse_config("targets:\n  u:\n    address: h:99999\n    snmp: {community: c}\n", UpsConfig)


def test_placeholders_are_per_model() -> None:
    from exporters.ups.placeholders import scrub

    nine_px: dict[str, SnmpValue] = {"model": b"Eaton 9PX 3000i", "minutes_remaining": 999}
    assert scrub("rfc1628", nine_px) and "minutes_remaining" not in nine_px
    other: dict[str, SnmpValue] = {"model": b"Big Battery UPS", "minutes_remaining": 999}
    assert scrub("rfc1628", other) == [] and other["minutes_remaining"] == 999
    real: dict[str, SnmpValue] = {"model": b"Eaton 9PX 3000i", "minutes_remaining": 42}
    assert scrub("rfc1628", real) == [] and real["minutes_remaining"] == 42


def test_missing_row_count_means_a_bounded_walk() -> None:
    from exporters.ups.mib import MAX_ROWS, rows

    assert rows(None) == MAX_ROWS and rows(3) == 3 and rows(0) == 0 and rows(500) == MAX_ROWS
