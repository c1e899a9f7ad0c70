"""`python -m simulators.tds --port N [--scenario standard|express] [--compat DB=LEVEL]`."""

from __future__ import annotations

import argparse
import logging

from simulators.tds.resultsets import SCENARIOS
from simulators.tds.server import Settings, TdsServer


def main() -> None:
    parser = argparse.ArgumentParser(description="SQL Server double speaking TDS 7.4")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--scenario", choices=sorted(SCENARIOS), default="standard")
    parser.add_argument("--user", default="monitor")
    parser.add_argument("--password", default="monitor")
    parser.add_argument("--compat", action="append", default=[], metavar="DB=LEVEL")
    parser.add_argument("--deny", action="append", default=[], metavar="QUERY_GROUP")
    parser.add_argument("--hang", action="append", default=[], metavar="QUERY_GROUP")
    parser.add_argument("--change-after", type=float, default=0.0, metavar="SECONDS")
    args = parser.parse_args()
    compat = {k: int(v) for k, v in (c.split("=", 1) for c in args.compat)}
    settings = Settings(
        args.scenario,
        args.user,
        args.password,
        compat,
        set(args.deny),
        set(args.hang),
        args.change_after,
    )
    logging.basicConfig(level=logging.INFO)
    with TdsServer((args.host, args.port), settings) as server:
        print(f"tds simulator listening on {args.host}:{server.port}", flush=True)
        server.serve_forever()


if __name__ == "__main__":
    main()
