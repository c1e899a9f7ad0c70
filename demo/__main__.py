"""`python -m demo`: start the demo practice, print its URLs and firing alerts, run until ^C."""

from __future__ import annotations

import argparse
import datetime as dt
import signal
import tempfile
import threading
import time
from pathlib import Path

from demo import report as demo_report
from demo.runner import SITE, Demo, available_parts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--workdir", default="", help="state and logs (default: a temp dir)")
    parser.add_argument(
        "--parts",
        default=",".join(available_parts()),
        help="comma-separated demo parts (default: all)",
    )
    parser.add_argument(
        "--once",
        action="store_true",
        help="start, wait for the first alerts, print, stop (smoke test)",
    )
    args = parser.parse_args()
    workdir = Path(args.workdir or tempfile.mkdtemp(prefix="praxis-demo-"))
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    parts = [p for p in args.parts.split(",") if p]
    started = dt.datetime.now(dt.UTC)
    with Demo(workdir, parts=parts, default_ports=True) as demo:
        print(demo.summary(), flush=True)
        assert demo.prometheus is not None
        demo.prometheus.wait_for_targets_up(timeout=120)
        time.sleep(15)
        firing = sorted(
            {
                (a["labels"]["alertname"], a["labels"].get("target", ""))
                for a in demo.prometheus.alerts()
                if a["state"] == "firing"
            }
        )
        print("\nfiring demo alerts:" if firing else "\nno alerts firing yet", flush=True)
        for name, target in firing:
            print(f"  {name}  {target}", flush=True)
        report = (demo.prometheus.url, SITE, started, workdir / "report")
        print("\npractice report (praxis-report since the demo started, refreshed every minute):")
        for line in demo_report.write(*report):
            print(f"  {line}", flush=True)
        if args.once:
            return
        print("\nrunning; press Ctrl-C to stop", flush=True)
        try:
            seconds = 0
            while not stop.wait(1):
                seconds += 1
                if seconds % 60 == 0:
                    demo_report.write(*report)
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    main()
