"""Run the connector simulator: `python -m simulators.ti_connector --port N --cert ... --key ...`.

State switches while running: `POST /-/sim/scenario/<name>` (see model.SCENARIOS),
`POST /-/sim/reset`.
"""

from __future__ import annotations

import argparse
import os
import signal
import threading

from simulators.ti_connector.model import ConnectorState, apply_scenario
from simulators.ti_connector.server import VENDORS, ConnectorServer, Simulator, tls_context


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--cert", help="server certificate (PEM); without it plain HTTP")
    parser.add_argument("--key")
    parser.add_argument("--client-ca", help="require client certificates from this CA")
    parser.add_argument("--basic-user")
    parser.add_argument("--basic-password-env", help="environment variable with the password")
    parser.add_argument("--vendor", choices=sorted(VENDORS), default="secunet")
    parser.add_argument("--advertised-base", default="https://konnektor.praxis.intern:8443")
    parser.add_argument("--scenario", action="append", default=[])
    args = parser.parse_args()
    state = ConnectorState()
    for name in args.scenario:
        apply_scenario(state, name)
    basic = None
    if args.basic_user:
        basic = (args.basic_user, os.environ.get(args.basic_password_env or "", ""))
    sim = Simulator(
        state=state,
        vendor=VENDORS[args.vendor],
        advertised_base=args.advertised_base,
        basic_auth=basic,
    )
    tls = tls_context(args.cert, args.key, args.client_ca) if args.cert else None
    server = ConnectorServer(sim, args.port, tls).start()
    done = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: done.set())
    signal.signal(signal.SIGINT, lambda *_: done.set())
    print(f"connector simulator ({args.vendor}) on {server.url}", flush=True)
    done.wait()
    server.stop()


if __name__ == "__main__":
    main()
