"""Pure parts of the NUT and apcupsd sources: tokenizer, text values, mappings, config."""

from __future__ import annotations

import pytest

from exporters.core.config import ConfigError, parse_config
from exporters.ups import apcstatus, nutvars
from exporters.ups.config import UpsConfig
from exporters.ups.nisclient import parse_status
from exporters.ups.nutclient import split_words
from exporters.ups.reading import StaleData
from exporters.ups.textvalues import MINUTES, VOLTS, TextValues, clean, parse_date
from exporters.ups.transfer import transfer_reason


def test_split_words_quotes_and_escapes() -> None:
    assert split_words(r'VAR ups ups.model "Smart-UPS \"1500\" \\ X"') == [
        "VAR",
        "ups",
        "ups.model",
        'Smart-UPS "1500" \\ X',
    ]
    assert split_words('VAR u x ""') == ["VAR", "u", "x", ""]


def test_text_values_are_cleaned_or_left_out() -> None:
    problems: list[str] = []
    t = TextValues(
        {"a": " 230.5 V ", "b": "230 #nominal", "c": "45.0 Minutes", "d": "-1", "e": "3 kV"},
        problems,
    )
    assert t.number("a", VOLTS) == 230.5
    assert t.number("b", VOLTS) == 230
    assert t.number("c", MINUTES) == 2700
    assert t.number("d", VOLTS) is None and t.number("e", VOLTS) is None
    assert t.number("missing", VOLTS) is None
    assert [p.split(":")[0] for p in problems] == ["d", "e"]
    assert clean("  Back-UPS #refurbished ") == "Back-UPS"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-11-20 10:00:00 +0100", 1795165200),
        ("Fri Nov 20 10:00:00 CET 2026", 1795168800),  # before apcupsd 3.14: zone dropped
        ("03/14/19", 1552521600),
        ("2019/03/14", 1552521600),
        ("N/A", None),
        ("CPS", None),
        ("01/01/70", None),  # 1970: not a real battery date
    ],
)
def test_dates(text: str, expected: float | None) -> None:
    assert parse_date(text) == expected


def test_nut_status_flags_and_comment_tails() -> None:
    r = nutvars.parse(
        {
            "ups.status": "OB LB RB OVER FSD ALARM XYZ",
            "battery.charge": "12 #low!",
            "battery.runtime": "300",
            "input.L1-N.voltage": "230",
            "input.L2-N.voltage": "231",
            "input.voltage": "999",
            "battery.date": "2001/09/25",  # APC placeholder
            "battery.mfr.date": "2020/01/02",
        }
    )
    assert r.output_source == "battery" and r.battery_status == "low"
    assert r.replace_needed and r.forced_shutdown and not r.output_off
    assert set(r.alarms or []) >= {"on_battery", "low_battery", "replace_battery", "other"}
    assert r.charge_ratio == pytest.approx(0.12)
    assert r.input_voltage == {"1": 230, "2": 231}  # per phase wins over the single value
    assert r.battery_date == 1577923200
    assert any("XYZ" in p for p in r.problems)


def test_nut_wait_status_is_stale() -> None:
    with pytest.raises(StaleData):
        nutvars.parse({"ups.status": "WAIT"})


@pytest.mark.parametrize(
    ("text", "result"),
    [
        ("Done and passed", "passed"),
        ("Done and warning", "warning"),
        ("Done and error", "failed"),
        ("Aborted", "aborted"),
        ("In progress", "in_progress"),
        ("No test initiated", "none"),
        ("Test scheduled", "unknown"),
    ],
)
def test_nut_test_results(text: str, result: str) -> None:
    assert nutvars.self_test_result(text) == result


APCACCESS = """APC      : 001,036,0857
STATUS   : ONBATT SHUTTING DOWN
TIMELEFT :   3.5 Minutes
LOADPCT  :  41.0 Percent
MBATTCHG : 5 Percent
MINTIMEL : 3 Minutes
MAXTIME  : 600 Seconds
NUMXFERS : 7
TONBATT  : 95 Seconds
CUMONBATT: 1234 Seconds
XONBATT  : 2026-11-30 22:01:05 +0100
LASTXFER : Unacceptable line voltage changes
SELFTEST : BT
LASTSTEST: 2026-11-01 09:00:00 +0100
ITEMP    : 31.5 C
"""


