"""The exporter against real snmpsim agents serving real and MIB-written recordings."""

from __future__ import annotations

import logging
import time

import pytest

from devkit.snmpsim import SnmpSim
from exporters.core.deadline import Deadline
from exporters.core.metrics import MetricSink
from exporters.core.snmp.client import SnmpError
from exporters.ups.catalogue import CATALOGUE
from tests.ups.conftest import V3, Scraper

pytestmark = pytest.mark.integration


def v2(agent: SnmpSim, community: str, mib: str = "auto", version: str = "2c") -> str:
    return f"""
timeout: 5s
targets:
  ups:
    address: {agent.address}
    mib: {mib}
    snmp: {{version: "{version}", community: {community}}}
"""


def value(sink: MetricSink, name: str, **labels: str) -> float | None:
    return sink.sample_value(name, {"target": "ups", **labels})


def test_real_eaton_93e_walk_auto_picks_rfc1628(agent: SnmpSim, scraper: type[Scraper]) -> None:
    s = scraper(v2(agent, "eaton-93e-80"))
    sink = s.scrape()
    assert value(sink, "ups_up") == 1
    info = sink.samples("ups_info")[0].labels
    assert info["mib"] == "rfc1628" and info["vendor"] == "EATON"
    assert info["model"] == "EATON 93E 80"
    assert value(sink, "ups_battery_runtime_seconds") == 1092 * 60  # minutes
    assert value(sink, "ups_battery_voltage_volts") == pytest.approx(521.0)  # 0.1 V
    assert value(sink, "ups_battery_charge_ratio") == 1.0
    assert value(sink, "ups_battery_temperature_celsius") == 25
    assert value(sink, "ups_load_ratio", line="1") == pytest.approx(0.21)
    assert value(sink, "ups_load_ratio", line="3") == pytest.approx(0.12)
    assert value(sink, "ups_input_voltage_volts", line="3") == 233
    assert value(sink, "ups_output_voltage_volts", line="2") == 220
    assert value(sink, "ups_output_source", source="normal") == 1
    assert value(sink, "ups_on_battery") == 0
    assert value(sink, "ups_battery_status", status="normal") == 1
    assert value(sink, "ups_self_test_result", result="passed") == 1
    assert value(sink, "ups_alarms_present") == 0
    # one GET for all scalars (of all MIBs, to choose) + one GETBULK for the line tables;
    # the first scrape may need one retry when the test host is busy (snmpsim warming up)
    first = value(sink, "ups_snmp_packets_sent")
    assert first is not None and 2 <= first <= 3
    again = s.scrape()
    assert value(again, "ups_snmp_packets_sent") == 2


def test_eaton_xups_view_of_the_93e_leaves_out_65535(
    agent: SnmpSim, scraper: type[Scraper]
) -> None:
    sink = scraper(v2(agent, "eaton-93e-80", mib="eaton-xups")).scrape()
    assert value(sink, "ups_up") == 1
    assert value(sink, "ups_battery_runtime_seconds") is None  # 65535 = not available
    assert value(sink, "ups_battery_voltage_volts") == 521
    assert value(sink, "ups_load_ratio", line="total") == pytest.approx(0.21)


def test_apc_smartups(agent: SnmpSim, scraper: type[Scraper]) -> None:
    sink = scraper(v2(agent, "apc-smartups")).scrape()
    assert value(sink, "ups_up") == 1
    info = sink.samples("ups_info")[0].labels
    assert info == {
        "target": "ups",
        "vendor": "APC",
        "model": "Smart-UPS 1500",
        "firmware": "UPS 09.3 (ID18)",
        "serial": "AS1911123456",
        "mib": "apc",
        "source": "snmp",
        "driver": "",
    }
    assert value(sink, "ups_battery_runtime_seconds") == 2520  # 252000 TimeTicks
    assert value(sink, "ups_battery_charge_ratio") == pytest.approx(1.0)
    assert value(sink, "ups_battery_temperature_celsius") == pytest.approx(27.1)  # tenths
    assert value(sink, "ups_battery_voltage_volts") == pytest.approx(27.3)
    assert value(sink, "ups_input_voltage_volts", line="1") == pytest.approx(231.2)
    assert value(sink, "ups_load_ratio", line="1") == pytest.approx(0.342)
    assert value(sink, "ups_battery_replace_needed") == 0
    assert value(sink, "ups_last_self_test_timestamp_seconds") == 1795132800  # 11/20/26
    assert value(sink, "ups_alarms_present") == 0
    assert value(sink, "ups_snmp_packets_sent") == 1  # APC has no tables


