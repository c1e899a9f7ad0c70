"""Fixtures for the TI exporter tests: a test PKI, the connector simulator, a collector run."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from devkit import pki
from devkit.ports import free_port
from exporters.core import Deadline, MetricSink
from exporters.core.config import parse_config
from exporters.ti.catalogue import CATALOGUE
from exporters.ti.collector import TiCollector
from exporters.ti.config import TiConfig
from simulators.ti_connector.model import ConnectorState
from simulators.ti_connector.server import VENDORS, ConnectorServer, Simulator, tls_context


@dataclass
class Pki:
    dir: Path
    ca: Path
    server_cert: Path
    server_key: Path
    client_cert: Path
    client_key: Path
    client_p12: Path
    p12_password: str


@pytest.fixture(scope="session")
def ti_pki(tmp_path_factory: pytest.TempPathFactory) -> Pki:
    d = tmp_path_factory.mktemp("ti-pki")
    ca = pki.make_ca("Konnektor Test CA")
    server = pki.make_cert(
        "konnektor.praxis.test",
        issuer=ca,
        sans=["127.0.0.1", "localhost"],
        not_after=pki.days_from_now(200),
    )
    client = pki.make_cert("praxis-ti-exporter", issuer=ca)
    return Pki(
        dir=d,
        ca=pki.write_pem(d / "ca.pem", ca),
        server_cert=pki.write_pem(d / "server.pem", server, ca),
        server_key=pki.write_key(d / "server.key", server),
        client_cert=pki.write_pem(d / "client.pem", client),
        client_key=pki.write_key(d / "client.key", client),
        client_p12=pki.write_pkcs12(d / "client.p12", client, [ca], password="p12-geheim"),
        p12_password="p12-geheim",
    )


@pytest.fixture
def connector(ti_pki: Pki) -> Iterator[Callable[..., ConnectorServer]]:
    """Start a simulator: connector(vendor="rise", basic=("u","p"), client_ca=True)."""
    started: list[ConnectorServer] = []

    def start(
        vendor: str = "secunet",
        basic: tuple[str, str] | None = None,
        client_ca: bool = False,
        state: ConnectorState | None = None,
        tls: bool = True,
        advertised_base: str = "https://konnektor.praxis.intern:8443",
    ) -> ConnectorServer:
        sim = Simulator(
            state=state or ConnectorState(),
            vendor=VENDORS[vendor],
            basic_auth=basic,
            advertised_base=advertised_base,
        )
        ctx = (
            tls_context(
                str(ti_pki.server_cert),
                str(ti_pki.server_key),
                str(ti_pki.ca) if client_ca else None,
            )
            if tls
            else None
        )
        server = ConnectorServer(sim, free_port(), ctx).start()
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


def connector_config(url: str, ti_pki: Pki, **extra: Any) -> dict[str, Any]:
    cfg: dict[str, Any] = {
        "base_url": url,
        "mandant_id": "Mandant1",
        "client_system_id": "PVS1",
        "workplace_id": "Empfang",
        "ca_file": str(ti_pki.ca),
    }
    cfg.update(extra)
    return cfg


def scrape(
    target: dict[str, Any], collector: TiCollector | None = None, deadline: float = 10.0
) -> tuple[MetricSink, TiCollector]:
    """Run one collection of target `t` in-process; exceptions propagate (target down)."""
    config = parse_config(yaml.safe_dump({"targets": {"t": target}}), TiConfig)
    collector = collector or TiCollector(config)
    sink = MetricSink({"target": "t"}, CATALOGUE)
    collector.collect_target("t", config.targets["t"], Deadline.after(deadline), sink)
    return sink, collector


def exposition(sink: MetricSink) -> str:
    from prometheus_client import generate_latest

    return generate_latest(sink).decode()  # type: ignore[arg-type]
