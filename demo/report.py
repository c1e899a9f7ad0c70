"""The demo practice's report: `praxis-report` over what the demo's Prometheus collected
since the demo started (a live, not yet finished period), written next to its logs."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from exporters.report import cli, period
from exporters.report.client import QueryApi


def write(prometheus_url: str, site: str, started: dt.datetime, out_dir: Path) -> list[str]:
    """File URLs of the HTML (and the PDF where Chromium is installed) plus any message."""
    now = dt.datetime.now(period.BERLIN)
    start = started.astimezone(period.BERLIN).replace(second=0, microsecond=0)
    span = period.Period(start, now, f"{start:%Y-%m-%d}-live", cut=True)
    outcome = cli.write_report(
        QueryApi(prometheus_url, timeout=30),
        site,
        span,
        now.timestamp(),
        cli.Options(out_dir=out_dir, pdf="auto"),
    )
    lines = [p.resolve().as_uri() for p in (outcome.html, outcome.pdf) if p is not None]
    return lines + ([outcome.message] if outcome.message else [])
