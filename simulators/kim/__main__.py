"""Run the KIM stand-in: `python -m simulators.kim --cert c.pem --key k.pem --smtp-port N
--pop3-port M [--smtp-mode implicit|starttls|plain] [--pop3-mode ...]` until SIGTERM."""

from __future__ import annotations

import argparse
import signal
import threading

from simulators.kim import KimModule
from simulators.mail.responder import MODES


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cert", required=True)
    parser.add_argument("--key", required=True)
    parser.add_argument("--smtp-port", type=int, required=True)
    parser.add_argument("--pop3-port", type=int, required=True)
    parser.add_argument("--smtp-mode", choices=MODES, default="implicit")
    parser.add_argument("--pop3-mode", choices=MODES, default="implicit")
    args = parser.parse_args()
    module = KimModule(
        args.cert, args.key, args.smtp_mode, args.pop3_mode, args.smtp_port, args.pop3_port
    ).start()
    print(f"KIM stand-in: smtp {module.smtp.address}, pop3 {module.pop3.address}", flush=True)
    done = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: done.set())
    signal.signal(signal.SIGINT, lambda *_: done.set())
    done.wait()
    module.stop()


if __name__ == "__main__":
    main()
