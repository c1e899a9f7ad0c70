"""An exporter whose collection blocks in a read that no deadline can interrupt.

It stands in for a hung SMB/NFS mount (which cannot be mounted here): each collection opens
`path` with a plain blocking `open()`. Given a FIFO that nobody writes, that call never
returns. The hostile tests use it to prove that SIGTERM still ends the process and that
reloads do not pile up stuck threads. Run: `python -m devkit.stuck_exporter --config.file=...`.
"""

from __future__ import annotations

from exporters.core import Deadline, ExporterConfig, ExporterSpec, MetricSink, TargetBase
from exporters.core.app import main_for


class StuckTarget(TargetBase):
    path: str


class StuckConfig(ExporterConfig[StuckTarget]):
    pass


class StuckCollector:
    def __init__(self, config: StuckConfig) -> None:
        self.config = config

    def collect_target(
        self, name: str, target: StuckTarget, deadline: Deadline, sink: MetricSink
    ) -> None:
        with open(target.path, "rb") as handle:  # blocks for ever on a FIFO without writer
            handle.read(1)

    def close(self) -> None:
        pass


SPEC = ExporterSpec(
    name="stuck",
    prefix="stuck",
    default_port=10698,
    config_model=StuckConfig,
    collector_factory=StuckCollector,
    description="Exporter whose collection hangs (hostile tests only).",
)
main = main_for(SPEC)

if __name__ == "__main__":
    main()
