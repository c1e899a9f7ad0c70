"""`python -m mixin --config my.yml --out DIR`: rules and dashboards for your job names."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from mixin.config import ConfigError, load
from mixin.generate import generate
from mixin.promql import RewriteError


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m mixin",
        description="Write alerting-rules/ and dashboards/ for your job names, extra label "
        "matchers and thresholds (defaults: mixin/config.yml).",
    )
    parser.add_argument("--config", type=Path, help="your overrides (YAML); default: none")
    parser.add_argument("--out", type=Path, required=True, help="output directory")
    args = parser.parse_args(argv)
    try:
        config = load(args.config)
        written = generate(config, args.out)
    except (ConfigError, RewriteError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"wrote {len(written)} files below {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
