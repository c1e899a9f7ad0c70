"""praxis-report: time per site-month and queries per report, against a real Prometheus
holding a backfilled October 2026 (devkit/report_month.py; 5-min samples, 1-min ALERTS).

1. One site-month (the busy praxis-nord story) alone: query + build + render (HTML), then
   the PDF by Chromium, each the median of --rounds runs; queries per report.
2. `--all-sites` over `--pairs` x 2 sites with `--concurrency` sites and requests in flight
   (HTML only and, with --pdf, PDFs too): wall time, time per site, peak requests in
   flight, and the extrapolation to 100 sites.
Goal (issue 15): one site-month under 10 s on this machine. There is no peer program that
writes such reports; the ratio printed is against that goal.
Run: `python -m bench.report_bench [--pairs 10] [--concurrency 4] [--rounds 3] [--pdf]`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import tempfile
import time
from pathlib import Path

from devkit.report_month import NORD, month_prometheus
from exporters.report import cli, pdf, period
from exporters.report.client import QueryApi

NOW = dt.datetime(2026, 11, 5, 8, 0, tzinfo=period.BERLIN)
GOAL_S = 10.0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--pairs", type=int, default=10, help="pairs of sites (default 10 = 20)")
    ap.add_argument("--concurrency", type=int, default=4)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--pdf", action="store_true", help="also time PDFs for all sites")
    args = ap.parse_args()
    span = period.month("2026-10", NOW)
    with tempfile.TemporaryDirectory(prefix="report-bench-") as tmp:
        work = Path(tmp)
        t0 = time.perf_counter()
        prom, sites = month_prometheus(work / "prom", args.pairs)
        print(
            f"backfilled {len(sites)} sites x 1 month and started Prometheus in "
            f"{time.perf_counter() - t0:.1f} s"
        )
        try:
            one = sites[0]
            assert one.startswith(NORD)
            html_times, queries = [], 0
            opts = cli.Options(out_dir=work / "one", pdf="never")
            for _ in range(args.rounds):
                api = QueryApi(prom.url)
                t = time.perf_counter()
                _, html = cli.make_report(api, one, span, NOW.timestamp(), opts)
                html_times.append(time.perf_counter() - t)
                queries = api.queries
            out = work / "one.html"
            out.write_text(html)
            pdf_times = []
            binary = pdf.find_chromium()
            if binary:
                for _ in range(args.rounds):
                    t = time.perf_counter()
                    pdf.html_to_pdf(binary, out, work / "one.pdf")
                    pdf_times.append(time.perf_counter() - t)
            h = statistics.median(html_times)
            print(
                f"\none site-month ({one}): {queries} queries per report, "
                f"{len(html.encode()) / 1024:.0f} KiB HTML"
            )
            print(
                f"  query+build+render  {h:6.2f} s   (goal {GOAL_S:.0f} s: {h / GOAL_S:.3f} of it)"
            )
            if pdf_times:
                p = statistics.median(pdf_times)
                print(f"  PDF (chromium)      {p:6.2f} s")
                print(
                    f"  total with PDF      {h + p:6.2f} s   ({(h + p) / GOAL_S:.3f} of the goal)"
                )

            api = QueryApi(prom.url, max_in_flight=args.concurrency)
            opts = cli.Options(
                out_dir=work / "all",
                pdf="always" if args.pdf else "never",
                concurrency=args.concurrency,
            )
            t = time.perf_counter()
            outcomes, _ = cli.all_sites(api, span, NOW.timestamp(), opts)
            wall = time.perf_counter() - t
            codes = sorted({o.code for o in outcomes})
            n = len(outcomes)
            print(
                f"\n--all-sites: {n} sites, concurrency {args.concurrency}"
                f"{' with PDFs' if args.pdf else ' (HTML only)'}: exit codes {codes}"
            )
            print(f"  wall time           {wall:6.2f} s   ({wall / n:.2f} s per site)")
            print(
                f"  queries             {api.queries} ({(api.queries - 1) / n:.1f} per site "
                f"+ 1 site discovery)"
            )
            print(f"  peak requests in flight {api.peak_in_flight} (bound {args.concurrency})")
            print(f"  100 sites, extrapolated: {wall / n * 100:.0f} s")
        finally:
            prom.stop()


if __name__ == "__main__":
    main()
