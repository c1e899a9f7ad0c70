"""The collector against a real snmpsim agent serving recordings written from the MIBs."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest

from devkit.ports import free_port
from devkit.snmpsim import SnmpSim
from exporters.core.logsetup import _FIELDS_ATTR
from tests.firewall.conftest import Scraper

pytestmark = pytest.mark.integration


def _target(agent: SnmpSim, community: str, extra: str = "") -> str:
    return f"    address: {agent.address}\n    snmp: {{community: {community}}}\n{extra}"


def _lic(sink, target: str, vendor_module: str, status: str) -> float | None:  # type: ignore[no-untyped-def]
    return sink.sample_value(
        "firewall_licence_status",
        {"target": target, "vendor_module": vendor_module, "status": status},
    )


@pytest.fixture
def lab(agent: SnmpSim, scraper: type[Scraper]) -> Iterator[Scraper]:
    config = (
        "timeout: 10s\ntargets:\n"
        "  fg:\n"
        + _target(
            agent,
            "firewall-fortigate",
            "    vpn_tunnels: [zentrale, labor, filiale]\n    expected_firmware: v7.2.8\n",
        )
        + "  sophos:\n"
        + _target(agent, "firewall-sophos")
        + "  wg:\n"
        + _target(agent, "firewall-watchguard")
        + "  garbage:\n"
        + _target(agent, "firewall-fortigate-garbage", "    vendor: fortigate\n")
        + "  empty:\n"
        + _target(agent, "firewall-fortigate-empty")
    )
    yield scraper(config)


def test_fortigate_from_its_mib(lab: Scraper) -> None:
    sink = lab.scrape("fg")
    assert sink.sample_value("firewall_up", {"target": "fg"}) == 1
    info = sink.samples("firewall_info")[0].labels
    assert (info["vendor"], info["model"], info["firmware"], info["serial"]) == (
        "fortigate",
        "FGT60F",
        "v7.2.8",
        "FGT60FTK21000001",
    )
    assert sink.sample_value("firewall_firmware_as_expected") == 1
    assert _lic(sink, "fg", "AntiVirus", "expired") == 1
    assert _lic(sink, "fg", "FortiCare Support", "licensed") == 1
    # an expiry text that does not parse: left out, status unknown, logged
    assert _lic(sink, "fg", "Email Filtering", "unknown") == 1
    assert (
        sink.sample_value(
            "firewall_licence_expiry_timestamp_seconds", {"vendor_module": "Email Filtering"}
        )
        is None
    )
    assert (
        sink.sample_value(
            "firewall_licence_expiry_timestamp_seconds", {"vendor_module": "AntiVirus"}
        )
        == 1738548000.0
    )  # Mon Feb  3 02:00:00 2025 (UTC)
    updated = "firewall_signature_update_timestamp_seconds"
    assert sink.sample_value(updated, {"engine": "antivirus"}) == 1738404000.0
    assert sink.sample_value(updated, {"engine": "ips"}) == 1893470400.0
    assert (
        sink.sample_value(
            "firewall_signature_update_result", {"engine": "antivirus", "result": "not_authorized"}
        )
        == 1
    )
    assert {s.labels["engine"] for s in sink.samples("firewall_signature_version_info")} == {
        "antivirus",
        "ips",
    }  # the scan engine row is not a signature database
    assert sink.sample_value("firewall_ha_mode", {"mode": "active_passive"}) == 1
    assert sink.sample_value("firewall_ha_in_sync") == 1
    assert sink.sample_value("firewall_ha_role", {"role": "primary"}) == 1
    vpn = {s.labels["tunnel"]: s.value for s in sink.samples("firewall_vpn_tunnel_up")}
    assert vpn == {"zentrale": 1, "labor": 0, "filiale": 0}  # filiale: configured, not listed
    wan = {s.labels["link"]: s.value for s in sink.samples("firewall_wan_link_up")}
    assert wan == {"wan1": 1, "wan2": 0}


def test_sophos_perpetual_subscribed_unsubscribed_expired(lab: Scraper) -> None:
    sink = lab.scrape("sophos")
    assert sink.sample_value("firewall_up", {"target": "sophos"}) == 1
    assert _lic(sink, "sophos", "BaseFW", "licensed") == 1
    assert sink.sample_value("firewall_licence_perpetual", {"vendor_module": "BaseFW"}) == 1
    assert (
        sink.sample_value("firewall_licence_expiry_timestamp_seconds", {"vendor_module": "BaseFW"})
        is None
    )  # not the year 2999
    assert _lic(sink, "sophos", "NetProtection", "licensed") == 1
    assert _lic(sink, "sophos", "WebProtection", "not_licensed") == 1
    assert _lic(sink, "sophos", "MailProtection", "expired") == 1
    assert (
        _lic(sink, "sophos", "WebServerProtection", "licensed") == 1
    )  # "31.12.2030": status stays
    assert (
        sink.sample_value(
            "firewall_licence_expiry_timestamp_seconds", {"vendor_module": "WebServerProtection"}
        )
        is None
    )
    assert (
        sink.sample_value(
            "firewall_signature_version_info", {"engine": "ips", "version": "9.17.21"}
        )
        == 1
    )
    changed = sink.sample_value(
        "firewall_signature_version_changed_timestamp_seconds", {"engine": "ips"}
    )
    assert changed is not None and changed > 1.7e9
    assert sink.sample_value("firewall_ha_role", {"role": "primary"}) == 1
    vpn = {s.labels["tunnel"]: s.value for s in sink.samples("firewall_vpn_tunnel_up")}
    assert vpn == {"zentrale": 1, "homeoffice-dr-meier": 0}


def test_watchguard_from_its_mib(lab: Scraper) -> None:
    sink = lab.scrape("wg")
    assert sink.samples("firewall_info")[0].labels["firmware"] == "12.10.2.B690512"
    assert (
        sink.sample_value("firewall_signature_update_timestamp_seconds", {"engine": "antivirus"})
        == 1762171440.0
    )
    assert (
        sink.sample_value("firewall_signature_version_changed_timestamp_seconds", {"engine": "ips"})
        is not None
    )
    assert sink.samples("firewall_licence_status") == []  # the MIBs carry no feature keys


def test_garbage_costs_values_not_the_scrape(
    lab: Scraper, caplog: pytest.LogCaptureFixture
) -> None:
    sink = lab.scrape("garbage")
    assert sink.sample_value("firewall_up", {"target": "garbage"}) == 1
    assert sink.samples("firewall_info")[0].labels["firmware"] == ""
    assert sink.samples("firewall_signature_version_info") == []  # "garbage((" is no version
    assert sink.samples("firewall_ha_mode")  # unknown mode 9 -> "unknown"
    assert sink.sample_value("firewall_ha_mode", {"mode": "unknown"}) == 1
    assert sink.samples("firewall_vpn_tunnel_up") == []  # status given as text
    problems = [str(getattr(r, _FIELDS_ATTR, {}).get("problem", "")) for r in caplog.records]
    assert any("not a date" in p for p in problems)
    assert any("not a version" in p for p in problems)


def test_agent_without_vendor_objects_is_down(lab: Scraper) -> None:
    sink = lab.scrape("empty")
    assert sink.sample_value("firewall_up", {"target": "empty"}) == 0


def test_snmpv3_auth_priv(agent: SnmpSim, scraper: type[Scraper]) -> None:
    s = scraper(
        f"targets:\n  fg:\n    address: {agent.address}\n    snmp:\n      version: '3'\n"
        "      username: praxis\n      auth_protocol: SHA-256\n      auth_password: auth-secret-1\n"
        "      priv_protocol: AES-256\n      priv_password: priv-secret-1\n"
        "      context_name: firewall-fortigate\n"
    )
    sink = s.scrape()
    assert sink.sample_value("firewall_up", {"target": "fg"}) == 1
    assert sink.samples("firewall_info")[0].labels["vendor"] == "fortigate"


@pytest.fixture
def silent_port() -> Iterator[int]:
    port = free_port(udp=True)
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("127.0.0.1", port))
    yield port
    sock.close()


def test_silent_agent_is_down_within_its_deadline(silent_port: int, scraper: type[Scraper]) -> None:
    s = scraper(
        f"timeout: 1s\ntargets:\n  fw:\n    address: 127.0.0.1:{silent_port}\n"
        "    snmp: {community: x, retries: 1}\n"
    )
    sink = s.scrape()
    assert sink.sample_value("firewall_up", {"target": "fw"}) == 0
    duration = sink.sample_value("firewall_scrape_duration_seconds", {"target": "fw"})
    assert duration is not None and duration <= 1.0 + 0.5  # capped at the deadline (+ grace)
