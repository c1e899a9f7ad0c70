"""Pure parts of the firewall exporter: dates, licence status, vendor parsers, rendering."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from exporters.core.metrics import MetricSink
from exporters.firewall import fortigate_api, opnsense, watchguard
from exporters.firewall.catalogue import CATALOGUE
from exporters.firewall.dates import (
    expiry_from_epoch,
    parse_expiry,
    parse_local,
    split_version,
)
from exporters.firewall.mib import neutral_module, update_result
from exporters.firewall.reading import Licence, Reading, Signature
from exporters.firewall.series import Expectations, firewall, licence_status
from exporters.firewall.versions import VersionTracker
from simulators.firewall import server as sim

UTC = ZoneInfo("UTC")
BERLIN = ZoneInfo("Europe/Berlin")
FIXTURES = Path(__file__).parent / "fixtures"
NOW = dt.datetime(2026, 12, 1, 12, 0, tzinfo=dt.UTC).timestamp()


def ts(*args: int, zone: ZoneInfo = UTC) -> float:
    return dt.datetime(*args, tzinfo=zone).timestamp()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Wed Sep 16 01:00:00 2026", ts(2026, 9, 16, 1, 0)),
        ("Mon Feb  3 02:00:00 2025", ts(2025, 2, 3, 2, 0)),
        ("Nov 10 2021", ts(2021, 11, 10)),
        ("2024/01/02 3:04", ts(2024, 1, 2, 3, 4)),
        ("2015-09-01 15:10", ts(2015, 9, 1, 15, 10)),
    ],
)
def test_vendor_date_formats(text: str, expected: float) -> None:
    parsed = parse_local(text, UTC)
    assert parsed is not None and parsed.timestamp() == expected


def test_zone_less_dates_are_the_firewalls_local_time() -> None:
    summer = parse_local("Wed Sep 16 01:00:00 2026", BERLIN)
    assert summer is not None and summer.timestamp() == ts(2026, 9, 15, 23, 0)


@pytest.mark.parametrize(
    "text", ["fail", "soon, we promise", "31.12.2030", "Feb 30 2026", "Foo 10 2026", "", "x" * 500]
)
def test_texts_that_are_not_dates_give_none(text: str) -> None:
    assert parse_expiry(text, UTC) is None


def test_far_future_sentinel_is_perpetual_not_a_date_in_2999() -> None:
    expiry = parse_expiry("Dec 31 2999", UTC)
    assert expiry is not None and expiry.perpetual and expiry.timestamp is None
    assert expiry_from_epoch(32503680000).perpetual  # 3000-01-01 as epoch seconds
    assert expiry_from_epoch(0) is None and expiry_from_epoch("1") is None


def test_signature_version_with_package_date() -> None:
    assert split_version("27.00768(2015-09-01 15:10)", UTC) == ("27.00768", ts(2015, 9, 1, 15, 10))
    assert split_version("9.17.21", UTC) == ("9.17.21", None)


def test_licence_status_follows_the_end_date() -> None:
    week = 7 * 86400.0
    lic = Licence("antivirus", "AntiVirus", "licensed", expiry_from_epoch(NOW - 1))
    assert licence_status(lic, NOW, 30 * 86400) == "expired"
    lic.expiry = expiry_from_epoch(NOW + week)
    assert licence_status(lic, NOW, 30 * 86400) == "expiring"
    assert licence_status(lic, NOW, 86400) == "licensed"
    lic.expiry = parse_expiry("Dec 31 2999", UTC)
    assert licence_status(lic, NOW, 30 * 86400) == "licensed"
    # the device's own word stands where there is no usable date
    assert licence_status(Licence("ips", "x", "not_licensed"), NOW, 1) == "not_licensed"
    assert licence_status(Licence("ips", "x", "expired"), NOW, 1) == "expired"


@pytest.mark.parametrize(
    ("name", "module"),
    [
        ("AntiVirus", "antivirus"),
        ("IPS & Application Control", "ips"),
        ("Web Filtering", "web_filter"),
        ("FortiCare Support", "support"),
        ("Email Filtering", "email"),
        ("FortiSandbox Cloud", "sandbox"),
        ("Firmware & General Updates", "firmware_general_updates"),
    ],
)
def test_neutral_module_names(name: str, module: str) -> None:
    assert neutral_module(name) == module


@pytest.mark.parametrize(
    ("text", "result"),
    [
        ("Update succeeded", "success"),
        ("Failed: not authorized", "not_authorized"),
        ("Connection timed out", "connection_failed"),
        ("failed (error 5)", "failed"),
        ("", None),
        ("something new", "unknown"),
    ],
)
def test_update_results(text: str, result: str | None) -> None:
    assert update_result(text) == result


def test_fortigate_api_parses_the_vendor_sample() -> None:
    """The captured FortiOS 6.0.9 answer: `vdom` is a platform counter (no licence), `sms`
    has no licence."""
    doc = json.loads((FIXTURES / "fortigate-license-status.json").read_text())
    reading = fortigate_api.parse(doc)
    assert reading.serial == "FG1KXXXXXXXXXXXX" and reading.firmware == "v6.0.9"
    assert [(x.module, x.vendor_module, x.status) for x in reading.licences] == [
        ("sms", "sms", "not_licensed")
    ]


def test_fortigate_simulator_answers_in_the_vendor_samples_shape() -> None:
    """Fidelity: the double's envelope has exactly the keys of the captured answer, and
    each licence entry uses only the documented per-service fields."""
    sample = json.loads((FIXTURES / "fortigate-license-status.json").read_text())
    doc = sim.fortigate_licence_status(NOW, NOW - 86400, NOW - 3 * 86400)
    assert set(doc) == set(sample)
    assert type(doc["build"]) is type(sample["build"])
    documented = {
        "type",
        "status",
        "expires",
        "last_update",
        "version",
        "can_upgrade",
        "used",
        "max",
    }
    for entry in doc["results"].values():
        assert set(entry) <= documented
    for entry in sample["results"].values():
        assert set(entry) <= documented
    reading = fortigate_api.parse(doc)
    by_module = {x.module: x for x in reading.licences}
    assert by_module["antivirus"].status == "expired"
    assert by_module["email"].status == "not_licensed"
    assert "vdom" not in by_module  # platform counter, not a licence
    av = next(s for s in reading.signatures if s.engine == "antivirus")
    assert av.version == "92.07583" and av.updated == int(NOW - 3 * 86400)


@pytest.mark.parametrize(
    "doc", [{}, {"results": []}, {"results": {}, "status": "error"}, [], "text", None]
)
def test_fortigate_api_refuses_other_shapes(doc: object) -> None:
    with pytest.raises(fortigate_api.ApiAnswerError):
        fortigate_api.parse(doc)


def test_opnsense_documented_answers() -> None:
    reading = Reading("opnsense")
    opnsense.firmware(sim.opnsense_firmware(updates=3, reboot=True), reading)
    assert (reading.firmware, reading.updates_available, reading.reboot_required) == (
        "24.7.9",
        3,
        True,
    )
    quiet = Reading("opnsense")
    opnsense.firmware(sim.opnsense_firmware(updates=0), quiet)
    assert (quiet.updates_available, quiet.reboot_required) == (0, False)
    modified = dt.datetime(2026, 11, 30, 4, 5)
    opnsense.rulesets(sim.opnsense_rulesets(modified), reading, BERLIN)
    (ids,) = reading.signatures
    assert ids.engine == "ids" and ids.updated == modified.replace(tzinfo=BERLIN).timestamp()
    opnsense.gateways(sim.opnsense_gateways(), reading)
    assert reading.wan == {"WAN_DHCP": True, "WAN_LTE": False}


def test_opnsense_failed_check_is_a_problem_not_a_number() -> None:
    reading = Reading("opnsense")
    opnsense.firmware({"status": "error", "status_msg": "Could not authenticate"}, reading)
    assert reading.updates_available is None and reading.problems


def test_watchguard_service_texts() -> None:
    assert watchguard.service("20251103.1204 2025-11-03 12:04", UTC) == (
        "20251103.1204",
        ts(2025, 11, 3, 12, 4),
    )
    assert watchguard.service("18.312", UTC) == ("18.312", None)
    assert watchguard.service("no data", UTC) == (None, None)


def test_rest_is_preferred_over_snmp_where_both_tell() -> None:
    snmp = Reading("fortigate", model="FGT60F")
    snmp.licences = [
        Licence("antivirus", "AntiVirus", "licensed"),
        Licence("support", "FortiCare Support", "licensed"),
    ]
    snmp.signatures = [Signature("antivirus", "92.1", None), Signature("ips", "27.1", 100.0)]
    rest = Reading("fortigate", serial="FGT1")
    rest.licences = [Licence("antivirus", "antivirus", "expired")]
    rest.signatures = [Signature("antivirus", "92.2", 200.0)]
    snmp.merge_preferred(rest)
    assert {(x.module, x.status) for x in snmp.licences} == {
        ("antivirus", "expired"),
        ("support", "licensed"),
    }
    sigs = {s.engine: (s.version, s.updated) for s in snmp.signatures}
    assert sigs == {"antivirus": ("92.2", 200.0), "ips": ("27.1", 100.0)}
    assert (snmp.model, snmp.serial) == ("FGT60F", "FGT1")


def _render(reading: Reading, expect: Expectations | None = None) -> MetricSink:
    sink = MetricSink({"target": "fw"}, catalogue=CATALOGUE)
    firewall(sink, reading, "fw", VersionTracker(None), expect or Expectations(), NOW)
    return sink


def test_render_perpetual_and_configured_links() -> None:
    reading = Reading("sophos", firmware="SFOS 20.0.2")
    reading.licences = [Licence("base", "BaseFW", "licensed", parse_expiry("Dec 31 2999", UTC))]
    reading.vpn = {"zentrale": True, "extra": False}
    sink = _render(reading, Expectations("SFOS 20.0.1", vpn_tunnels=("zentrale", "filiale")))
    labels = {"module": "base", "vendor_module": "BaseFW"}
    assert sink.sample_value("firewall_licence_perpetual", labels) == 1
    assert sink.sample_value("firewall_licence_expiry_timestamp_seconds", labels) is None
    assert sink.sample_value("firewall_firmware_as_expected") == 0
    assert sink.sample_value("firewall_vpn_tunnel_up", {"tunnel": "zentrale"}) == 1
    assert sink.sample_value("firewall_vpn_tunnel_up", {"tunnel": "filiale"}) == 0
    assert sink.sample_value("firewall_vpn_tunnel_up", {"tunnel": "extra"}) is None


def test_version_only_engines_get_a_first_seen_time() -> None:
    reading = Reading("sophos")
    reading.signatures = [Signature("ips", "9.17.21"), Signature("antivirus", "1.2", 50.0)]
    sink = _render(reading)
    changed = "firewall_signature_version_changed_timestamp_seconds"
    assert sink.sample_value(changed, {"engine": "ips"}) == NOW
    assert sink.sample_value(changed, {"engine": "antivirus"}) is None
    assert (
        sink.sample_value("firewall_signature_update_timestamp_seconds", {"engine": "antivirus"})
        == 50.0
    )


CONFIG_ERRORS = [
    ("targets:\n  fw:\n    vendor: opnsense\n    api: {url: 'https://x'}\n", "key and secret"),
    ("targets:\n  fw:\n    address: 10.0.0.1\n", "needs snmp"),
    ("targets:\n  fw:\n    vendor: lancom\n    address: x\n    snmp: {community: c}\n", "lancom"),
    (
        "targets:\n  fw:\n    address: x\n    timezone: Mars/Olympus\n    snmp: {community: c}\n",
        "unknown time zone",
    ),
    ("targets:\n  fw:\n    vendor: fortigate\n    api: {url: 'ftp://x', token: t}\n", "https"),
    (
        "targets:\n  fw:\n    vendor: fortigate\n    api: {url: 'https://u:p@x', token: t}\n",
        "credentials",
    ),
    ("targets:\n  fw:\n    address: 'x:99999'\n    snmp: {community: c}\n", "port"),
    (
        "targets:\n  fw:\n    address: x\n    api: {url: 'https://x', token: t}\n"
        "    snmp: {community: c}\n",
        "explicit vendor",
    ),
]


@pytest.mark.parametrize(("text", "message"), CONFIG_ERRORS)
def test_config_errors_name_the_problem(text: str, message: str) -> None:
    from exporters.core.config import ConfigError, parse_config
    from exporters.firewall.config import FirewallConfig

    with pytest.raises(ConfigError) as err:
        parse_config(text, FirewallConfig, source="firewall.yml")
    assert message in str(err.value) and "firewall.yml: targets.fw" in str(err.value)


def test_config_error_never_prints_the_token(tmp_path: Path) -> None:
    import subprocess
    import sys

    config = tmp_path / "firewall.yml"
    config.write_text(
        "targets:\n  fw:\n    vendor: fortigate\n"
        "    api: {url: 'ftp://x', token: super-secret-token-value}\n"
    )
    result = subprocess.run(
        [sys.executable, "-m", "exporters.firewall", f"--config.file={config}"],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert result.returncode == 2
    assert "targets.fw.api.url" in result.stderr
    assert "super-secret-token-value" not in result.stderr + result.stdout


def test_default_state_file_lies_beside_the_config(tmp_path: Path) -> None:
    from exporters.core.config import load_config
    from exporters.firewall.config import FirewallConfig

    (tmp_path / "firewall.yml").write_text("targets: {}\n")
    config = load_config(tmp_path / "firewall.yml", FirewallConfig)
    assert config.state_file == str(tmp_path / "firewall-state.json")
    (tmp_path / "memory.yml").write_text("state_file: null\ntargets: {}\n")
    assert load_config(tmp_path / "memory.yml", FirewallConfig).state_file is None
    (tmp_path / "rel.yml").write_text("state_file: state/fw.json\ntargets: {}\n")
    assert load_config(tmp_path / "rel.yml", FirewallConfig).state_file == str(
        tmp_path / "state" / "fw.json"
    )
