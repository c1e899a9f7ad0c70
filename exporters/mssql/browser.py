"""Named instances (`host\\INSTANCE`): ask the SQL Server Browser for the TCP port ourselves.

FreeTDS resolves instance names too, but ignores the login timeout while waiting for the
Browser (16 s against a silent host), so the exporter does it within the deadline and then
connects to `host,port`. Protocol: [MC-SQLR] 2.2.2 CLNT_UCAST_INST and 2.2.5 SVR_RESP.
"""

from __future__ import annotations

import socket

SQL_BROWSER_PORT = 1434
CLNT_UCAST_INST = 0x04
SVR_RESP = 0x05


class BrowserError(Exception):
    """The SQL Server Browser did not tell us a TCP port for the instance."""


def split_server(server: str) -> tuple[str, str | None]:
    """`host\\INSTANCE` -> (host, INSTANCE); anything else -> (server, None)."""
    host, sep, instance = server.partition("\\")
    return (host, instance) if sep else (server, None)


def request(instance: str) -> bytes:
    return bytes([CLNT_UCAST_INST]) + instance.encode("ascii") + b"\x00"


def parse_response(data: bytes, instance: str) -> int:
    """The `tcp` port from a SVR_RESP (`ServerName;X;InstanceName;Y;...;tcp;1433;;`)."""
    if len(data) < 3 or data[0] != SVR_RESP:
        raise BrowserError("SQL Browser sent an invalid response")
    size = int.from_bytes(data[1:3], "little")
    text = data[3 : 3 + size].decode("latin-1")
    for record in text.split(";;"):
        parts = record.split(";")
        fields = dict(zip(parts[0::2], parts[1::2], strict=False))
        if fields.get("InstanceName", "").lower() != instance.lower():
            continue
        port = fields.get("tcp", "")
        if port.isdigit() and 0 < int(port) < 65536:
            return int(port)
        raise BrowserError(f"instance {instance} has no TCP port (TCP/IP disabled?)")
    raise BrowserError(f"SQL Browser does not know instance {instance}")


def resolve_port(host: str, instance: str, timeout: float, port: int = SQL_BROWSER_PORT) -> int:
    """Ask the Browser on `host` (UDP) within `timeout` seconds."""
    family, _, _, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_DGRAM)[0]
    with socket.socket(family, socket.SOCK_DGRAM) as sock:
        sock.settimeout(timeout)
        try:
            sock.sendto(request(instance), address)
            data, _ = sock.recvfrom(65535)
        except TimeoutError:
            raise BrowserError(
                f"SQL Browser on {host} did not answer for instance {instance} "
                f"within {timeout:.1f}s (service stopped or UDP {port} blocked?)"
            ) from None
        except OSError as exc:
            raise BrowserError(f"SQL Browser on {host}: {exc.strerror or exc}") from None
    return parse_response(data, instance)
