"""What a demo part gets (a work directory, free ports, process spawning) and returns."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from devkit.ports import free_port
from devkit.procs import ServiceProcess


@dataclass
class DemoContext:
    """Given to each part's `start(ctx)`; processes spawned here are stopped with the demo."""

    workdir: Path
    services: list[ServiceProcess] = field(default_factory=list)

    def port(self) -> int:
        return free_port()

    def spawn(
        self,
        name: str,
        argv: Sequence[str],
        env: Mapping[str, str] | None = None,
        cwd: Path | None = None,
    ) -> ServiceProcess:
        proc = ServiceProcess(name, argv, self.workdir / f"{name}.log", env=env, cwd=cwd)
        self.services.append(proc)
        return proc


@dataclass
class DemoPart:
    """One exporter's share of the demo: its config and what a visitor should look at."""

    exporter: str
    config_file: Path
    story: list[str] = field(default_factory=list)
    env: dict[str, str] = field(default_factory=dict)
    extra_args: list[str] = field(default_factory=list)
    urls: dict[str, str] = field(default_factory=dict)
    # a module to run instead of exporters.<exporter> (a stand-in such as devkit.static_exporter)
    module: str | None = None
