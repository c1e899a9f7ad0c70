"""Real snmpsim agents serving the UPS recordings, and helpers to scrape them in-process."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from devkit.apcupsd import Apcupsd
from devkit.nut import DEV_DIR, NutServer, available
from devkit.ports import free_port
from devkit.snmpsim import SnmpSim, V3User, install_recordings
from exporters.core.config import parse_config
from exporters.core.metrics import MetricSink
from exporters.core.scrape import ScrapeRunner
from exporters.ups.catalogue import CATALOGUE
from exporters.ups.collector import UpsCollector
from exporters.ups.config import UpsConfig

REPO = Path(__file__).resolve().parents[2]
RECORDINGS = REPO / "simulators" / "snmp"
V3 = V3User("praxis", "auth-secret-1", "SHA256", "priv-secret-1", "AES256")
V3_MORE = [
    V3User("legacy", "auth-secret-2", "MD5", "priv-secret-2", "DES"),
    V3User("modern", "auth-secret-3", "SHA512", "priv-secret-3", "AES192"),
    V3User("authonly", "auth-secret-4", "SHA224"),
]


def recordings() -> list[Path]:
    return sorted(RECORDINGS.glob("*.snmprec"))


@pytest.fixture(scope="session")
def agent(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SnmpSim]:
    """v1/v2c/v3 agent with every recording (community = file name)."""
    work = tmp_path_factory.mktemp("snmpsim")
    data = install_recordings(recordings(), work / "data")
    sim = SnmpSim(data, work, v3_users=[V3, *V3_MORE])
    yield sim
    sim.stop()


@pytest.fixture(scope="session")
def v3_agent(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SnmpSim]:
    """An agent that speaks only SNMPv3 (authPriv user)."""
    work = tmp_path_factory.mktemp("snmpsim-v3")
    data = install_recordings([RECORDINGS / "apc-smartups.snmprec"], work / "data")
    sim = SnmpSim(data, work, v3_users=[V3], v3_only=True, name="snmpsim-v3")
    yield sim
    sim.stop()


@pytest.fixture
def silent_port() -> Iterator[int]:
    """A bound UDP port that never answers (a black-holed agent)."""
    port = free_port(udp=True)
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("127.0.0.1", port))
    yield port
    sock.close()


class Scraper:
    """Runs the real collector through the core's ScrapeRunner, like /metrics does."""

    def __init__(self, config_text: str) -> None:
        self.config = parse_config(config_text, UpsConfig)
        self.collector = UpsCollector(self.config)
        self.runner = ScrapeRunner("ups", self.config, self.collector, catalogue=CATALOGUE)

    def scrape(self, *names: str, timeout: float | None = None) -> MetricSink:
        return self.runner.scrape(list(names or self.config.targets), timeout)

    def close(self) -> None:
        self.runner.close()


@pytest.fixture
def scraper() -> Iterator[type[Scraper]]:
    made: list[Scraper] = []

    class Tracked(Scraper):
        def __init__(self, config_text: str) -> None:
            super().__init__(config_text)
            made.append(self)

    yield Tracked
    for s in made:
        s.close()


NUT_DEVICES = sorted(p.stem for p in DEV_DIR.glob("*.dev"))
WATCHED = "apc-back-ups-es-700"
"""The UPS the attached upsmon (the practice server's shutdown client) watches."""


@pytest.fixture(scope="session")
def nut(tmp_path_factory: pytest.TempPathFactory) -> Iterator[NutServer]:
    """A real upsd, dummy-ups serving every device file, one real upsmon on `WATCHED`."""
    if not available():
        pytest.fail("NUT is not installed: run scripts/install-system-deps.sh (nut-server)")
    devices = {name: (DEV_DIR / f"{name}.dev").read_text() for name in NUT_DEVICES}
    devices["changing"] = devices[WATCHED]  # rewritten by a test
    server = NutServer(tmp_path_factory.mktemp("nut"), devices)
    try:
        server.attach_upsmon(WATCHED)
        yield server
    finally:
        server.stop()


APCUPSD_FEED = "apcupsd-feed"
"""Community of the APC recording copy that apcupsd reads (tests may flip it to battery)."""


@pytest.fixture(scope="session")
def daemon(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Apcupsd, SnmpSim]]:
    """The real apcupsd (UPSTYPE snmp) reading an APC Smart-UPS recording from snmpsim."""
    work = tmp_path_factory.mktemp("apcupsd")
    data = work / "data"
    install_recordings([], data)
    feed = (RECORDINGS / "apc-smartups.snmprec").read_text()
    (data / f"{APCUPSD_FEED}.snmprec").write_text(feed)
    sim = SnmpSim(data, work, name="snmpsim-apcupsd")
    try:
        apc = Apcupsd(work / "daemon", sim.address, APCUPSD_FEED)
        try:
            yield apc, sim
        finally:
            apc.stop()
    finally:
        sim.stop()
