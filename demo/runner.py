"""Starts the demo practice: parts, their exporters, Prometheus with all rules, Alertmanager.

Each module in `demo/parts/` has `start(ctx: DemoContext) -> DemoPart`; the runner starts the
exporter for it on a free port and scrapes it with `site="praxis-demo"` set by the scrape
config (never by the exporter). Used by `python -m demo` and by the end-to-end tests.
"""

from __future__ import annotations

import importlib
import logging
import pkgutil
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType

from demo.context import DemoContext, DemoPart
from devkit.exporter import ExporterProcess
from devkit.ports import preferred_port
from devkit.prometheus import REPO, Alertmanager, Prometheus, scrape_job

log = logging.getLogger("demo")
SITE = "praxis-demo"
ALERTMANAGER_CONFIG = REPO / "alerting-rules" / "alertmanager.yml"


def available_parts() -> list[str]:
    import demo.parts

    return sorted(m.name for m in pkgutil.iter_modules(demo.parts.__path__))


@dataclass
class Demo:
    workdir: Path
    parts: list[str] | None = None
    scrape_interval: str = "5s"
    with_alertmanager: bool = True
    default_ports: bool = False
    """Use each service's well-known port (exporters 10610-10616, Prometheus 9090,
    Alertmanager 9093) where free, so a person's bookmarks keep working; tests leave it off."""
    started: list[DemoPart] = field(default_factory=list)
    exporters: dict[str, ExporterProcess] = field(default_factory=dict)
    contexts: list[DemoContext] = field(default_factory=list)
    prometheus: Prometheus | None = None
    alertmanager: Alertmanager | None = None

    def __enter__(self) -> Demo:
        try:
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def start(self) -> None:
        self.workdir.mkdir(parents=True, exist_ok=True)
        for name in self.parts if self.parts is not None else available_parts():
            module = importlib.import_module(f"demo.parts.{name}")
            ctx = DemoContext(self.workdir / name)
            ctx.workdir.mkdir(parents=True, exist_ok=True)
            self.contexts.append(ctx)
            part: DemoPart = module.start(ctx)
            self.started.append(part)
            self.exporters[part.exporter] = ExporterProcess(
                part.exporter,
                part.config_file,
                ctx.workdir,
                port=self._port(_default_port(part.exporter)),
                env=part.env,
                extra_args=part.extra_args,
                module=part.module,
            )
        if self.with_alertmanager and ALERTMANAGER_CONFIG.exists():
            self.alertmanager = Alertmanager(
                self.workdir / "alertmanager", ALERTMANAGER_CONFIG, port=self._port(9093)
            )
        jobs = [
            scrape_job(
                f"praxis-{name}",
                [f"127.0.0.1:{proc.port}"],
                labels={"site": SITE},
                scrape_timeout=self.scrape_interval,
            )
            for name, proc in self.exporters.items()
        ]
        self.prometheus = Prometheus(
            self.workdir / "prometheus",
            jobs,
            scrape_interval=self.scrape_interval,
            evaluation_interval=self.scrape_interval,
            alertmanager_url=self.alertmanager.url if self.alertmanager else None,
            external_labels={"site": SITE},
            port=self._port(9090),
        )

    def _port(self, default: int | None) -> int | None:
        """The well-known port if wanted and free; None lets the service pick a free one."""
        if not self.default_ports or default is None:
            return None
        return preferred_port(default)

    def stop(self) -> None:
        for proc in [self.prometheus, self.alertmanager, *self.exporters.values()]:
            if proc is not None:
                proc.stop()
        for ctx in self.contexts:
            for service in reversed(ctx.services):
                service.stop()

    def summary(self) -> str:
        lines = ["praxis-exporters demo practice", ""]
        if self.prometheus:
            lines.append(
                f"  Prometheus    {self.prometheus.url}  (alerts: {self.prometheus.url}/alerts)"
            )
        if self.alertmanager:
            lines.append(f"  Alertmanager  {self.alertmanager.url}")
        for part in self.started:
            proc = self.exporters[part.exporter]
            lines.append(f"  {part.exporter:<13} {proc.url}/metrics")
            for key, url in part.urls.items():
                lines.append(f"      {key}: {url}")
            for note in part.story:
                lines.append(f"      - {note}")
        lines.append("")
        lines.append(f"  logs and state: {self.workdir}")
        return "\n".join(lines)


def _default_port(exporter: str) -> int | None:
    """The exporter's documented default port, from its spec."""
    try:
        module = importlib.import_module(f"exporters.{exporter}.__main__")
    except ModuleNotFoundError:
        return None
    spec = getattr(module, "SPEC", None)
    return getattr(spec, "default_port", None)
