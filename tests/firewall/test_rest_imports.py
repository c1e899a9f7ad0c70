"""The firewall exporter's REST path imports neither requests nor urllib3 (issue 16): a
fresh interpreter imports `exporters.firewall.__main__`, builds the collector from a
FortiGate-API config and scrapes the REST double once, then looks at `sys.modules`."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from devkit import pki
from simulators.firewall import server as sim

REPO = Path(__file__).resolve().parents[2]
HEAVY = ("requests", "urllib3", "lxml", "cryptography", "certifi", "idna", "charset_normalizer")
TOKEN = "fgt-api-token-imports-1"

SCRIPT = """
import json, sys
from exporters.core import Deadline, MetricSink
from exporters.core.config import parse_config
from exporters.firewall.__main__ import SPEC

config = parse_config(sys.stdin.read(), SPEC.config_model)
collector = SPEC.collector_factory(config)
sink = MetricSink({"target": "fg"}, SPEC.catalogue)
collector.collect_target("fg", config.targets["fg"], Deadline.after(10), sink)
collector.close()
heavy = json.loads(sys.argv[1])
loaded = sorted(m for m in heavy if m in sys.modules)
print(json.dumps([loaded, len(sink.samples("firewall_info"))]))
"""


@pytest.fixture(scope="module")
def fortigate(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[sim.FirewallApiServer, Path]]:
    base = tmp_path_factory.mktemp("fw-imports")
    ca = pki.make_ca("Firewall Imports CA")
    leaf = pki.make_cert("firewall.praxis.local", issuer=ca, sans=["127.0.0.1"])
    pki.write_pem(base / "ca.pem", ca)
    pki.write_pem(base / "server.pem", leaf)
    pki.write_key(base / "server.key", leaf)
    (base / "token").write_text(TOKEN + "\n")
    state = sim.SimState("fortigate", token=TOKEN)
    now = time.time()
    state.documents[sim.FORTIGATE_LICENCE] = sim.fortigate_licence_status(
        now, now - 86400, now - 86400
    )
    server = sim.start(state, str(base / "server.pem"), str(base / "server.key"))
    yield server, base
    server.shutdown()
    server.server_close()


def test_rest_scrape_imports_no_heavy_module(fortigate) -> None:
    server, base = fortigate
    config = (
        f"targets:\n  fg:\n    vendor: fortigate\n    api:\n      url: {server.url}\n"
        f"      token_file: {base / 'token'}\n      ca_file: {base / 'ca.pem'}\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", SCRIPT, json.dumps(HEAVY)],
        input=config,
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=120,
        check=False,
    )
    assert out.returncode == 0, out.stderr[-2000:]
    loaded, info = json.loads(out.stdout.strip().splitlines()[-1])
    assert loaded == []
    assert info == 1  # the scrape really read the API