def test_apc_card_with_only_the_high_precision_group(
    agent: SnmpSim, scraper: type[Scraper]
) -> None:
    sink = scraper(v2(agent, "apc-hp-only")).scrape()
    assert value(sink, "ups_up") == 1
    assert sink.samples("ups_info")[0].labels["mib"] == "apc"
    assert value(sink, "ups_battery_charge_ratio") == pytest.approx(1.0)
    assert value(sink, "ups_battery_temperature_celsius") == pytest.approx(27.1)
    assert value(sink, "ups_output_voltage_volts", line="1") == pytest.approx(230.0)
    assert value(sink, "ups_load_ratio", line="1") == pytest.approx(0.342)
    assert sink.samples("ups_output_source") == []  # not answered: left out, not guessed
    assert value(sink, "ups_battery_runtime_seconds") is None


def test_host_name_is_resolved(agent: SnmpSim, scraper: type[Scraper]) -> None:
    config = v2(agent, "apc-smartups").replace("127.0.0.1", "localhost")
    assert value(scraper(config).scrape(), "ups_up") == 1


def test_unknown_host_is_down(scraper: type[Scraper], caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING)
    sink = scraper("""
targets:
  ups:
    address: no-such-host.invalid:161
    snmp: {version: 2c, community: public}
""").scrape()
    assert value(sink, "ups_up") == 0
    logged = " ".join(str(getattr(r, "praxis_fields", "")) for r in caplog.records)
    assert "cannot resolve no-such-host.invalid" in logged


def test_snmp_v1_drops_missing_oids_and_asks_again(agent: SnmpSim, scraper: type[Scraper]) -> None:
    sink = scraper(v2(agent, "apc-hp-only", mib="apc", version="1")).scrape()
    assert value(sink, "ups_up") == 1
    assert value(sink, "ups_battery_charge_ratio") == pytest.approx(1.0)


def test_eaton_xups_only_card(agent: SnmpSim, scraper: type[Scraper]) -> None:
    sink = scraper(v2(agent, "eaton-xups")).scrape()
    assert value(sink, "ups_up") == 1
    info = sink.samples("ups_info")[0].labels
    assert info["mib"] == "eaton-xups" and info["vendor"] == "Eaton Corporation"
    assert value(sink, "ups_battery_runtime_seconds") == 1980
    assert value(sink, "ups_load_ratio", line="1") == pytest.approx(0.37)
    assert value(sink, "ups_input_voltage_volts", line="1") == 229
    assert value(sink, "ups_battery_status", status="normal") == 1
    assert value(sink, "ups_self_test_result", result="passed") == 1
    assert value(sink, "ups_snmp_packets_sent") == 2


