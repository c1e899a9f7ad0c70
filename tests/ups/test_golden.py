"""Golden exposition: the real Eaton 93E walk through the real collector, frozen in a file.

A renamed metric, label or help text shows up as a diff of `golden/eaton-93e.prom`
(regenerate with `UPDATE_GOLDEN=1 .venv/bin/pytest tests/ups -k golden` and read the diff).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from devkit.golden import assert_golden, exposition
from devkit.snmpsim import SnmpSim
from tests.ups.conftest import Scraper

pytestmark = pytest.mark.integration
GOLDEN = Path(__file__).parent / "golden"
# A busy host can make the first GET need one retry: the packet count is not part of the
# frozen shape (tests in test_agents.py assert it).
_PACKETS = re.compile(r"^(ups_snmp_packets_sent\{.*\}) \S+$", re.MULTILINE)


def test_golden_eaton_93e(agent: SnmpSim, scraper: type[Scraper]) -> None:
    s = scraper(f"""
timeout: 5s
targets:
  e93:
    address: {agent.address}
    shutdown_margin: 8m
    snmp: {{version: 2c, community: eaton-93e-80}}
""")
    text = _PACKETS.sub(r"\1 <packets>", exposition(s.scrape()))
    assert_golden(text, GOLDEN / "eaton-93e.prom")
