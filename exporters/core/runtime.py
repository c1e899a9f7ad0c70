"""The running state of one exporter: current config + collector, swapped on reload."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from exporters.core.catalogue import Catalogue, core_metrics
from exporters.core.config import ConfigError, ExporterConfig, load_config
from exporters.core.logsetup import fields
from exporters.core.metrics import MetricSink, dropped_samples
from exporters.core.scrape import ScrapeRunner, TargetCollector

log = logging.getLogger("exporters.core.runtime")


class Runtime:
    """Owns the active `ScrapeRunner`; reload builds a new one and keeps the old on error."""

    def __init__(
        self,
        prefix: str,
        config_path: str | None,
        config_model: type[ExporterConfig[Any]],
        collector_factory: Callable[[Any], TargetCollector[Any]],
        timeout_offset: float,
        catalogue: Catalogue | None = None,
    ) -> None:
        self.prefix = prefix
        self.catalogue = catalogue
        self._core = {d.name[len(prefix) + 1 :]: d for d in core_metrics(prefix)}
        self.config_path = config_path
        self.config_model = config_model
        self.collector_factory = collector_factory
        self.timeout_offset = timeout_offset
        self._lock = threading.Lock()
        self._reload_lock = threading.Lock()
        self._users: dict[ScrapeRunner[Any], int] = {}
        self._retired: set[ScrapeRunner[Any]] = set()
        self._reloading = False
        self._reload_again = False
        self.last_reload_ok = True
        self.last_reload_success_time = 0.0
        self.reload_failures = 0
        self._runner = self._build(self._load())
        self.last_reload_success_time = time.time()

    @property
    def runner(self) -> ScrapeRunner[Any]:
        with self._lock:
            return self._runner

    @contextmanager
    def use(self) -> Iterator[ScrapeRunner[Any]]:
        """The active runner, kept open until the caller is done even if a reload
        replaces it meanwhile: a scrape finishes on the config it started with."""
        with self._lock:
            runner = self._runner
            self._users[runner] = self._users.get(runner, 0) + 1
        try:
            yield runner
        finally:
            with self._lock:
                left = self._users[runner] - 1
                if left:
                    self._users[runner] = left
                else:
                    del self._users[runner]
                close = not left and runner in self._retired
                if close:
                    self._retired.discard(runner)
            if close:
                runner.close()

    def _retire(self, old: ScrapeRunner[Any]) -> None:
        """Close `old` now if no scrape uses it, else when the last one finishes."""
        with self._lock:
            busy = self._users.get(old, 0) > 0
            if busy:
                self._retired.add(old)
        if not busy:
            old.close()

    @property
    def config(self) -> ExporterConfig[Any]:
        return self.runner.config

    def _load(self) -> ExporterConfig[Any]:
        if self.config_path is None:
            return self.config_model()
        return load_config(self.config_path, self.config_model)

    def _build(self, config: ExporterConfig[Any]) -> ScrapeRunner[Any]:
        collector = self.collector_factory(config)
        return ScrapeRunner(
            self.prefix,
            config,
            collector,
            timeout_offset=self.timeout_offset,
            catalogue=self.catalogue,
        )

    def request_reload(self) -> None:
        """Reload in the background (SIGHUP); a burst of requests coalesces into one reload
        running and at most one more after it, so a signal storm queues no threads."""
        with self._lock:
            if self._reloading:
                self._reload_again = True
                return
            self._reloading = True
        threading.Thread(
            target=self._reload_loop, name=f"{self.prefix}-reload", daemon=True
        ).start()

    def _reload_loop(self) -> None:
        while True:
            try:
                self.reload()
            finally:
                with self._lock:
                    again, self._reload_again = self._reload_again, False
                    if not again:
                        self._reloading = False
            if not again:
                return

    def reload(self) -> tuple[bool, str]:
        """Load the config again; on error keep the running one. Returns (ok, message)."""
        with self._reload_lock:
            try:
                config = self._load()
                runner = self._build(config)
            except ConfigError as exc:
                self.last_reload_ok = False
                self.reload_failures += 1
                log.error("reload failed; keeping the previous config", extra=fields(err=str(exc)))
                return False, str(exc)
            except Exception as exc:
                self.last_reload_ok = False
                self.reload_failures += 1
                log.error(
                    "reload failed; keeping the previous config",
                    extra=fields(err=f"{type(exc).__name__}: {exc}"),
                )
                return False, f"{type(exc).__name__}: {exc}"
            runner.adopt_in_flight(self.runner)  # reloads are serialised: stable here
            with self._lock:
                old, self._runner = self._runner, runner
            self._retire(old)
            self.last_reload_ok = True
            self.last_reload_success_time = time.time()
            log.info(
                "config reloaded",
                extra=fields(file=self.config_path or "", targets=len(config.targets)),
            )
            return True, "config reloaded"

    def self_metrics(self, sink: MetricSink, version: str) -> None:
        """The exporter's own state: config reloads and build."""
        core = self._core
        sink.put(core["exporter_config_last_reload_successful"], int(self.last_reload_ok))
        sink.put(
            core["exporter_config_last_reload_success_timestamp_seconds"],
            self.last_reload_success_time,
        )
        sink.put(core["exporter_config_reload_failures_total"], self.reload_failures)
        sink.put(core["exporter_targets"], len(self.runner.config.targets))
        sink.put_info(
            core["exporter_build_info"],
            {
                "version": version,
                "config_file": Path(self.config_path).name if self.config_path else "",
            },
        )
        sink.put(core["exporter_metric_errors_total"], dropped_samples(self.prefix))

    def close(self) -> None:
        self.runner.close()
