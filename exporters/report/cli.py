"""`praxis-report`: the monthly practice report from a Prometheus-compatible query API.

Exit codes: 0 written and complete; 2 bad arguments (also a period that has not begun);
3 the query API is unusable (unreachable, too slow, credentials refused): nothing written;
4 written, but some queries failed (the report names the missing parts); 5 written, but the
site has no data in the period (--all-sites: no site found); 6 --pdf always and no PDF;
1 an unexpected error (a one-line message; --debug shows the traceback)."""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import os
import re
import sys
import threading
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from exporters.report import hours as hours_mod
from exporters.report import pdf, period, queries
from exporters.report.build import build
from exporters.report.client import ApiError, Auth, QueryApi
from exporters.report.collect import ApiUnusable, collect
from exporters.report.files import report_path, write_atomic
from exporters.report.model import Report
from exporters.report.render import IndexEntry, render_html, render_index
from exporters.report.texts import Texts

log = logging.getLogger("praxis-report")

OK, ERROR, USAGE, API, INCOMPLETE, NO_DATA, NO_PDF = 0, 1, 2, 3, 4, 5, 6


@dataclass
class Options:
    lang: str = "de"
    out_dir: Path = Path()
    pdf: str = "auto"  # auto, always, never
    chromium: str | None = None
    server_job: str = queries.DEFAULT_SERVER_JOB
    hours: hours_mod.PracticeHours = field(
        default_factory=lambda: hours_mod.parse(hours_mod.DEFAULT)
    )
    group_window_s: int = 1800
    concurrency: int = 4


@dataclass
class Outcome:
    site: str
    code: int
    html: Path | None = None
    pdf: Path | None = None
    report: Report | None = None
    message: str = ""


def make_report(
    api: QueryApi, site: str, span: period.Period, now: float, opts: Options
) -> tuple[Report, str]:
    """Query, build and render one site-period (HTML text); raises ApiUnusable."""
    raw, step = collect(api, site, span, now, opts.server_job, parallel=min(3, opts.concurrency))
    report = build(raw, site, span, step, now, opts.hours, opts.group_window_s)
    return report, render_html(report, Texts(opts.lang), opts.hours.text)


def write_report(
    api: QueryApi, site: str, span: period.Period, now: float, opts: Options
) -> Outcome:
    t = Texts(opts.lang)
    try:
        report, html = make_report(api, site, span, now, opts)
    except ApiUnusable as exc:
        return Outcome(site, API, message=str(exc))
    path = report_path(opts.out_dir, site, span.label)
    write_atomic(path, html)
    outcome = Outcome(site, OK, html=path, report=report)
    if report.failed:
        outcome.code = INCOMPLETE
    elif not report.has_data:
        outcome.code = NO_DATA
    if opts.pdf != "never":
        binary = pdf.find_chromium(opts.chromium)
        if binary is None:
            outcome.message = t("msg_no_chromium", binary=opts.chromium or "chromium")
            if opts.pdf == "always" and outcome.code == OK:
                outcome.code = NO_PDF
        else:
            target = path.with_suffix(".pdf")
            try:
                pdf.html_to_pdf(binary, path, target)
                outcome.pdf = target
            except pdf.PdfError as exc:
                outcome.message = t("msg_pdf_failed", error=exc)
                if opts.pdf == "always" and outcome.code == OK:
                    outcome.code = NO_PDF
    return outcome


def index_html(outcomes: Sequence[Outcome], span: period.Period, t: Texts) -> str:
    entries = []
    for o in sorted(outcomes, key=lambda o: o.site):
        if o.report is None or o.html is None:
            entries.append(IndexEntry(o.site, error=o.message or f"exit {o.code}"))
        else:
            entries.append(
                IndexEntry(
                    o.site,
                    lights={a.key: a.light for a in o.report.areas},
                    html=o.html.name,
                    pdf=o.pdf.name if o.pdf else None,
                    has_data=o.report.has_data,
                    complete=o.report.complete,
                )
            )
    return render_index(entries, span.label, t)


def all_sites(
    api: QueryApi, span: period.Period, now: float, opts: Options
) -> tuple[list[Outcome], Path | None]:
    """One report per site found in the period, at most `concurrency` sites at a time (and
    at most `concurrency` requests in flight, enforced by the client), plus an index."""
    sites = api.label_values("site", queries.SITE_MATCH, span.start_ts, span.end_ts)
    if not sites:
        return [], None
    lock = threading.Lock()
    done: list[Outcome] = []

    def one(site: str) -> None:
        outcome = write_report(api, site, span, now, opts)
        with lock:
            done.append(outcome)

    with ThreadPoolExecutor(max_workers=max(1, opts.concurrency)) as pool:
        list(pool.map(one, sites))
    index = opts.out_dir / f"index-{span.label}.html"
    write_atomic(index, index_html(done, span, Texts(opts.lang)))
    return done, index


