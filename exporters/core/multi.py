"""Optional single-process mode: `praxis-exporters --config.dir DIR`.

Serves every exporter whose `<name>.yml` lies in DIR, each on its own port (its default
port unless `--web.listen-address.<name>` says otherwise), from one Python process: one
interpreter, one YAML parser, one TLS library instead of seven, and one Windows service.

Each exporter keeps what it has as a process of its own: its config, `Runtime` (reload
keeps its previous config on error), collector thread pool, HTTP server with its own
thread, rate limiter and web security, so that one exporter's hung target, an exception
in its collector or its failed reload never stops the others. What one process cannot
isolate: a crash inside a C extension (a segfault in a database client library ends the
process and all exporters in it) and a C call that hangs while holding the GIL. Exporters
with such drivers (Firebird's legacy `fdb`, ODBC drivers of unknown quality) are better
run as separate processes (docs/usage.md, "One process for all exporters").
"""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import signal
import sys
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import Any

from exporters import __version__
from exporters.core.app import CLOSE_TIMEOUT, ExporterSpec, _bounded, _exit_now, settle_heap
from exporters.core.config import ConfigError
from exporters.core.logsetup import _FIELDS_ATTR, FORMATS, LEVELS, fields, setup_logging
from exporters.core.memory import limit_malloc_arenas
from exporters.core.runtime import Runtime
from exporters.core.scrape import DEFAULT_TIMEOUT_OFFSET
from exporters.core.server import ExporterHTTPServer, build_server
from exporters.core.websecurity import WebSecurity

log = logging.getLogger("exporters.core.multi")

PROGRAM = "praxis-exporters"
EXPORTERS = ("firebird", "mssql", "backup", "ups", "ti", "certs", "firewall")
"""Exporters the single-process mode knows, in start order (each `exporters.<name>`)."""


@dataclass
class Served:
    """One exporter inside the process."""

    spec: ExporterSpec
    config_file: Path
    listen: str
    runtime: Runtime
    server: ExporterHTTPServer | None = None
    thread: threading.Thread | None = None


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROGRAM,
        description="Serve every praxis exporter configured in one directory from one "
        "process, each on its own port.",
    )
    parser.add_argument(
        "--config.dir",
        dest="config_dir",
        default=".",
        help="directory with <exporter>.yml files, e.g. ups.yml, certs.yml (default: .)",
    )
    parser.add_argument(
        "--config.check",
        dest="config_check",
        action="store_true",
        help="validate every config (and the web config) and exit: 0 valid, 2 invalid",
    )
    for name in EXPORTERS:
        parser.add_argument(
            f"--web.listen-address.{name}",
            dest=f"listen_{name}",
            default="",
            help=f"address of the {name} exporter (default: its own default port)",
        )
    parser.add_argument(
        "--web.config.file",
        dest="web_config_file",
        default="",
        help="exporter-toolkit web config (TLS, basic auth) for every exporter",
    )
    parser.add_argument(
        "--web.timeout-offset",
        dest="timeout_offset",
        type=float,
        default=DEFAULT_TIMEOUT_OFFSET,
        help="seconds subtracted from Prometheus' scrape timeout (default: %(default)s)",
    )
    parser.add_argument("--log.level", dest="log_level", default="info", choices=list(LEVELS))
    parser.add_argument("--log.format", dest="log_format", default="logfmt", choices=list(FORMATS))
    parser.add_argument("--version", action="version", version=f"{PROGRAM} {__version__}")
    return parser


def configured(config_dir: Path) -> list[str]:
    """Exporters with a `<name>.yml` (or `.yaml`) in `config_dir`, in start order."""
    return [n for n in EXPORTERS if _config_file(config_dir, n) is not None]


def _config_file(config_dir: Path, name: str) -> Path | None:
    for suffix in (".yml", ".yaml"):
        path = config_dir / f"{name}{suffix}"
        if path.is_file():
            # a symlinked config resolves its relative paths next to the real file
            return Path(os.path.realpath(path))
    return None


def load_spec(name: str) -> ExporterSpec:
    """The exporter's `SPEC`, imported only when its config exists (its drivers with it)."""
    spec = importlib.import_module(f"exporters.{name}.__main__").SPEC
    if not isinstance(spec, ExporterSpec):
        raise TypeError(f"exporters.{name}.__main__.SPEC is no ExporterSpec")
    return spec


