"""Command-line flags in the style of the Go exporters."""

from __future__ import annotations

import argparse

from exporters import __version__
from exporters.core.logsetup import FORMATS, LEVELS
from exporters.core.scrape import DEFAULT_TIMEOUT_OFFSET


def build_parser(
    prog: str, description: str, default_port: int, default_config: str
) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=prog, description=description)
    parser.add_argument(
        "--config.file",
        dest="config_file",
        default=default_config,
        help="YAML config with `targets:` (default: %(default)s)",
    )
    parser.add_argument(
        "--config.check",
        dest="config_check",
        action="store_true",
        help="validate the config (and web config) and exit: 0 valid, 2 invalid",
    )
    parser.add_argument(
        "--web.listen-address",
        dest="listen_address",
        default=f":{default_port}",
        help="address to listen on (default: %(default)s)",
    )
    parser.add_argument(
        "--web.config.file",
        dest="web_config_file",
        default="",
        help="exporter-toolkit web config (TLS, basic auth)",
    )
    parser.add_argument(
        "--web.timeout-offset",
        dest="timeout_offset",
        type=float,
        default=DEFAULT_TIMEOUT_OFFSET,
        help="seconds subtracted from Prometheus' scrape timeout (default: %(default)s)",
    )
    parser.add_argument(
        "--log.level",
        dest="log_level",
        default="info",
        choices=list(LEVELS),
        help="debug, info, warn or error (default: %(default)s)",
    )
    parser.add_argument(
        "--log.format",
        dest="log_format",
        default="logfmt",
        choices=list(FORMATS),
        help="logfmt or json (default: %(default)s)",
    )
    parser.add_argument("--version", action="version", version=f"{prog} {__version__}")
    return parser
