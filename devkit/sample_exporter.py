"""The smallest exporter built on `exporters.core`, used by the runtime's own tests.

It connects to `address`, reads a greeting line and reports its length. That is enough to
exercise deadlines (a socket that accepts and never answers), secrets, reload and TLS.
Run: `python -m devkit.sample_exporter --config.file=...`.
"""

from __future__ import annotations

import socket
from typing import ClassVar

from exporters.core import Deadline, ExporterConfig, ExporterSpec, MetricSink, TargetBase
from exporters.core.app import main_for
from exporters.core.catalogue import Catalogue, gauge
from exporters.core.hostport import host_port
from exporters.core.model import SecretStr

GREETING = gauge("sample_greeting_bytes", "Length of the greeting line.", unit="bytes")
CATALOGUE = Catalogue("sample", [GREETING])


class SampleTarget(TargetBase):
    address: str
    password: SecretStr | None = None
    secret_fields: ClassVar[tuple[str, ...]] = ("password",)


class SampleConfig(ExporterConfig[SampleTarget]):
    pass


class SampleCollector:
    def __init__(self, config: SampleConfig) -> None:
        self.config = config

    def collect_target(
        self, name: str, target: SampleTarget, deadline: Deadline, sink: MetricSink
    ) -> None:
        host, port = host_port(target.address)
        with socket.create_connection((host, port), timeout=deadline.remaining()) as sock:
            sock.settimeout(deadline.remaining())
            if target.password is not None:
                sock.sendall(target.password.get_secret_value().encode() + b"\n")
            greeting = sock.recv(1024)
        if not greeting:
            raise ConnectionError(f"{target.address} closed without a greeting")
        sink.put(GREETING, len(greeting))

    def close(self) -> None:
        pass


SPEC = ExporterSpec(
    name="sample",
    prefix="sample",
    default_port=10699,
    config_model=SampleConfig,
    collector_factory=SampleCollector,
    catalogue=CATALOGUE,
    description="Sample exporter for the runtime's tests.",
)
main = main_for(SPEC)

if __name__ == "__main__":
    main()
