"""End to end: the demo part's connector and KIM simulators as processes, the exporter as a
process, a real Prometheus scraping it with a `site` label; every dashboard query returns
data, the exposition passes `promtool check metrics`, and no patient data comes out."""

from __future__ import annotations

import json
import ssl
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import yaml

from demo.context import DemoContext
from demo.parts import ti as ti_part
from devkit.dashboards import DASHBOARD_DIR, empty_queries
from devkit.exporter import ExporterProcess, parse_samples, value
from devkit.prometheus import Prometheus, promtool_check_metrics, scrape_job
from simulators.ti_connector.model import EGK_HOLDER, EGK_ICCSN, EGK_KVNR

pytestmark = pytest.mark.e2e

LAGE = {
    "appStatus": {
        app: {"outage": "none", "hasMaintenance": False, "affectedFunctions": []}
        for app in ("erezept", "epa", "kim", "vsdm", "tianschluss")
    },
    "cause": [],
}


@pytest.fixture
def tilage() -> Iterator[str]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def do_GET(self) -> None:
            body = json.dumps(LAGE).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/lageapi/v2/tilage"
    server.shutdown()
    server.server_close()


@pytest.fixture
def demo_ctx(tmp_path: Path) -> Iterator[DemoContext]:
    ctx = DemoContext(tmp_path / "demo-ti")
    ctx.workdir.mkdir()
    yield ctx
    for service in reversed(ctx.services):
        service.stop()


def _switch(config: dict, ctx: DemoContext, scenario: str) -> None:
    base = config["targets"]["praxis"]["connector"]["base_url"]
    tls = ssl.create_default_context(cafile=str(ctx.workdir / "ca.pem"))
    req = urllib.request.Request(f"{base}/-/sim/scenario/{scenario}", data=b"", method="POST")
    with urllib.request.urlopen(req, timeout=10, context=tls) as resp:
        assert resp.status == 200


def test_exporter_with_prometheus_and_dashboard(
    demo_ctx: DemoContext,
    tilage: str,
    start_exporter: Callable[..., ExporterProcess],
    start_prometheus: Callable[..., Prometheus],
) -> None:
    part = ti_part.start(demo_ctx)
    config = yaml.safe_load(part.config_file.read_text())
    config["targets"]["lage"] = {"ti_status": {"url": tilage}}
    part.config_file.write_text(yaml.safe_dump(config))
    _switch(config, demo_ctx, "tsl_out_of_date")

    exporter = start_exporter("ti", part.config_file)
    text = exporter.get("/metrics")
    assert promtool_check_metrics(text) == ""
    samples = parse_samples(text)
    assert value(samples, "ti_up", target="praxis") == 1
    assert value(samples, "ti_up", target="lage") == 1
    assert value(samples, "ti_patient_cards_inserted", ct_id="CT_EMPFANG") == 1
    assert value(samples, "ti_connector_error_state", condition="EC_TSL_Out_Of_Date") == 1
    assert value(samples, "ti_kim_up", service="pop3") == 1
    probe = parse_samples(exporter.get("/probe?target=praxis"))
    assert value(probe, "ti_vpn_ti_connected", target="praxis") == 1

    prom = start_prometheus(
        [scrape_job("ti", [f"127.0.0.1:{exporter.port}"], labels={"site": "praxis-e2e"})],
        scrape_interval="2s",
    )
    prom.wait_for('increase(ti_operation_failures_total{site="praxis-e2e"}[5m])', timeout=60)
    prom.wait_for('ti_status_up{site="praxis-e2e"}', timeout=30)
    assert empty_queries(prom, DASHBOARD_DIR / "ti.json") == []

    time.sleep(0.5)
    everything = exporter.get("/metrics") + exporter.log_text()
    for secret in (EGK_HOLDER, EGK_KVNR, EGK_ICCSN, ti_part.PASSWORD):
        assert secret not in everything
