"""`python -m simulators.veeam --port N --cert C --key K --jobs jobs.json --username U`.

The password comes from the VEEAM_SIM_PASSWORD environment variable (never argv).
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

from simulators.veeam.server import SimState, jobs_from_spec, serve


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=9419)
    parser.add_argument("--cert", required=True)
    parser.add_argument("--key", required=True)
    parser.add_argument("--jobs", required=True, help="JSON list of jobs")
    parser.add_argument("--username", default="praxis\\monitoring")
    args = parser.parse_args()
    spec = json.loads(Path(args.jobs).read_text())
    state = SimState(
        args.username, os.environ.get("VEEAM_SIM_PASSWORD", ""), jobs_from_spec(spec, time.time())
    )
    server = serve(args.host, args.port, state, args.cert, args.key)
    print(f"veeam simulator on https://{args.host}:{args.port}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
