"""NUT targets against a real upsd (dummy-ups drivers, a real upsmon attached), and bad input."""

from __future__ import annotations

import logging
import socket
import time

import pytest

from devkit.listeners import BlackHole, Greeter
from devkit.nut import NutServer, dev_file, upsc
from devkit.ports import free_port
from exporters.core.metrics import MetricSink
from tests.ups.conftest import WATCHED, Scraper
from tests.ups.peers import Scripted, endless, read_request

pytestmark = pytest.mark.integration


def nut_config(address: str, ups: str, extra: str = "", timeout: str = "5s") -> str:
    return f"""
timeout: {timeout}
targets:
  ups:
    nut: {{address: "{address}", ups: {ups}}}
{extra}"""


def value(sink: MetricSink, name: str, **labels: str) -> float | None:
    return sink.sample_value(name, {"target": "ups", **labels})


def logged(caplog: pytest.LogCaptureFixture) -> str:
    return " ".join(str(getattr(r, "praxis_fields", "")) + r.getMessage() for r in caplog.records)


def test_apc_back_ups_on_usb(nut: NutServer, scraper: type[Scraper]) -> None:
    sink = scraper(nut_config(nut.address, WATCHED)).scrape()
    assert value(sink, "ups_up") == 1
    info = sink.samples("ups_info")[0].labels
    assert info["source"] == "nut" and info["driver"] == "dummy-ups"
    assert info["vendor"] == "American Power Conversion"
    assert info["model"] == "Back-UPS ES 700G"
    assert info["firmware"] == "871.O4 .I" and info["serial"] == "5B1911X12345"
    assert "upsd 2.8" in sink.samples("ups_daemon_info")[0].labels["version"]
    assert value(sink, "ups_battery_charge_ratio") == 1.0
    assert value(sink, "ups_battery_runtime_seconds") == 2280
    assert value(sink, "ups_battery_voltage_volts") == pytest.approx(13.6)
    assert value(sink, "ups_input_voltage_volts", line="1") == 231
    assert value(sink, "ups_load_ratio", line="1") == pytest.approx(0.21)
    assert value(sink, "ups_output_source", source="normal") == 1
    assert value(sink, "ups_on_battery") == 0
    assert value(sink, "ups_output_off") == 0
    assert value(sink, "ups_forced_shutdown") == 0
    assert value(sink, "ups_self_test_result", result="none") == 1
    assert value(sink, "ups_shutdown_threshold_charge_ratio") == pytest.approx(0.1)
    assert value(sink, "ups_shutdown_threshold_runtime_seconds") == 120
    # battery.date 2001/09/25 is APC's constant placeholder: battery.mfr.date is used
    assert value(sink, "ups_battery_date_timestamp_seconds") == 1552608000  # 2019-03-15
    assert value(sink, "ups_alarms_present") == 0
    assert sink.samples("ups_snmp_packets_sent") == []


@pytest.mark.parametrize(
    ("ups", "expected"),
    [
        (
            "apc-smart-ups-1500-on-battery",
            {
                ("ups_on_battery", ()): 1,
                ("ups_output_source", (("source", "battery"),)): 1,
                ("ups_alarm", (("alarm", "on_battery"),)): 1,
                ("ups_battery_runtime_seconds", ()): 1800,
                ("ups_output_current_amperes", (("line", "1"),)): 2.1,
                ("ups_output_power_watts", (("line", "1"),)): 340,
                ("ups_internal_temperature_celsius", ()): 29.2,
                ("ups_last_transfer_reason", (("reason", "low_voltage"),)): 1,
            },
        ),
        (
            "eaton-ellipse-pro-650",
            {
                ("ups_input_frequency_hertz", (("line", "1"),)): 49.9,
                ("ups_output_power_watts", (("line", "1"),)): 70,
                ("ups_output_voltage_volts", (("line", "1"),)): 230,
                ("ups_shutdown_threshold_runtime_seconds", ()): 180,
                ("ups_self_test_result", (("result", "passed"),)): 1,
            },
        ),
        (
            "eaton-5e-850-low-battery",
            {
                ("ups_battery_status", (("status", "low"),)): 1,
                ("ups_alarm", (("alarm", "low_battery"),)): 1,
                ("ups_battery_runtime_seconds", ()): 95,
                ("ups_alarms_present", ()): 2,
            },
        ),
        (
            "cyberpower-cp1500-replace-battery",
            {
                ("ups_battery_replace_needed", ()): 1,
                ("ups_self_test_result", (("result", "failed"),)): 1,
                ("ups_alarm", (("alarm", "replace_battery"),)): 1,
            },
        ),
        (
            "cyberpower-cp900-output-off",
            {
                ("ups_output_off", ()): 1,
                ("ups_output_source", (("source", "off"),)): 1,
                ("ups_alarm", (("alarm", "output_off"),)): 1,
            },
        ),
        (
            "odd-values",
            {
                ("ups_forced_shutdown", ()): 1,
                ("ups_battery_charge_ratio", ()): 0.64,  # "  64 %  "
                ("ups_battery_voltage_volts", ()): 13.1,  # "13.1 V"
                ("ups_shutdown_threshold_runtime_seconds", ()): 120,  # "120 s"
                ("ups_self_test_result", (("result", "warning"),)): 1,  # padded
            },
        ),
    ],
)
def test_device_families(
    nut: NutServer,
    scraper: type[Scraper],
    ups: str,
    expected: dict[tuple[str, tuple[tuple[str, str], ...]], float],
) -> None:
    sink = scraper(nut_config(nut.address, ups)).scrape()
    assert value(sink, "ups_up") == 1
    for (name, labels), want in expected.items():
        assert value(sink, name, **dict(labels)) == pytest.approx(want), (name, labels)