@pytest.mark.parametrize(
    ("community", "expected"),
    [
        (
            "apc-on-battery",
            {
                ("ups_on_battery", ()): 1,
                ("ups_output_source", (("source", "battery"),)): 1,
                ("ups_seconds_on_battery", ()): 120,
                ("ups_battery_runtime_seconds", ()): 1800,
                ("ups_battery_charge_ratio", ()): 0.85,
            },
        ),
        (
            "apc-low-battery",
            {
                ("ups_battery_status", (("status", "low"),)): 1,
                ("ups_alarm", (("alarm", "low_battery"),)): 1,
                ("ups_battery_runtime_seconds", ()): 120,
            },
        ),
        (
            "apc-replace-battery",
            {
                ("ups_battery_replace_needed", ()): 1,
                ("ups_alarm", (("alarm", "replace_battery"),)): 1,
            },
        ),
        (
            "apc-test-failed",
            {
                ("ups_self_test_result", (("result", "failed"),)): 1,
                ("ups_last_self_test_timestamp_seconds", ()): 1788220800,  # 09/01/26
            },
        ),
        (
            "eaton-xups-on-battery",
            {
                ("ups_on_battery", ()): 1,
                ("ups_alarm", (("alarm", "on_battery"),)): 1,
                ("ups_alarms_present", ()): 1,
                ("ups_battery_runtime_seconds", ()): 840,
            },
        ),
        (
            "eaton-xups-alarms",
            {
                ("ups_battery_replace_needed", ()): 1,
                ("ups_battery_status", (("status", "low"),)): 1,
                ("ups_alarm", (("alarm", "diagnostic_test_failed"),)): 1,
                ("ups_alarm", (("alarm", "other"),)): 1,
                ("ups_alarms_present", ()): 4,
            },
        ),
    ],
)
def test_scenarios(
    agent: SnmpSim,
    scraper: type[Scraper],
    community: str,
    expected: dict[tuple[str, tuple[tuple[str, str], ...]], float],
) -> None:
    sink = scraper(v2(agent, community)).scrape()
    assert value(sink, "ups_up") == 1
    for (name, labels), want in expected.items():
        assert value(sink, name, **dict(labels)) == pytest.approx(want), (name, labels)


def test_garbage_values_are_skipped_with_a_log_line(
    agent: SnmpSim, scraper: type[Scraper], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="exporters.ups")
    sink = scraper(v2(agent, "apc-garbage")).scrape()
    assert value(sink, "ups_up") == 1
    assert value(sink, "ups_battery_charge_ratio") is None  # text where a number belongs
    assert value(sink, "ups_battery_temperature_celsius") is None  # 2550 and 255 = n/a
    assert value(sink, "ups_battery_runtime_seconds") is None  # 4294967295 = n/a
    assert sink.samples("ups_output_source") == []
    assert value(sink, "ups_last_self_test_timestamp_seconds") is None  # 13/45/99
    assert sink.samples("ups_alarm") == []
    assert value(sink, "ups_battery_voltage_volts") == pytest.approx(27.3)  # the rest stays
    logged = " ".join(str(getattr(r, "praxis_fields", "")) for r in caplog.records)
    for key in ("capacity", "output_status", "test_date", "state_flags"):
        assert key in logged


def test_writable_record_flips_the_ups_to_battery(agent: SnmpSim, scraper: type[Scraper]) -> None:
    s = scraper(v2(agent, "apc-smartups"))
    oid = "1.3.6.1.4.1.318.1.1.1.4.1.1.0"
    assert value(s.scrape(), "ups_on_battery") == 0
    agent.set("apc-smartups", oid, "i", "3")
    try:
        sink = s.scrape()
        assert value(sink, "ups_on_battery") == 1
        assert value(sink, "ups_output_source", source="battery") == 1
    finally:
        agent.set("apc-smartups", oid, "i", "2")
    assert value(s.scrape(), "ups_on_battery") == 0


def v3_config(agent: SnmpSim, auth: str = V3.auth_key, context: str = "apc-smartups") -> str:
    return f"""
timeout: 5s
targets:
  ups:
    address: {agent.address}
    snmp:
      version: 3
      username: {V3.name}
      security_level: authPriv
      auth_protocol: SHA-256
      auth_password: {auth}
      priv_protocol: AES-256
      priv_password: {V3.priv_key}
      context_name: {context}
"""


def test_snmpv3_auth_priv(v3_agent: SnmpSim, scraper: type[Scraper]) -> None:
    s = scraper(v3_config(v3_agent))
    sink = s.scrape()
    assert value(sink, "ups_up") == 1
    assert value(sink, "ups_battery_runtime_seconds") == 2520
    # engine discovery happens once per agent; afterwards one GET per scrape
    assert value(s.scrape(), "ups_snmp_packets_sent") == 1


