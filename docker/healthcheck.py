"""Container health check: GET /-/healthy of the exporter running in this container.

The URL comes from PRAXIS_HEALTH_URL, or from PRAXIS_EXPORTER (firebird, mssql, backup,
ups, ti, certs) and its default port. Exit 0 when healthy, 1 otherwise (Docker's contract).
Standard library only: it runs in the image without anything else.
"""

from __future__ import annotations

import os
import sys
import urllib.request

DEFAULT_PORTS = {
    "firebird": 10610,
    "mssql": 10611,
    "backup": 10612,
    "ups": 10613,
    "ti": 10614,
    "certs": 10615,
}


def health_url(env: dict[str, str]) -> str:
    if env.get("PRAXIS_HEALTH_URL"):
        return env["PRAXIS_HEALTH_URL"]
    name = env.get("PRAXIS_EXPORTER", "")
    if name not in DEFAULT_PORTS:
        raise SystemExit(f"healthcheck: set PRAXIS_EXPORTER to one of {sorted(DEFAULT_PORTS)}")
    return f"http://127.0.0.1:{DEFAULT_PORTS[name]}/-/healthy"


def main() -> int:
    url = health_url(dict(os.environ))
    try:
        with urllib.request.urlopen(url, timeout=4) as resp:  # noqa: S310 (local URL)
            ok = 200 <= resp.status < 300
    except OSError as exc:
        print(f"healthcheck: {url}: {exc}", file=sys.stderr)
        return 1
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
