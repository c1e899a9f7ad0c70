"""Run mail responders as a process (for the demo):

    python -m simulators.mail --cert chain.pem --key key.pem \
        --serve smtp:starttls:127.0.0.1:2525 --serve pop3:implicit:127.0.0.1:2995

Each `--serve` is PROTOCOL:MODE:HOST:PORT. Runs until SIGTERM/SIGINT.
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from types import FrameType

from simulators.mail.responder import MODES, PROTOCOLS, MailResponder


def _serve_spec(value: str) -> tuple[str, str, str, int]:
    parts = value.split(":")
    if len(parts) != 4 or parts[0] not in PROTOCOLS or parts[1] not in MODES:
        raise argparse.ArgumentTypeError(
            f"expected PROTOCOL:MODE:HOST:PORT with PROTOCOL in {PROTOCOLS}, MODE in {MODES}"
        )
    try:
        return parts[0], parts[1], parts[2], int(parts[3])
    except ValueError:
        raise argparse.ArgumentTypeError("PORT must be a number") from None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m simulators.mail", description=__doc__)
    parser.add_argument("--cert", help="PEM certificate chain (leaf first)")
    parser.add_argument("--key", help="PEM private key (if not in --cert)")
    parser.add_argument("--hostname", default="mail.praxis.test")
    parser.add_argument("--serve", type=_serve_spec, action="append", required=True)
    args = parser.parse_args(argv)
    responders = []
    try:
        for protocol, mode, host, port in args.serve:
            responder = MailResponder(
                protocol, mode, args.cert, args.key, host, port, hostname=args.hostname
            )
            responders.append(responder.start())
            print(f"{protocol} ({mode}) on {responder.address}", flush=True)
    except (OSError, ValueError) as exc:
        print(f"simulators.mail: {exc}", file=sys.stderr)
        for responder in responders:
            responder.stop()
        return 2
    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    stop.wait()
    for responder in responders:
        responder.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
