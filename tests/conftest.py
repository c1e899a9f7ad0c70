"""Fixtures shared by all tests: work directories, exporters as processes, Prometheus."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from devkit.exporter import ExporterProcess
from devkit.prometheus import Prometheus
from exporters.core import redaction
from exporters.core.metrics import STRICT_ENV

# Breaking a metric catalogue is a bug: in tests (and exporter processes they start) it
# raises instead of being dropped and counted.
os.environ[STRICT_ENV] = "1"


@pytest.fixture
def start_exporter(tmp_path: Path) -> Iterator[Callable[..., ExporterProcess]]:
    """Start `python -m exporters.<name>` with a config; stopped after the test."""
    started: list[ExporterProcess] = []

    def start(name: str, config: Path | str, **kwargs: Any) -> ExporterProcess:
        path = Path(config)
        if isinstance(config, str) and "\n" in config:
            path = tmp_path / f"{name}.yml"
            path.write_text(config)
        proc = ExporterProcess(name, path, tmp_path, **kwargs)
        started.append(proc)
        return proc

    yield start
    for proc in started:
        proc.stop()


@pytest.fixture
def start_prometheus(tmp_path: Path) -> Iterator[Callable[..., Prometheus]]:
    """Start a real Prometheus (all repo rules loaded by default); stopped after the test."""
    started: list[Prometheus] = []

    def start(scrape_configs: list[dict[str, Any]], **kwargs: Any) -> Prometheus:
        prom = Prometheus(tmp_path / f"prometheus-{len(started)}", scrape_configs, **kwargs)
        started.append(prom)
        return prom

    yield start
    for prom in started:
        prom.stop()


@pytest.fixture(autouse=True)
def _forget_registered_secrets() -> Iterator[None]:
    """Secrets registered by one test's config (e.g. an SNMP community "praxis") must not
    redact another test's target names: the registry is process-wide."""
    yield
    redaction.clear()
