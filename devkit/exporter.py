"""Start a praxis exporter as a real process and read what it exports."""

from __future__ import annotations

import sys
import urllib.request
from collections.abc import Mapping, Sequence
from pathlib import Path

from prometheus_client.parser import text_string_to_metric_families

from devkit.ports import free_port
from devkit.procs import ServiceProcess, http_ok

Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]
REPO = Path(__file__).resolve().parent.parent


class ExporterProcess(ServiceProcess):
    """`python -m exporters.<name>` with a config file, on a free port."""

    def __init__(
        self,
        name: str,
        config: Path,
        workdir: Path,
        port: int | None = None,
        extra_args: Sequence[str] = (),
        env: Mapping[str, str] | None = None,
        wait: bool = True,
        module: str | None = None,
        scheme: str = "http",
    ) -> None:
        self.exporter = name
        self.scheme = scheme
        self.port = port or free_port()
        self.config = config
        argv = [
            sys.executable,
            "-m",
            module or f"exporters.{name}",
            f"--config.file={config}",
            f"--web.listen-address=127.0.0.1:{self.port}",
            "--log.level=debug",
            *extra_args,
        ]
        super().__init__(
            f"{name}-exporter",
            argv,
            workdir / f"{name}-exporter.log",
            env={"PYTHONPATH": str(REPO), **(env or {})},
            cwd=REPO,
        )
        if wait and not any(a.startswith("--web.config.file") for a in extra_args):
            self.wait_until(lambda: http_ok(f"{self.url}/-/healthy"), what="healthy")

    @property
    def url(self) -> str:
        return f"{self.scheme}://127.0.0.1:{self.port}"

    def get(
        self, path: str, timeout: float = 30.0, headers: Mapping[str, str] | None = None
    ) -> str:
        req = urllib.request.Request(self.url + path, headers=dict(headers or {}))
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            return str(resp.read().decode())

    def metrics(self, path: str = "/metrics", timeout: float = 30.0) -> Samples:
        """Scrape and return {(sample name, labels): value}."""
        return parse_samples(self.get(path, timeout=timeout))


def parse_samples(text: str) -> Samples:
    out = {}
    for family in text_string_to_metric_families(text):
        for s in family.samples:
            out[(s.name, frozenset(s.labels.items()))] = s.value
    return out


def value(samples: Samples, name: str, **labels: str) -> float | None:
    """The value of the sample `name` whose labels include `labels` (None if absent)."""
    for (sample_name, sample_labels), v in samples.items():
        if sample_name == name and all((k, val) in sample_labels for k, val in labels.items()):
            return v
    return None
