"""Turns an `ExporterSpec` into a running exporter process (the `main` of every exporter)."""

from __future__ import annotations

import atexit
import gc
import logging
import os
import signal
import sys
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from types import FrameType
from typing import Any, NoReturn

from exporters import __version__
from exporters.core.catalogue import Catalogue
from exporters.core.cli import build_parser
from exporters.core.config import ConfigError, ExporterConfig
from exporters.core.http import Route
from exporters.core.logsetup import fields, setup_logging
from exporters.core.memory import limit_malloc_arenas
from exporters.core.runtime import Runtime
from exporters.core.scrape import TargetCollector
from exporters.core.server import WebSecurity, build_server

log = logging.getLogger("exporters.core.app")


@dataclass(frozen=True)
class ExporterSpec:
    """Everything that makes one exporter different from the others."""

    name: str  # e.g. "firebird"; the console script is praxis-<name>-exporter
    prefix: str  # metric prefix without trailing underscore
    default_port: int
    config_model: type[ExporterConfig[Any]]
    collector_factory: Callable[[Any], TargetCollector[Any]]
    description: str = ""
    routes: Sequence[Route] = field(default_factory=tuple)
    catalogue: Catalogue | None = None
    """Every metric the exporter writes (`exporters/<name>/catalogue.py`); enforced by the
    sinks when given."""

    @property
    def program(self) -> str:
        return f"praxis-{self.name}-exporter"


def run_exporter(spec: ExporterSpec, argv: Sequence[str] | None = None) -> int:
    """Parse flags, load config, serve until SIGTERM/SIGINT. Returns the exit code."""
    args = build_parser(
        spec.program, spec.description, spec.default_port, f"{spec.name}.yml"
    ).parse_args(argv)
    setup_logging(args.log_level, args.log_format)
    limit_malloc_arenas()
    try:
        security = WebSecurity(args.web_config_file or None)
        runtime = Runtime(
            spec.prefix,
            args.config_file,
            spec.config_model,
            spec.collector_factory,
            args.timeout_offset,
            spec.catalogue,
        )
    except ConfigError as exc:
        print(f"{spec.program}: invalid configuration:\n{exc}", file=sys.stderr)
        return ConfigError.exit_code
    if args.config_check:
        print(f"{args.config_file}: OK ({len(runtime.config.targets)} targets)")
        runtime.close()
        return 0
    try:
        server = build_server(args.listen_address, runtime, security, spec.routes, spec.program)
    except (OSError, ValueError) as exc:
        log.error("cannot listen", extra=fields(address=args.listen_address, err=str(exc)))
        runtime.close()
        return 1
    _install_signals(runtime, server.shutdown)
    settle_heap()
    log.info(
        "listening",
        extra=fields(
            address=args.listen_address,
            tls=security.tls,
            version=__version__,
            config=args.config_file,
            targets=len(runtime.config.targets),
        ),
    )
    try:
        server.serve_forever(poll_interval=0.2)
    finally:
        server.server_close()
        _bounded(runtime.close, CLOSE_TIMEOUT, "closing collectors")
        log.info("stopped")
    return 0


def settle_heap() -> None:
    """Move what start-up built (modules, config, MIB tables) out of the garbage
    collector's way: its full collections otherwise walk every one of those objects again,
    a few times a minute under regular scrapes, for nothing."""
    gc.collect()
    gc.freeze()


CLOSE_TIMEOUT = 5.0
"""Seconds the exit waits for collectors to close before it leaves them behind."""


def _bounded(action: Callable[[], None], seconds: float, what: str) -> None:
    """Run `action` in a daemon thread; give up waiting after `seconds` (it may hang on a
    dead mount or a driver that ignores its timeout)."""
    worker = threading.Thread(target=action, name=what, daemon=True)
    worker.start()
    worker.join(seconds)
    if worker.is_alive():
        log.warning("exiting without waiting any longer", extra=fields(waiting_for=what))


def _exit_now(code: int) -> NoReturn:
    """Exit even if collection threads are stuck in blocking calls.

    `sys.exit` would join the thread pools' workers first (concurrent.futures registers
    that at exit), and a worker stuck reading from a hung mount or a FIFO never returns:
    the process logged "stopped", closed its port and stayed. The registered atexit
    handlers (e.g. removing temp directories) still run, then the process ends.
    """
    try:
        atexit._run_exitfuncs()
    finally:
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except (OSError, ValueError):
                pass
        os._exit(code)


def _install_signals(runtime: Runtime, shutdown: Callable[[], None]) -> None:
    def on_hup(signum: int, frame: FrameType | None) -> None:
        runtime.request_reload()

    def on_term(signum: int, frame: FrameType | None) -> None:
        log.info("shutting down", extra=fields(signal=signal.Signals(signum).name))
        threading.Thread(target=shutdown, name="shutdown", daemon=True).start()

    if hasattr(signal, "SIGHUP"):
        signal.signal(signal.SIGHUP, on_hup)
    signal.signal(signal.SIGTERM, on_term)
    signal.signal(signal.SIGINT, on_term)


def main_for(spec: ExporterSpec) -> Callable[[], None]:
    """A console-script entry point for `spec`."""

    def main() -> None:
        _exit_now(run_exporter(spec))

    return main
