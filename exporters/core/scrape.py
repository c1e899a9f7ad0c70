"""Runs every target's collection in parallel, each bounded by its own deadline.

Whatever happens inside one target (exception, hang, deadline) ends as `<prefix>_up 0` and a
log line for that target; the others report normally and the scrape itself never fails.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Sequence
from concurrent.futures import CancelledError, Future, ThreadPoolExecutor, wait
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar

from exporters.core.catalogue import Catalogue, MetricDesc, core_metrics
from exporters.core.config import ExporterConfig, TargetBase, TargetT
from exporters.core.deadline import Deadline
from exporters.core.logsetup import fields
from exporters.core.metrics import MetricSink

log = logging.getLogger("exporters.core.scrape")

DEFAULT_TIMEOUT_OFFSET = 0.5
"""Seconds kept back from Prometheus' scrape timeout for rendering and network."""

MIN_DEADLINE = 0.1

COLLECTOR_GRACE = 0.1
"""Seconds the runner waits past a target's deadline, so that a collector that honours its
deadline reports its own, more specific error instead of a generic timeout."""


TargetT_contra = TypeVar("TargetT_contra", bound=TargetBase, contravariant=True)


class TargetCollector(Protocol[TargetT_contra]):
    """What an exporter implements: collect one target into a sink, within a deadline.

    Generic over the exporter's own `TargetBase` subclass, the one its
    `ExporterConfig[...]` holds, so `collect_target` gets that type without narrowing.
    """

    def collect_target(
        self, name: str, target: TargetT_contra, deadline: Deadline, sink: MetricSink
    ) -> None:
        """Write the target's metrics to `sink`; raise to report the target as down."""

    def close(self) -> None:
        """Release connections and caches (called when a reload replaces the collector)."""


@dataclass
class _Job:
    name: str
    started: float
    sink: MetricSink
    future: Future[None] | None = None
    finished: float | None = None
    target: Any = None


class ScrapeRunner(Generic[TargetT]):
    """Scrapes a set of targets of one config with one collector."""

    def __init__(
        self,
        prefix: str,
        config: ExporterConfig[TargetT],
        collector: TargetCollector[TargetT],
        timeout_offset: float = DEFAULT_TIMEOUT_OFFSET,
        max_workers: int = 32,
        catalogue: Catalogue | None = None,
    ) -> None:
        self.prefix = prefix
        self.catalogue = catalogue
        core = {d.name: d for d in core_metrics(prefix)}
        self._up: MetricDesc = core[f"{prefix}_up"]
        self._duration: MetricDesc = core[f"{prefix}_scrape_duration_seconds"]
        self.config = config
        self.collector = collector
        self.timeout_offset = timeout_offset
        self._executor = ThreadPoolExecutor(
            max_workers=max(4, min(max_workers, 4 * max(1, len(config.targets)))),
            thread_name_prefix=f"{prefix}-scrape",
        )
        self._lock = threading.Lock()
        self._in_flight: dict[str, list[_Job]] = {}

    def target_names(self) -> list[str]:
        return list(self.config.targets)

    def deadline_for(self, name: str, scrape_timeout: float | None) -> Deadline:
        seconds = self.config.target_timeout(name)
        if scrape_timeout is not None and scrape_timeout > 0:
            seconds = min(seconds, scrape_timeout - self.timeout_offset)
        return Deadline.after(max(MIN_DEADLINE, seconds))

    def scrape(self, names: Sequence[str], scrape_timeout: float | None = None) -> MetricSink:
        """Collect `names` in parallel and return one sink with all their series."""
        jobs: list[tuple[_Job, Deadline]] = []
        result = MetricSink(catalogue=self.catalogue)
        for name in names:
            deadline = self.deadline_for(name, scrape_timeout)
            job = _Job(name=name, started=time.monotonic(), sink=self._sink_for(name))
            job.target = self.config.targets[name]
            if self._stuck(name):
                log.warning(
                    "previous collection of target is still running past its "
                    "deadline; reporting it down",
                    extra=fields(target=name),
                )
                jobs.append((job, deadline))
                continue
            job.future = self._executor.submit(self._run, job, deadline)
            jobs.append((job, deadline))
        pending = [j.future for j, _ in jobs if j.future is not None]
        if jobs:
            latest = max(d.expires_at for _, d in jobs)
            left = max(0.0, latest + COLLECTOR_GRACE - time.monotonic())
            if len(pending) == 1:  # one target (or /probe): no waiter objects needed
                try:
                    pending[0].exception(timeout=left)
                except (FutureTimeout, CancelledError):
                    pass
            else:
                wait(pending, timeout=left)
        for job, deadline in jobs:
            self._finish(job, deadline, result)
        return result

    def _sink_for(self, name: str) -> MetricSink:
        return MetricSink({"target": name}, self.catalogue)

    def _run(self, job: _Job, deadline: Deadline) -> None:
        with self._lock:
            self._in_flight.setdefault(job.name, []).append(job)
        try:
            target = self.config.targets[job.name]
            self.collector.collect_target(job.name, target, deadline, job.sink)
        finally:
            job.finished = time.monotonic()
            with self._lock:
                running = self._in_flight.get(job.name, [])
                if job in running:
                    running.remove(job)

    def _stuck(self, name: str) -> bool:
        limit = self.config.target_timeout(name) * 2 + 1
        now = time.monotonic()
        target = self.config.targets[name]
        with self._lock:
            return any(
                now - j.started > limit and j.target == target
                for j in self._in_flight.get(name, [])
            )

    def adopt_in_flight(self, old: ScrapeRunner[Any]) -> None:
        """Share the record of running collections with the runner this one replaces.

        A collection stuck in a hung mount keeps its thread; without this, every reload
        would start one more stuck thread for the same unchanged target.
        """
        self._lock = old._lock
        self._in_flight = old._in_flight

    def _finish(self, job: _Job, deadline: Deadline, result: MetricSink) -> None:
        """Emit `_up` and the duration; merge the target's series only if it succeeded."""
        labels = {"target": job.name}
        up = 0
        future = job.future
        if future is not None and future.done():
            exc = future.exception()
            if exc is None:
                up = 1
                result.merge(job.sink)
            else:
                log.warning(
                    "target scrape failed",
                    extra=fields(target=job.name, err=f"{type(exc).__name__}: {exc}"),
                )
        elif future is not None:
            log.warning(
                "target scrape timed out",
                extra=fields(target=job.name, timeout=f"{deadline.total:.3f}s"),
            )
        end = job.finished if job.finished is not None else time.monotonic()
        duration = min(end - job.started, deadline.total) if up == 0 else end - job.started
        target_sink = MetricSink(labels, self.catalogue)
        target_sink.put(self._up, up)
        target_sink.put(self._duration, max(0.0, duration))
        result.merge(target_sink)

    def collect_global(self, sink: MetricSink) -> None:
        extra = getattr(self.collector, "collect_global", None)
        if callable(extra):
            try:
                extra(sink)
            except Exception as exc:  # a global metric must not fail the scrape
                log.error("global collection failed", extra=fields(err=str(exc)))

    def close(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)
        try:
            self.collector.close()
        except Exception as exc:
            log.warning("closing collector failed", extra=fields(err=str(exc)))