def test_odd_values_are_left_out_with_a_log_line(
    nut: NutServer, scraper: type[Scraper], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="exporters.ups")
    sink = scraper(nut_config(nut.address, "odd-values")).scrape()
    assert value(sink, "ups_up") == 1
    assert value(sink, "ups_battery_runtime_seconds") is None  # -1: unknown, not 0
    assert value(sink, "ups_battery_temperature_celsius") is None  # "hot"
    assert sink.samples("ups_output_voltage_volts") == []  # "12 kV": a unit it cannot be
    text = logged(caplog)
    for key in ("battery.runtime", "battery.temperature", "output.voltage"):
        assert key in text


def test_shutdown_clients_from_a_real_upsmon(nut: NutServer, scraper: type[Scraper]) -> None:
    assert nut.clients(WATCHED) == ["127.0.0.1"]  # NUT's own upsc -c agrees
    extra = (
        "    expected_shutdown_clients: [127.0.0.1, localhost, 192.0.2.10]\n"
        "    shutdown_seconds_needed: 8m\n    shutdown_margin: 2m\n"
    )
    sink = scraper(nut_config(nut.address, WATCHED, extra)).scrape()
    assert value(sink, "ups_up") == 1
    assert value(sink, "ups_shutdown_clients") == 1
    assert value(sink, "ups_shutdown_client_attached", client="127.0.0.1") == 1
    assert value(sink, "ups_shutdown_client_attached", client="localhost") == 1  # resolved
    assert value(sink, "ups_shutdown_client_attached", client="192.0.2.10") == 0
    assert value(sink, "ups_shutdown_needed_seconds") == 480
    assert value(sink, "ups_shutdown_margin_seconds") == 120
    other = scraper(nut_config(nut.address, "eaton-5e-850-low-battery", extra)).scrape()
    assert value(other, "ups_shutdown_clients") == 0
    assert value(other, "ups_shutdown_client_attached", client="127.0.0.1") == 0


def test_a_name_that_does_not_resolve_is_not_attached(
    nut: NutServer, scraper: type[Scraper], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="exporters.ups")
    extra = "    expected_shutdown_clients: [praxis-server.invalid]\n"
    s = scraper(nut_config(nut.address, WATCHED, extra))
    # a slow resolver (offline CI) may need longer than one deadline: the lookup finishes in
    # the background and a later scrape uses its cached answer
    end = time.monotonic() + 60
    attached = None
    while attached is None and time.monotonic() < end:
        sink = s.scrape()
        assert value(sink, "ups_up") == 1  # never blocks the scrape
        attached = value(sink, "ups_shutdown_client_attached", client="praxis-server.invalid")
    assert attached == 0
    assert "praxis-server.invalid does not resolve" in logged(caplog)


def test_state_change_is_seen_on_the_next_scrape(nut: NutServer, scraper: type[Scraper]) -> None:
    s = scraper(nut_config(nut.address, "changing"))
    assert value(s.scrape(), "ups_on_battery") == 0
    text = dev_file(WATCHED)
    try:
        nut.write_dev("changing", text.replace('"OL CHRG"', '"OB DISCHRG LB"'))
        nut.wait_for("changing", "ups.status", "OB DISCHRG LB")
        sink = s.scrape()
        assert value(sink, "ups_on_battery") == 1
        assert value(sink, "ups_battery_status", status="low") == 1
    finally:
        nut.write_dev("changing", text)
        nut.wait_for("changing", "ups.status", "OL CHRG")


def test_exporter_reads_what_upsc_reads(nut: NutServer) -> None:
    from exporters.core.deadline import Deadline
    from exporters.ups.nutclient import query

    ours = query("127.0.0.1", nut.port, "eaton-ellipse-pro-650", Deadline.after(5)).variables
    theirs = dict(
        line.split(": ", 1) for line in upsc("eaton-ellipse-pro-650", nut.address).splitlines()
    )
    assert ours == theirs