@pytest.mark.parametrize(
    ("user", "level", "auth", "priv"),
    [
        ("legacy", "authPriv", "MD5", "DES"),
        ("modern", "authPriv", "SHA-512", "AES-192"),
        ("authonly", "authNoPriv", "SHA-224", "AES"),
    ],
)
def test_snmpv3_protocols(
    agent: SnmpSim, scraper: type[Scraper], user: str, level: str, auth: str, priv: str
) -> None:
    n = {"legacy": 2, "modern": 3, "authonly": 4}[user]
    sink = scraper(f"""
targets:
  ups:
    address: {agent.address}
    snmp:
      version: 3
      username: {user}
      security_level: {level}
      auth_protocol: {auth}
      auth_password: auth-secret-{n}
      priv_protocol: {priv}
      priv_password: priv-secret-{n}
      context_name: eaton-xups
""").scrape()
    assert value(sink, "ups_up") == 1
    assert value(sink, "ups_battery_runtime_seconds") == 1980


def test_snmpv3_wrong_password_is_down_and_not_logged(
    v3_agent: SnmpSim, scraper: type[Scraper], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    sink = scraper(v3_config(v3_agent, auth="wrong-secret-9")).scrape()
    assert value(sink, "ups_up") == 0
    assert "wrong-secret-9" not in caplog.text
    assert "wrong-secret-9" not in " ".join(
        str(getattr(r, "praxis_fields", "")) for r in caplog.records
    )


def test_v2c_against_a_v3_only_agent_is_down(v3_agent: SnmpSim, scraper: type[Scraper]) -> None:
    sink = scraper(v2(v3_agent, "apc-smartups")).scrape(timeout=2.0)
    assert value(sink, "ups_up") == 0


def test_wrong_community_is_down_in_time(agent: SnmpSim, scraper: type[Scraper]) -> None:
    started = time.monotonic()
    sink = scraper(v2(agent, "no-such-community")).scrape(timeout=2.0)
    assert value(sink, "ups_up") == 0
    assert time.monotonic() - started < 5


def test_silent_agent_is_down_within_the_deadline(silent_port: int, scraper: type[Scraper]) -> None:
    s = scraper(f"""
timeout: 1s
targets:
  ups:
    address: 127.0.0.1:{silent_port}
    snmp: {{version: 2c, community: public}}
""")
    started = time.monotonic()
    sink = s.scrape()
    assert value(sink, "ups_up") == 0
    assert time.monotonic() - started < 3
    # the next scrape is not blocked by the first one
    assert value(s.scrape(), "ups_up") == 0


def test_forced_mib_the_agent_does_not_answer_is_down(
    agent: SnmpSim, scraper: type[Scraper], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    sink = scraper(v2(agent, "eaton-xups", mib="apc")).scrape()
    assert value(sink, "ups_up") == 0
    logged = " ".join(str(getattr(r, "praxis_fields", "")) for r in caplog.records)
    assert "none of the apc OIDs" in logged


def test_one_bad_target_does_not_hide_the_others(
    agent: SnmpSim, silent_port: int, scraper: type[Scraper]
) -> None:
    s = scraper(f"""
targets:
  good:
    address: {agent.address}
    snmp: {{version: 2c, community: apc-smartups}}
  silent:
    address: 127.0.0.1:{silent_port}
    timeout: 1s
    snmp: {{version: 2c, community: public}}
""")
    sink = s.scrape()
    assert sink.sample_value("ups_up", {"target": "good"}) == 1
    assert sink.sample_value("ups_up", {"target": "silent"}) == 0


def test_small_max_repetitions_pages_through_the_tables(
    agent: SnmpSim, scraper: type[Scraper]
) -> None:
    s = scraper(f"""
targets:
  ups:
    address: {agent.address}
    mib: rfc1628
    snmp: {{version: 2c, community: eaton-93e-80, max_repetitions: 1}}
""")
    sink = s.scrape()
    assert value(sink, "ups_up") == 1
    assert value(sink, "ups_load_ratio", line="3") == pytest.approx(0.12)
    packets = value(sink, "ups_snmp_packets_sent")
    assert packets == 4  # GET + three one-row GETBULKs


def test_retries_share_the_deadline(silent_port: int, scraper: type[Scraper]) -> None:
    """Config timeout 10s, but a scrape deadline of 1.5s: all attempts still go out."""
    s = scraper(f"""
timeout: 10s
targets:
  ups:
    address: 127.0.0.1:{silent_port}
    snmp: {{version: 2c, community: public, retries: 2}}
""")
    sink = MetricSink({"target": "ups"}, CATALOGUE)
    started = time.monotonic()
    with pytest.raises(SnmpError):
        s.collector.collect_target("ups", s.config.targets["ups"], Deadline.after(1.5), sink)
    assert time.monotonic() - started < 3
    assert value(sink, "ups_snmp_packets_sent") == 3


def test_card_without_line_counts_still_has_its_tables_read(
    agent: SnmpSim, scraper: type[Scraper]
) -> None:
    """upsInputNumLines/upsOutputNumLines not answered: a bounded walk of the columns."""
    s = scraper(v2(agent, "rfc1628-no-line-counts"))
    sink = s.scrape()
    assert value(sink, "ups_up") == 1
    assert value(sink, "ups_input_voltage_volts", line="1") == 231
    assert value(sink, "ups_input_frequency_hertz", line="1") == pytest.approx(49.9)
    assert value(sink, "ups_output_voltage_volts", line="1") == 230
    assert value(sink, "ups_output_current_amperes", line="1") == pytest.approx(4.1)
    assert value(sink, "ups_output_power_watts", line="1") == 820
    assert value(sink, "ups_load_ratio", line="1") == pytest.approx(0.38)
    assert value(sink, "ups_transfers_total") == 4  # upsInputLineBads
    assert len(sink.samples("ups_input_voltage_volts")) == 1  # the walk stopped at the end
    # next scrape: GET and the (walking) GETBULK at once, one GETBULK for all columns
    assert value(s.scrape(), "ups_snmp_packets_sent") == 2


def test_eaton_9px_placeholder_run_time_is_left_out(
    agent: SnmpSim, scraper: type[Scraper], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="exporters.ups")
    sink = scraper(v2(agent, "eaton-9px-999")).scrape()
    assert value(sink, "ups_up") == 1
    assert sink.samples("ups_info")[0].labels["model"] == "Eaton 9PX 11KI RTN G2"
    assert value(sink, "ups_battery_runtime_seconds") is None  # 999 min is not a run time
    assert value(sink, "ups_battery_charge_ratio") == 1.0  # the rest stays
    logged = " ".join(str(getattr(r, "praxis_fields", "")) for r in caplog.records)
    assert "9PX" in logged and "minutes_remaining" in logged


@pytest.mark.parametrize(
    ("community", "expected"),
    [
        (
            "apc-smartups",
            {
                ("ups_input_frequency_hertz", (("line", "1"),)): 50.0,
                ("ups_output_current_amperes", (("line", "1"),)): 3.4,  # high precision
                ("ups_output_power_watts", (("line", "1"),)): 340,
                ("ups_last_transfer_reason", (("reason", "none"),)): 1,
                ("ups_battery_date_timestamp_seconds", ()): 1552521600,  # 03/14/19
            },
        ),
        ("apc-on-battery", {("ups_last_transfer_reason", (("reason", "power_failure"),)): 1}),
        (
            "eaton-xups",
            {
                ("ups_input_frequency_hertz", (("line", "1"),)): 50.0,
                ("ups_output_current_amperes", (("line", "1"),)): 5,
                ("ups_output_power_watts", (("line", "1"),)): 1050,
            },
        ),
        (
            "eaton-93e-80",
            {
                ("ups_input_frequency_hertz", (("line", "3"),)): 50.0,
                ("ups_output_current_amperes", (("line", "1"),)): 27.0,
                ("ups_output_power_watts", (("line", "2"),)): 3600,
                ("ups_transfers_total", ()): 0,
            },
        ),
    ],
)
def test_frequency_current_power(
    agent: SnmpSim,
    scraper: type[Scraper],
    community: str,
    expected: dict[tuple[str, tuple[tuple[str, str], ...]], float],
) -> None:
    sink = scraper(v2(agent, community)).scrape()
    assert value(sink, "ups_up") == 1
    for (name, labels), want in expected.items():
        assert value(sink, name, **dict(labels)) == pytest.approx(want), (name, labels)
