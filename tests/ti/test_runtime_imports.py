"""The TI exporter at runtime imports none of requests, urllib3 or lxml, and cryptography
only for a PKCS#12 client certificate (issue 16: every exporter below 40 MiB RSS).

Checked in a fresh interpreter: import `exporters.ti.__main__`, build the collector from a
demo-like config (connector with a client certificate, KIM, TI-Lage) and scrape the
connector simulator once, then look at `sys.modules`."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import yaml

from tests.ti.conftest import connector_config

REPO = Path(__file__).resolve().parents[2]
HEAVY = ("requests", "urllib3", "lxml", "cryptography", "certifi", "idna", "charset_normalizer")

SCRIPT = """
import json, sys
from exporters.core import Deadline, MetricSink
from exporters.core.config import parse_config
from exporters.ti.__main__ import SPEC

config = parse_config(sys.stdin.read(), SPEC.config_model)
collector = SPEC.collector_factory(config)
sink = MetricSink({"target": "praxis"}, SPEC.catalogue)
if "--scrape" in sys.argv:
    collector._connector("praxis", config.targets["praxis"].connector, Deadline.after(10), sink)
collector.close()
heavy = json.loads(sys.argv[1])
print(json.dumps(sorted(m for m in heavy if m in sys.modules)))
"""


def _loaded(config: dict, scrape: bool = False) -> list[str]:
    args = [sys.executable, "-c", SCRIPT, json.dumps(HEAVY)] + (["--scrape"] if scrape else [])
    out = subprocess.run(
        args,
        input=yaml.safe_dump({"targets": {"praxis": config}}),
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=120,
        check=True,
    )
    return list(json.loads(out.stdout.strip().splitlines()[-1]))


def test_pem_client_certificate_needs_no_heavy_module(connector, ti_pki) -> None:
    server = connector("secunet", client_ca=True)
    target = {
        "connector": connector_config(
            server.url,
            ti_pki,
            auth="certificate",
            cert_file=str(ti_pki.client_cert),
            key_file=str(ti_pki.client_key),
        ),
        "kim": {"smtp": {"address": "127.0.0.1:465"}},
        "ti_status": True,
    }
    assert _loaded(target, scrape=True) == []
    assert server.sim.requests_seen  # the scrape really talked to the connector


def test_basic_auth_needs_no_heavy_module(connector, ti_pki) -> None:
    server = connector("rise", basic=("monitor", "geheim-123"))
    target = {
        "connector": connector_config(
            server.url, ti_pki, auth="basic", username="monitor", password="geheim-123"
        )
    }
    assert _loaded(target, scrape=True) == []


def test_pkcs12_client_certificate_loads_cryptography_only_then(ti_pki) -> None:
    target = {
        "connector": connector_config(
            "https://127.0.0.1:1",
            ti_pki,
            auth="certificate",
            pkcs12_file=str(ti_pki.client_p12),
            pkcs12_password=ti_pki.p12_password,
        )
    }
    assert _loaded(target) == ["cryptography"]
