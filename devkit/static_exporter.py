"""A stand-in for an exporter that cannot run here (windows_exporter): serves an exposition
file on /metrics, read again on every scrape, so a test or the demo switches scenarios by
replacing the file (write a temporary file and rename it).

Run: `python -m devkit.static_exporter --config.file=<file.prom> --web.listen-address=H:P`.
It takes the flags every praxis exporter takes, so devkit.exporter.ExporterProcess and the
demo runner start it like one (`--log.level` is accepted and ignored).
"""

from __future__ import annotations

import argparse
import logging
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

log = logging.getLogger("static_exporter")
CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"


def make_handler(path: Path) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            route = self.path.split("?", 1)[0]
            if route == "/-/healthy":
                self._send(200, b"OK\n", "text/plain")
            elif route == "/metrics":
                try:
                    body = path.read_bytes()
                except OSError as exc:
                    log.error("cannot read %s: %s", path, exc.strerror)
                    self._send(503, f"cannot read exposition: {exc.strerror}\n".encode())
                    return
                self._send(200, body, CONTENT_TYPE)
            elif route == "/":
                self._send(
                    200, b'<html><body><a href="/metrics">metrics</a></body></html>\n', "text/html"
                )
            else:
                self._send(404, b"not found\n")

        def _send(self, status: int, body: bytes, content_type: str = "text/plain") -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config.file", dest="file", required=True, type=Path)
    parser.add_argument("--web.listen-address", dest="listen", default="127.0.0.1:9182")
    parser.add_argument("--log.level", dest="level", default="info")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    host, _, port = args.listen.rpartition(":")
    server = ThreadingHTTPServer((host or "127.0.0.1", int(port)), make_handler(args.file))
    log.info("serving %s on %s", args.file, args.listen)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    main(sys.argv[1:])
