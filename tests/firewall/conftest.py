"""A real snmpsim agent serving the firewall recordings, and an in-process scraper."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from devkit.snmpsim import SnmpSim, V3User, install_recordings
from exporters.core.config import parse_config
from exporters.core.metrics import MetricSink
from exporters.core.scrape import ScrapeRunner
from exporters.firewall.catalogue import CATALOGUE
from exporters.firewall.collector import FirewallCollector
from exporters.firewall.config import FirewallConfig

REPO = Path(__file__).resolve().parents[2]
RECORDINGS = REPO / "simulators" / "snmp"
V3 = V3User("praxis", "auth-secret-1", "SHA256", "priv-secret-1", "AES256")


@pytest.fixture(scope="session")
def agent(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SnmpSim]:
    work = tmp_path_factory.mktemp("fw-snmpsim")
    data = install_recordings(sorted(RECORDINGS.glob("firewall-*.snmprec")), work / "data")
    sim = SnmpSim(data, work, v3_users=[V3], name="fw-snmpsim")
    yield sim
    sim.stop()


class Scraper:
    """The real collector through the core's ScrapeRunner, as /metrics runs it."""

    def __init__(self, config_text: str, base_dir: Path) -> None:
        self.config = parse_config(config_text, FirewallConfig, base_dir=base_dir)
        self.collector = FirewallCollector(self.config)
        self.runner = ScrapeRunner("firewall", self.config, self.collector, catalogue=CATALOGUE)

    def scrape(self, *names: str, timeout: float | None = None) -> MetricSink:
        return self.runner.scrape(list(names or self.config.targets), timeout)

    def close(self) -> None:
        self.runner.close()


@pytest.fixture
def scraper(tmp_path: Path) -> Iterator[type[Scraper]]:
    made: list[Scraper] = []

    class Tracked(Scraper):
        def __init__(self, config_text: str, base_dir: Path = tmp_path) -> None:
            super().__init__(config_text, base_dir)
            made.append(self)

    yield Tracked
    for s in made:
        s.close()
