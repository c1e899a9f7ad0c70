"""apcupsd targets against the real apcupsd daemon (UPSTYPE snmp reading an APC recording
from snmpsim), checked against apcupsd's own apcaccess; and misbehaving NIS peers."""

from __future__ import annotations

import logging
import socket
import struct
import time
from pathlib import Path

import pytest

from devkit.apcupsd import Apcupsd, apcaccess
from devkit.ports import free_port
from devkit.snmpsim import SnmpSim
from exporters.core.deadline import Deadline
from exporters.core.metrics import MetricSink
from exporters.ups.nisclient import parse_status, status_lines
from tests.ups.conftest import APCUPSD_FEED as COMMUNITY
from tests.ups.conftest import Scraper
from tests.ups.peers import Scripted, endless, read_request

pytestmark = pytest.mark.integration
OUTPUT_STATUS = "1.3.6.1.4.1.318.1.1.1.4.1.1.0"  # writable in the recording


def config(address: str, timeout: str = "5s") -> str:
    return f"""
timeout: {timeout}
targets:
  ups:
    apcupsd: {{address: "{address}"}}
    shutdown_seconds_needed: 8m
"""


def value(sink: MetricSink, name: str, **labels: str) -> float | None:
    return sink.sample_value(name, {"target": "ups", **labels})


def test_our_nis_client_reads_what_apcaccess_prints(daemon: tuple[Apcupsd, SnmpSim]) -> None:
    apc, _ = daemon
    ours = parse_status(status_lines("127.0.0.1", apc.nis_port, Deadline.after(5)))
    theirs = parse_status(apcaccess(apc.address).splitlines())
    for volatile in ("DATE", "END APC"):
        ours.pop(volatile, None)
        theirs.pop(volatile, None)
    assert ours == theirs
    assert ours["STATUS"] == "ONLINE" and ours["DRIVER"] == "SNMP UPS Driver"


def test_apcupsd_target(daemon: tuple[Apcupsd, SnmpSim], scraper: type[Scraper]) -> None:
    apc, _ = daemon
    sink = scraper(config(apc.address)).scrape()
    assert value(sink, "ups_up") == 1
    info = sink.samples("ups_info")[0].labels
    assert info["source"] == "apcupsd" and info["driver"] == "SNMP UPS Driver"
    assert info["serial"] == "AS1911123456" and info["firmware"] == "UPS 09.3 (ID18)"
    assert sink.samples("ups_daemon_info")[0].labels["version"].startswith("3.14")
    # the same recording through SNMP gives 252000 TimeTicks = 2520 s; apcupsd says 42 min
    assert value(sink, "ups_battery_runtime_seconds") == 2520
    assert value(sink, "ups_battery_charge_ratio") == 1.0
    assert value(sink, "ups_load_ratio", line="1") == pytest.approx(0.34)
    assert value(sink, "ups_input_voltage_volts", line="1") == 230
    assert value(sink, "ups_input_frequency_hertz", line="1") == 50
    assert value(sink, "ups_on_battery") == 0
    assert value(sink, "ups_self_test_result", result="passed") == 1
    assert value(sink, "ups_battery_date_timestamp_seconds") == 1552521600  # 03/14/19
    assert value(sink, "ups_shutdown_threshold_charge_ratio") == pytest.approx(0.10)  # MBATTCHG
    assert value(sink, "ups_shutdown_threshold_runtime_seconds") == 300  # MINTIMEL 5 min
    assert value(sink, "ups_shutdown_threshold_on_battery_seconds") is None  # MAXTIME 0: off
    assert value(sink, "ups_transfers_total") is not None
    assert value(sink, "ups_on_battery_seconds_total") is not None
    assert value(sink, "ups_shutdown_needed_seconds") == 480
    assert sink.samples("ups_shutdown_clients") == []  # apcupsd does not list its clients


def test_power_cut_is_counted(daemon: tuple[Apcupsd, SnmpSim], scraper: type[Scraper]) -> None:
    apc, sim = daemon
    s = scraper(config(apc.address))
    before = value(s.scrape(), "ups_transfers_total") or 0
    sim.set(COMMUNITY, OUTPUT_STATUS, "i", "3")  # the card now says: on battery
    try:
        apc.wait_until(
            lambda: int(parse_status(apcaccess(apc.address).splitlines())["NUMXFERS"]) > before,
            timeout=60,
            what="counting the transfer",
        )
        sink = s.scrape()
        assert value(sink, "ups_on_battery") == 1
        assert value(sink, "ups_alarm", alarm="on_battery") == 1
        assert value(sink, "ups_transfers_total") == before + 1
        assert value(sink, "ups_last_transfer_timestamp_seconds") is not None
    finally:
        sim.set(COMMUNITY, OUTPUT_STATUS, "i", "2")
        apc.wait_until(lambda: "ONLINE" in apc.status(), timeout=60, what="back on mains")


def _record(text: bytes) -> bytes:
    return struct.pack(">H", len(text)) + text


def _closes_mid_answer(conn: socket.socket) -> None:
    read_request(conn)
    conn.sendall(_record(b"APC      : 001,036,0857\n") + struct.pack(">H", 40) + b"STATUS")


def _endless_records(conn: socket.socket) -> None:
    read_request(conn)
    endless(conn, _record(b"STATUS   : ONLINE\n") * 50)


def _oversized_record(conn: socket.socket) -> None:
    read_request(conn)
    conn.sendall(struct.pack(">H", 60000) + b"X" * 60000)


@pytest.mark.parametrize(
    ("script", "message"),
    [
        (_closes_mid_answer, "connection closed"),
        (_endless_records, "longer than"),
        (_oversized_record, "at most"),
    ],
)
def test_misbehaving_nis_is_down_with_a_log_line(
    scraper: type[Scraper], caplog: pytest.LogCaptureFixture, script: object, message: str
) -> None:
    caplog.set_level(logging.WARNING)
    with Scripted(script) as peer:  # type: ignore[arg-type]
        sink = scraper(config(peer.address)).scrape()
    assert value(sink, "ups_up") == 0
    text = " ".join(str(getattr(r, "praxis_fields", "")) for r in caplog.records)
    assert message in text


def test_refused_and_silent_nis_are_down_in_time(scraper: type[Scraper]) -> None:
    from devkit.listeners import BlackHole

    assert value(scraper(config(f"127.0.0.1:{free_port()}")).scrape(), "ups_up") == 0
    with BlackHole() as hole:
        started = time.monotonic()
        assert value(scraper(config(hole.address, timeout="1s")).scrape(), "ups_up") == 0
        assert time.monotonic() - started < 10


def test_commlost_is_down_not_stale(tmp_path: Path, scraper: type[Scraper]) -> None:
    lines = [b"APC      : 001,036,0857\n", b"STATUS   : COMMLOST \n", b"BCHARGE  : 100.0 Percent\n"]

    def stale(conn: socket.socket) -> None:
        read_request(conn)
        conn.sendall(b"".join(_record(x) for x in lines) + struct.pack(">H", 0))

    with Scripted(stale) as peer:
        sink = scraper(config(peer.address)).scrape()
    assert value(sink, "ups_up") == 0
    assert value(sink, "ups_battery_charge_ratio") is None