def _secret(value: str | None, file: str | None, env: str | None) -> str | None:
    if file:
        return Path(file).read_text(encoding="utf-8").strip()
    if env:
        return os.environ.get(env)
    return value


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="praxis-report",
        description="Monthly practice report (HTML + PDF) from a Prometheus-compatible API.",
        epilog=__doc__.split("\n\n", 1)[1] if __doc__ else None,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--url", required=True, help="query API base, e.g. http://prometheus:9090")
    which = p.add_mutually_exclusive_group(required=True)
    which.add_argument("--site", help="the practice (value of the `site` label)")
    which.add_argument("--all-sites", action="store_true", help="every site, plus an index")
    when = p.add_mutually_exclusive_group()
    when.add_argument("--month", help="YYYY-MM (default: last calendar month, Berlin)")
    when.add_argument("--from", dest="from_", metavar="FROM", help="YYYY-MM-DD[THH:MM]")
    p.add_argument("--to", help="YYYY-MM-DD (inclusive) or YYYY-MM-DDTHH:MM (exclusive)")
    p.add_argument("--lang", choices=("de", "en"), default="de")
    p.add_argument("--out", default=".", help="output directory (default: .)")
    p.add_argument("--pdf", choices=("auto", "always", "never"), default="auto")
    p.add_argument("--chromium", help="Chromium binary (default: found on PATH)")
    p.add_argument("--timeout", type=float, default=30.0, help="seconds per query (30)")
    p.add_argument("--concurrency", type=int, default=4, help="sites and requests in flight")
    p.add_argument("--basic-auth-user")
    p.add_argument("--basic-auth-password-file")
    p.add_argument("--basic-auth-password-env", metavar="VAR")
    p.add_argument("--bearer-token-file")
    p.add_argument("--bearer-token-env", metavar="VAR")
    p.add_argument("--ca-file", help="PEM CA bundle for an https API")
    p.add_argument("--insecure-skip-verify", action="store_true")
    p.add_argument(
        "--practice-hours", default=hours_mod.DEFAULT, help=f"(default: {hours_mod.DEFAULT!r})"
    )
    p.add_argument("--group-window", type=int, default=30, help="minutes (incident grouping)")
    p.add_argument(
        "--server-job",
        default=queries.DEFAULT_SERVER_JOB,
        help="job regex of the server's windows_exporter",
    )
    p.add_argument("--now", help="ISO time taken as now (reproducible runs)")
    p.add_argument("--debug", action="store_true", help="log queries and show tracebacks")
    return p


def _now(text: str | None) -> dt.datetime:
    if not text:
        return dt.datetime.now(dt.UTC)
    value = dt.datetime.fromisoformat(text)
    return value if value.tzinfo else value.replace(tzinfo=period.BERLIN)


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.debug else logging.WARNING,
        format="praxis-report: %(levelname)s %(message)s",
        stream=sys.stderr,
    )
    try:
        return _run(args)
    except Exception as exc:  # the last line of defence: a message, not a traceback
        if args.debug:
            raise
        print(f"praxis-report: unexpected error: {type(exc).__name__}: {exc}", file=sys.stderr)
        return ERROR


def _run(args: argparse.Namespace) -> int:
    def usage(message: str) -> int:
        print(f"praxis-report: {message}", file=sys.stderr)
        return USAGE

    try:
        now = _now(args.now)
        if args.month:
            span = period.month(args.month, now)
        elif args.from_ or args.to:
            if not (args.from_ and args.to):
                return usage("--from and --to go together")
            span = period.between(args.from_, args.to, now)
        else:
            span = period.last_month(now)
        practice = hours_mod.parse(args.practice_hours)
        password = _secret(None, args.basic_auth_password_file, args.basic_auth_password_env)
        token = _secret(None, args.bearer_token_file, args.bearer_token_env)
        if args.concurrency < 1 or args.timeout <= 0 or args.group_window < 0:
            return usage("--concurrency, --timeout and --group-window must be positive")
        auth = (
            Auth(args.basic_auth_user, password, token) if (args.basic_auth_user or token) else None
        )
        api = QueryApi(
            args.url,
            timeout=args.timeout,
            auth=auth,
            ca_file=args.ca_file,
            insecure=args.insecure_skip_verify,
            max_in_flight=args.concurrency,
        )
        re.compile(args.server_job)
    except re.error as exc:
        return usage(f"--server-job: {exc}")
    except (period.PeriodError, ValueError, OSError) as exc:
        return usage(str(exc))
    opts = Options(
        lang=args.lang,
        out_dir=Path(args.out),
        pdf=args.pdf,
        chromium=args.chromium,
        server_job=args.server_job,
        hours=practice,
        group_window_s=args.group_window * 60,
        concurrency=args.concurrency,
    )
    t = Texts(args.lang)
    now_ts = now.timestamp()
    if args.all_sites:
        try:
            outcomes, index = all_sites(api, span, now_ts, opts)
        except ApiError as exc:
            print(f"praxis-report: query API unusable: {exc}", file=sys.stderr)
            return API
        if not outcomes:
            print(f"praxis-report: no site reported data in {span.label}", file=sys.stderr)
            return NO_DATA
        for o in outcomes:
            _print(o, t)
        if index:
            print(t("msg_written", path=index.resolve().as_uri()))
        return _combined([o.code for o in outcomes])
    outcome = write_report(api, args.site, span, now_ts, opts)
    _print(outcome, t)
    return outcome.code


def _print(o: Outcome, t: Texts) -> None:
    if o.code == API:
        print(f"praxis-report: {o.site}: query API unusable: {o.message}", file=sys.stderr)
        return
    if o.html:
        print(t("msg_written", path=o.html.resolve().as_uri()))
    if o.pdf:
        print(t("msg_written", path=o.pdf.resolve().as_uri()))
    if o.message:
        print(f"praxis-report: {o.site}: {o.message}", file=sys.stderr)
    if o.report is not None:
        for name, error in o.report.failed.items():
            print(f"praxis-report: {o.site}: query {name} failed: {error}", file=sys.stderr)
        if not o.report.has_data:
            print(f"praxis-report: {o.site}: no data in the period", file=sys.stderr)


def _combined(codes: Sequence[int]) -> int:
    for code in (API, INCOMPLETE, NO_DATA, NO_PDF, ERROR):
        if code in codes:
            return code
    return OK