def run_all(argv: Sequence[str] | None = None) -> int:
    """Parse flags, load every config, serve until SIGTERM/SIGINT. Returns the exit code."""
    args = build_parser().parse_args(argv)
    setup_logging(args.log_level, args.log_format)
    limit_malloc_arenas()
    config_dir = Path(args.config_dir)
    names = configured(config_dir)
    if not names:
        print(
            f"{PROGRAM}: no exporter config in {config_dir} "
            f"(expected one of {', '.join(n + '.yml' for n in EXPORTERS)})",
            file=sys.stderr,
        )
        return ConfigError.exit_code
    served: list[Served] = []
    try:
        for name in names:
            served.append(_load(name, config_dir, args))
    except ConfigError as exc:
        print(f"{PROGRAM}: invalid configuration:\n{exc}", file=sys.stderr)
        _close_all(served)
        return ConfigError.exit_code
    except ImportError as exc:
        print(f"{PROGRAM}: cannot load an exporter: {exc}", file=sys.stderr)
        _close_all(served)
        return 1
    if args.config_check:
        for one in served:
            print(f"{one.config_file}: OK ({len(one.runtime.config.targets)} targets)")
        _close_all(served)
        return 0
    try:
        for one in served:
            security = WebSecurity(args.web_config_file or None)
            one.server = build_server(
                one.listen, one.runtime, security, one.spec.routes, one.spec.program
            )
    except ConfigError as exc:
        print(f"{PROGRAM}: invalid web configuration:\n{exc}", file=sys.stderr)
        _close_all(served)
        return ConfigError.exit_code
    except (OSError, ValueError) as exc:
        log.error("cannot listen", extra=fields(err=str(exc)))
        _close_all(served)
        return 1
    _tag_log_lines(served)
    stop = threading.Event()
    _install_signals(served, stop)
    settle_heap()
    for one in served:
        one.thread = threading.Thread(
            target=_serve, args=(one, stop), name=f"{one.spec.name}-http", daemon=True
        )
        one.thread.start()
        log.info(
            "listening",
            extra=fields(
                exporter=one.spec.name,
                address=one.listen,
                version=__version__,
                config=str(one.config_file),
                targets=len(one.runtime.config.targets),
            ),
        )
    try:
        while not stop.wait(1.0):
            pass
    finally:
        _close_all(served)
        log.info("stopped")
    return 0


def _load(name: str, config_dir: Path, args: argparse.Namespace) -> Served:
    spec = load_spec(name)
    config_file = _config_file(config_dir, name)
    assert config_file is not None
    runtime = Runtime(
        spec.prefix,
        str(config_file),
        spec.config_model,
        spec.collector_factory,
        args.timeout_offset,
        spec.catalogue,
    )
    listen = getattr(args, f"listen_{name}") or f":{spec.default_port}"
    return Served(spec, config_file, listen, runtime)


def _serve(one: Served, stop: threading.Event) -> None:
    """The exporter's accept loop; if it ever raises, log it and serve again (the other
    exporters never notice)."""
    server = one.server
    assert server is not None
    while not stop.is_set():
        try:
            server.serve_forever(poll_interval=0.2)
            return  # shutdown() was called
        except Exception as exc:
            log.error(
                "server loop failed; serving again",
                extra=fields(exporter=one.spec.name, err=f"{type(exc).__name__}: {exc}"),
            )
            stop.wait(1.0)


class _ExporterField(logging.Filter):
    """Adds `exporter=<name>` to every log line written in one exporter's threads (its
    HTTP connections, collector pool and SNMP loop), so that lines of exporters sharing
    the process, and targets of the same name, can be told apart."""

    def __init__(self, prefixes: dict[str, str]) -> None:
        super().__init__()
        self.prefixes = sorted(prefixes.items(), key=lambda kv: -len(kv[0]))

    def filter(self, record: logging.LogRecord) -> bool:
        thread = record.threadName or ""
        for prefix, name in self.prefixes:
            if thread.startswith(prefix):
                extra = dict(getattr(record, _FIELDS_ATTR, None) or {})
                extra.setdefault("exporter", name)
                setattr(record, _FIELDS_ATTR, extra)
                break
        return True


def _tag_log_lines(served: list[Served]) -> None:
    prefixes: dict[str, str] = {}
    for one in served:
        name = one.spec.name
        prefixes[f"{name}-"] = name  # {name}-http, {name}-conn, {name}-snmp
        prefixes[f"{one.spec.prefix}-scrape"] = name  # the collector pool
        prefixes[f"{one.spec.prefix}-reload"] = name  # SIGHUP reloads
        server = one.server
        if server is not None:
            _name_connection_threads(server, f"{name}-conn")
    tag = _ExporterField(prefixes)
    for handler in logging.getLogger().handlers:
        handler.addFilter(tag)


def _name_connection_threads(server: ExporterHTTPServer, thread_name: str) -> None:
    handle = server.process_request_thread

    def named(request: Any, client_address: Any) -> None:
        threading.current_thread().name = thread_name
        handle(request, client_address)

    server.process_request_thread = named  # type: ignore[method-assign]


def _close_all(served: list[Served]) -> None:
    for one in served:
        if one.server is not None:
            if one.thread is not None and one.thread.is_alive():
                one.server.shutdown()
            one.server.server_close()
    for one in served:
        _bounded(one.runtime.close, CLOSE_TIMEOUT, f"closing {one.spec.name} collectors")


def _install_signals(served: list[Served], stop: threading.Event) -> None:
    def on_hup(signum: int, frame: FrameType | None) -> None:
        for one in served:  # each reload runs in its own thread and keeps its old config
            one.runtime.request_reload()

    def on_term(signum: int, frame: FrameType | None) -> None:
        log.info("shutting down", extra=fields(signal=signal.Signals(signum).name))
        stop.set()

    if hasattr(signal, "SIGHUP"):
        signal.signal(signal.SIGHUP, on_hup)
    signal.signal(signal.SIGTERM, on_term)
    signal.signal(signal.SIGINT, on_term)


def main() -> None:
    """Console script `praxis-exporters`."""
    _exit_now(run_all())
