"""The REST paths against the FortiGate and OPNsense doubles over HTTPS with credentials:
good answers, and wrong credentials, 5xx, slow, dripping, huge, malformed and redirecting
answers, each failing only its call (or the target) in time."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from devkit import pki
from devkit.snmpsim import SnmpSim
from simulators.firewall import server as sim
from tests.firewall.conftest import Scraper

pytestmark = pytest.mark.integration
TOKEN = "fgt-api-token-9f8e7d6c5b4a"
KEY, SECRET = "opn-key-123", "opn-secret-456"


@pytest.fixture(scope="module")
def pki_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("fw-pki")
    ca = pki.make_ca("Praxis Firewall Test CA")
    leaf = pki.make_cert("firewall.praxis.local", issuer=ca, sans=["127.0.0.1"])
    pki.write_pem(base / "ca.pem", ca)
    pki.write_pem(base / "server.pem", leaf)
    pki.write_key(base / "server.key", leaf)
    (base / "token").write_text(TOKEN + "\n")
    (base / "wrong-token").write_text("not-the-token\n")
    return base


@pytest.fixture(scope="module")
def fortigate(pki_dir: Path) -> Iterator[sim.FirewallApiServer]:
    now = time.time()
    state = sim.SimState("fortigate", token=TOKEN)
    state.documents[sim.FORTIGATE_LICENCE] = sim.fortigate_licence_status(
        now, now - 10 * 86400, now - 12 * 86400
    )
    server = sim.start(state, str(pki_dir / "server.pem"), str(pki_dir / "server.key"))
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def opn(pki_dir: Path) -> Iterator[sim.FirewallApiServer]:
    state = sim.SimState("opnsense", key=KEY, secret=SECRET)
    state.documents = {
        sim.OPN_FIRMWARE: sim.opnsense_firmware(updates=2, reboot=True),
        sim.OPN_RULESETS: sim.opnsense_rulesets(dt.datetime(2026, 11, 30, 4, 5)),
        sim.OPN_GATEWAYS: sim.opnsense_gateways(),
    }
    server = sim.start(state, str(pki_dir / "server.pem"), str(pki_dir / "server.key"))
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture(autouse=True)
def no_faults(fortigate: sim.FirewallApiServer, opn: sim.FirewallApiServer) -> Iterator[None]:
    yield
    for server in (fortigate, opn):
        server.state.faults.clear()
        server.state.slow_seconds = 5.0


def _fg(server: sim.FirewallApiServer, pki_dir: Path, token: str = "token", extra: str = "") -> str:  # noqa: S107 (a file name)
    return (
        f"    vendor: fortigate\n    api:\n      url: {server.url}\n"
        f"      token_file: {pki_dir / token}\n      ca_file: {pki_dir / 'ca.pem'}\n{extra}"
    )


def _api_up(sink, endpoint: str) -> float | None:  # type: ignore[no-untyped-def]
    return sink.sample_value("firewall_api_up", {"endpoint": endpoint})


def test_fortigate_api_alone(
    fortigate: sim.FirewallApiServer, pki_dir: Path, scraper: type[Scraper]
) -> None:
    sink = scraper("targets:\n  fg:\n" + _fg(fortigate, pki_dir)).scrape()
    assert sink.sample_value("firewall_up", {"target": "fg"}) == 1
    assert _api_up(sink, sim.FORTIGATE_LICENCE) == 1
    assert (
        sink.sample_value("firewall_licence_status", {"module": "antivirus", "status": "expired"})
        == 1
    )
    assert (
        sink.sample_value("firewall_licence_status", {"module": "email", "status": "not_licensed"})
        == 1
    )
    updated = sink.sample_value(
        "firewall_signature_update_timestamp_seconds", {"engine": "antivirus"}
    )
    assert updated is not None and time.time() - updated > 11 * 86400
    assert sink.samples("firewall_info")[0].labels["serial"] == "FGT60FTK21000001"


def test_fortigate_api_is_preferred_over_snmp(
    fortigate: sim.FirewallApiServer, agent: SnmpSim, pki_dir: Path, scraper: type[Scraper]
) -> None:
    config = (
        f"targets:\n  fg:\n    address: {agent.address}\n"
        "    snmp: {community: firewall-fortigate}\n" + _fg(fortigate, pki_dir)
    )
    sink = scraper(config).scrape()
    assert (
        sink.sample_value(
            "firewall_signature_version_info", {"engine": "antivirus", "version": "92.07583"}
        )
        == 1
    )  # REST, not the SNMP 92.01234
    assert sink.sample_value("firewall_ha_mode", {"mode": "active_passive"}) == 1  # SNMP only


def test_wrong_token_fails_only_the_api_call(
    fortigate: sim.FirewallApiServer,
    agent: SnmpSim,
    pki_dir: Path,
    scraper: type[Scraper],
    caplog: pytest.LogCaptureFixture,
) -> None:
    config = (
        f"targets:\n  fg:\n    address: {agent.address}\n"
        "    snmp: {community: firewall-fortigate}\n"
        + _fg(fortigate, pki_dir, "wrong-token")
        + "  api-only:\n"
        + _fg(fortigate, pki_dir, "wrong-token")
    )
    sink = scraper(config).scrape()
    assert sink.sample_value("firewall_up", {"target": "fg"}) == 1
    assert (
        sink.sample_value("firewall_api_up", {"target": "fg", "endpoint": sim.FORTIGATE_LICENCE})
        == 0
    )
    assert (
        sink.sample_value(
            "firewall_licence_status",
            {"target": "fg", "vendor_module": "AntiVirus", "status": "expired"},
        )
        == 1
    )  # from SNMP
    assert sink.sample_value("firewall_up", {"target": "api-only"}) == 0
    assert "not-the-token" not in caplog.text and TOKEN not in caplog.text


@pytest.mark.parametrize("fault", ["500", "malformed", "wrong_shape", "huge", "redirect"])
def test_bad_answers_fail_the_call_not_the_process(
    fault: str, fortigate: sim.FirewallApiServer, pki_dir: Path, scraper: type[Scraper]
) -> None:
    fortigate.state.faults[sim.FORTIGATE_LICENCE] = fault
    s = scraper("timeout: 10s\ntargets:\n  fg:\n" + _fg(fortigate, pki_dir))
    sink = s.scrape()
    assert sink.sample_value("firewall_up", {"target": "fg"}) == 0
    fortigate.state.faults.clear()
    assert s.scrape().sample_value("firewall_up", {"target": "fg"}) == 1  # and recovers


@pytest.mark.parametrize("fault", ["slow", "drip"])
def test_slow_answers_end_at_the_deadline(
    fault: str, fortigate: sim.FirewallApiServer, pki_dir: Path, scraper: type[Scraper]
) -> None:
    fortigate.state.faults[sim.FORTIGATE_LICENCE] = fault
    fortigate.state.slow_seconds = 8.0
    s = scraper("timeout: 1s\ntargets:\n  fg:\n" + _fg(fortigate, pki_dir))
    sink = s.scrape()
    assert sink.sample_value("firewall_up", {"target": "fg"}) == 0
    duration = sink.sample_value("firewall_scrape_duration_seconds", {"target": "fg"})
    assert duration is not None and duration < 1.0 + 0.5
    # the abandoned call really ends soon after its deadline (a dripping body takes ~5
    # minutes to arrive; a read waiting for a full chunk would hold the thread that long)
    end = time.monotonic() + 30
    while s.runner._in_flight.get("fg"):
        assert time.monotonic() < end, "the abandoned collection is still running"
        time.sleep(0.2)
    fortigate.state.faults.clear()
    assert s.scrape().sample_value("firewall_up", {"target": "fg"}) == 1


def test_untrusted_certificate_is_refused(
    fortigate: sim.FirewallApiServer, pki_dir: Path, scraper: type[Scraper]
) -> None:
    config = (
        f"targets:\n  fg:\n    vendor: fortigate\n    api:\n      url: {fortigate.url}\n"
        f"      token_file: {pki_dir / 'token'}\n"
    )
    assert scraper(config).scrape().sample_value("firewall_up", {"target": "fg"}) == 0


def _opn(server: sim.FirewallApiServer, pki_dir: Path, secret: str = SECRET) -> str:
    return (
        f"targets:\n  opn:\n    vendor: opnsense\n    timezone: Europe/Berlin\n"
        f"    wan_links: [WAN_DHCP, WAN_LTE]\n    api:\n      url: {server.url}\n"
        f"      key: {KEY}\n      secret: {secret}\n      ca_file: {pki_dir / 'ca.pem'}\n"
    )


def test_opnsense_reads_firmware_ids_and_gateways_with_gets_only(
    opn: sim.FirewallApiServer, pki_dir: Path, scraper: type[Scraper]
) -> None:
    sink = scraper(_opn(opn, pki_dir)).scrape()
    assert sink.sample_value("firewall_up", {"target": "opn"}) == 1
    assert sink.samples("firewall_info")[0].labels["firmware"] == "24.7.9"
    assert sink.sample_value("firewall_firmware_updates_available") == 2
    assert sink.sample_value("firewall_reboot_required") == 1
    expected = dt.datetime(2026, 11, 30, 4, 5, tzinfo=dt.timezone(dt.timedelta(hours=1)))
    assert (
        sink.sample_value("firewall_signature_update_timestamp_seconds", {"engine": "ids"})
        == expected.timestamp()
    )
    wan = {s.labels["link"]: s.value for s in sink.samples("firewall_wan_link_up")}
    assert wan == {"WAN_DHCP": 1, "WAN_LTE": 0}
    assert not [c for c in opn.state.calls if c.startswith("POST")]


def test_opnsense_secondary_call_fails_alone(
    opn: sim.FirewallApiServer, pki_dir: Path, scraper: type[Scraper]
) -> None:
    opn.state.faults[sim.OPN_GATEWAYS] = "500"
    opn.state.faults[sim.OPN_RULESETS] = "wrong_shape"
    sink = scraper(_opn(opn, pki_dir)).scrape()
    assert sink.sample_value("firewall_up", {"target": "opn"}) == 1
    assert _api_up(sink, sim.OPN_FIRMWARE) == 1
    assert _api_up(sink, sim.OPN_GATEWAYS) == 0
    assert _api_up(sink, sim.OPN_RULESETS) == 0
    # configured links the firewall could not report are down, not silently absent
    assert sink.sample_value("firewall_wan_link_up", {"link": "WAN_DHCP"}) == 0


def test_opnsense_firmware_failure_or_wrong_secret_is_down(
    opn: sim.FirewallApiServer, pki_dir: Path, scraper: type[Scraper]
) -> None:
    assert (
        scraper(_opn(opn, pki_dir, "wrong")).scrape().sample_value("firewall_up", {"target": "opn"})
        == 0
    )
    opn.state.faults[sim.OPN_FIRMWARE] = "malformed"
    assert scraper(_opn(opn, pki_dir)).scrape().sample_value("firewall_up", {"target": "opn"}) == 0