def test_apcupsd_status() -> None:
    r = apcstatus.parse(parse_status(APCACCESS.splitlines()))
    assert r.output_source == "battery" and r.forced_shutdown is True
    assert r.runtime_seconds == 210 and r.load == {"1": pytest.approx(0.41)}
    assert r.threshold_charge == pytest.approx(0.05) and r.threshold_runtime == 180
    assert r.threshold_on_battery == 600
    assert r.transfers_total == 7 and r.on_battery_seconds_total == 1234
    assert r.seconds_on_battery == 95
    assert r.last_transfer == 1796072465
    assert r.last_transfer_reason == "voltage_change"
    assert r.self_test_result == "failed"
    assert r.internal_temperature == 31.5
    assert r.problems == []


def test_apcupsd_commlost_is_stale() -> None:
    with pytest.raises(StaleData):
        apcstatus.parse({"STATUS": "COMMLOST"})


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("No transfers since turnon", "none"),
        ("Low line voltage", "low_voltage"),
        ("High line voltage", "high_voltage"),
        ("Line voltage notch or spike", "notch_spike"),
        ("Automatic or explicit self test", "self_test"),
        ("Forced by software", "forced"),
        ("Input frequency out of range", "frequency"),
        ("input voltage out of range", "other"),
    ],
)
def test_transfer_reasons(text: str, reason: str) -> None:
    assert transfer_reason(text) == reason


@pytest.mark.parametrize(
    ("target", "message"),
    [
        ("{nut: {address: h, ups: x}, address: h}", "address belongs to snmp"),
        ("{apcupsd: {address: h}, expected_shutdown_clients: [a]}", "needs a nut target"),
        ('{nut: {address: h, ups: "a b"}}', "NUT UPS name"),
        ("{nut: {address: h, ups: x, username: u}}", "both username and password"),
        ("{nut: {address: h, ups: x, ca_file: /x}}", "ca_file needs tls"),
        ("{nut: {address: h, ups: x}, expected_shutdown_clients: [a, a]}", "listed twice"),
        ("{nut: {address: 'h:0', ups: x}}", "65535"),
        ("{apcupsd: {address: h}, snmp: {community: c}, address: h}", "exactly one"),
        ("{apcupsd: {address: h}, mib: apc}", "mib is for snmp"),
        ("{nut: {address: h, ups: x}, shutdown_seconds_needed: 2d}", "between 0s and 24h"),
    ],
)
def test_config_errors(target: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        parse_config(f"targets:\n  u: {target}\n", UpsConfig)


def test_config_defaults_ports() -> None:
    c = parse_config(
        "targets:\n  a: {nut: {address: nas, ups: x}}\n  b: {apcupsd: {address: '[::1]'}}\n",
        UpsConfig,
    )
    assert c.targets["a"].nut is not None and c.targets["a"].nut.host_port() == ("nas", 3493)
    assert c.targets["b"].apcupsd is not None
    assert c.targets["b"].apcupsd.host_port() == ("::1", 3551)
    assert c.targets["a"].source == "nut" and c.targets["b"].source == "apcupsd"


def test_resolver_never_holds_a_scrape_past_its_deadline() -> None:
    import threading
    import time

    from exporters.core.deadline import Deadline
    from exporters.ups.resolve import ResolveError, Resolver, normalize

    gate = threading.Event()

    class HungDns(Resolver):
        def _lookup(self, name: str) -> frozenset[str]:
            gate.wait(30)  # a DNS server that does not answer until released
            with self._lock:
                self._cache[name] = (time.monotonic() + self.ttl, frozenset({"10.0.0.7"}))
                self._pending.pop(name, None)
            return frozenset({"10.0.0.7"})

    resolver = HungDns()
    try:
        assert resolver.addresses("10.0.0.9", Deadline.after(0)) == {"10.0.0.9"}  # no lookup
        with pytest.raises(ResolveError, match="did not finish before the deadline"):
            resolver.addresses("praxis-server", Deadline.after(0.2))
        gate.set()
        end = time.monotonic() + 30
        while time.monotonic() < end and "praxis-server" not in resolver._cache:
            time.sleep(0.01)
        assert resolver.addresses("praxis-server", Deadline.after(0.2)) == {"10.0.0.7"}
    finally:
        resolver.close()
    assert normalize("::ffff:127.0.0.1") == "127.0.0.1" and normalize("[::1]") == "::1"
    assert normalize("server") is None


def test_a_usb_only_config_does_not_load_pysnmp() -> None:
    """pysnmp (about 12 MiB) is imported only when the config has an snmp target."""
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from exporters.core.config import parse_config\n"
        "from exporters.ups.config import UpsConfig\n"
        "from exporters.ups.collector import UpsCollector\n"
        "t = 'targets:\\n  a: {nut: {address: h, ups: x}}\\n  b: {apcupsd: {address: h}}\\n'\n"
        "UpsCollector(parse_config(t, UpsConfig)).close()\n"
        "print(any(m.startswith('pysnmp') for m in sys.modules))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert out.stdout.strip() == "False"