def test_unknown_ups_is_down_with_a_log_line(
    nut: NutServer, scraper: type[Scraper], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    sink = scraper(nut_config(nut.address, "no-such-ups")).scrape()
    assert value(sink, "ups_up") == 0
    assert "ERR UNKNOWN-UPS" in logged(caplog)


def test_refused_port_is_down(scraper: type[Scraper], caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING)
    sink = scraper(nut_config(f"127.0.0.1:{free_port()}", "x")).scrape()
    assert value(sink, "ups_up") == 0
    assert "connect failed" in logged(caplog)


def test_black_holed_port_is_down_in_time(scraper: type[Scraper]) -> None:
    with BlackHole() as hole:
        s = scraper(nut_config(hole.address, "x", timeout="1s"))
        started = time.monotonic()
        assert value(s.scrape(), "ups_up") == 0
        assert time.monotonic() - started < 10  # bounded by the 1 s deadline, not hanging


def _closes_mid_answer(conn: socket.socket) -> None:
    read_request(conn)
    conn.sendall(b'Network UPS Tools upsd 2.8.0\nBEGIN LIST VAR x\nVAR x battery.charge "10')


def _access_denied(conn: socket.socket) -> None:
    read_request(conn)
    conn.sendall(b"ERR ACCESS-DENIED\n")


def _endless_list(conn: socket.socket) -> None:
    read_request(conn)
    conn.sendall(b"Network UPS Tools upsd 2.8.0\nBEGIN LIST VAR x\n")
    endless(conn, b'VAR x battery.charge "100"\n' * 100)


def _endless_line(conn: socket.socket) -> None:
    read_request(conn)
    endless(conn, b"A" * 65536)


@pytest.mark.parametrize(
    ("script", "message"),
    [
        (_closes_mid_answer, "connection closed"),
        (_access_denied, "ERR ACCESS-DENIED"),
        (_endless_list, "more than"),
        (_endless_line, "longer than"),
    ],
)
def test_misbehaving_daemon_is_down_with_a_log_line(
    scraper: type[Scraper], caplog: pytest.LogCaptureFixture, script: object, message: str
) -> None:
    caplog.set_level(logging.WARNING)
    with Scripted(script) as peer:  # type: ignore[arg-type]
        sink = scraper(nut_config(peer.address, "x", timeout="5s")).scrape()
    assert value(sink, "ups_up") == 0
    assert message in logged(caplog)


def test_greeting_garbage_is_down(scraper: type[Scraper]) -> None:
    with Greeter(b"SSH-2.0-OpenSSH_9.2\r\n") as peer:
        assert value(scraper(nut_config(peer.address, "x")).scrape(), "ups_up") == 0


def test_password_is_sent_but_never_logged(
    nut: NutServer, scraper: type[Scraper], caplog: pytest.LogCaptureFixture, tmp_path
) -> None:
    caplog.set_level(logging.DEBUG)
    secret = tmp_path / "pw"
    secret.write_text("nut-test-secret\n")
    config = f"""
targets:
  ups:
    nut: {{address: "{nut.address}", ups: nope, username: monitor, password_file: {secret}}}
"""
    sink = scraper(config).scrape()
    assert value(sink, "ups_up") == 0  # unknown UPS: fails after USERNAME/PASSWORD were OK
    assert "nut-test-secret" not in caplog.text + logged(caplog)


def _upsd_before_2_8(conn: socket.socket) -> None:
    """What NUT 2.7 answers: LIST CLIENT did not exist yet (ERR UNKNOWN-COMMAND)."""
    read_request(conn)
    conn.sendall(
        b"Network UPS Tools upsd 2.7.4 - http://www.networkupstools.org/\n"
        b"BEGIN LIST VAR x\n"
        b'VAR x ups.status "OL"\n'
        b'VAR x battery.runtime "1200"\n'
        b"END LIST VAR x\n"
        b"ERR UNKNOWN-COMMAND\n"
        b"OK Goodbye\n"
    )


def test_upsd_without_list_client_still_reads_the_ups(
    scraper: type[Scraper], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="exporters.ups")
    extra = "    expected_shutdown_clients: [127.0.0.1]\n"
    with Scripted(_upsd_before_2_8) as peer:
        sink = scraper(nut_config(peer.address, "x", extra)).scrape()
    assert value(sink, "ups_up") == 1
    assert value(sink, "ups_battery_runtime_seconds") == 1200
    assert sink.samples("ups_shutdown_clients") == []  # unknown, not 0
    assert sink.samples("ups_shutdown_client_attached") == []
    assert "LIST CLIENT" in logged(caplog)
    assert sink.samples("ups_daemon_info")[0].labels["version"] == "Network UPS Tools upsd 2.7.4"
