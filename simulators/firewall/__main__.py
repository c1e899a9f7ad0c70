"""`python -m simulators.firewall --kind fortigate|opnsense --port N --cert C --key K
[--scenario story|healthy]`: one REST double over HTTPS (see `server.py`).

Credentials come from the environment, never argv: FIREWALL_SIM_TOKEN (FortiGate),
FIREWALL_SIM_KEY and FIREWALL_SIM_SECRET (OPNsense). Dates are relative to the start.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import time

from simulators.firewall import server as sim


def state_for(kind: str, scenario: str) -> sim.SimState:
    now = time.time()
    if kind == "fortigate":
        state = sim.SimState("fortigate", token=os.environ.get("FIREWALL_SIM_TOKEN", ""))
        av_expires, av_updated = (
            (now - 90 * 86400, now - 92 * 86400)
            if scenario == "story"
            else (now + 365 * 86400, now - 3 * 3600)
        )
        state.documents[sim.FORTIGATE_LICENCE] = sim.fortigate_licence_status(
            now, av_expires, av_updated
        )
        return state
    state = sim.SimState(
        "opnsense",
        key=os.environ.get("FIREWALL_SIM_KEY", ""),
        secret=os.environ.get("FIREWALL_SIM_SECRET", ""),
    )
    modified = dt.datetime.now() - dt.timedelta(hours=20)
    state.documents = {
        sim.OPN_FIRMWARE: sim.opnsense_firmware(updates=2, reboot=True),
        sim.OPN_RULESETS: sim.opnsense_rulesets(modified),
        sim.OPN_GATEWAYS: sim.opnsense_gateways(),
    }
    return state


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--kind", choices=["fortigate", "opnsense"], required=True)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--cert", required=True)
    parser.add_argument("--key", required=True)
    parser.add_argument("--scenario", choices=["story", "healthy"], default="healthy")
    args = parser.parse_args()
    server = sim.serve(
        args.host, args.port, state_for(args.kind, args.scenario), args.cert, args.key
    )
    print(f"{args.kind} API simulator on https://{args.host}:{args.port}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
