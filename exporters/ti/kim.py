"""KIM client module checks: connect, read the greeting and EHLO/CAPA, read the certificate.

Never sends or fetches mail and never logs in: after EHLO (SMTP) or CAPA (POP3) the
session ends with QUIT. STARTTLS endpoints are checked by `tlsprobe` in one connection
(it reads greeting and capabilities before the upgrade); implicit-TLS endpoints need a
second, short connection to read the greeting inside TLS, plain ones only that one.
"""

from __future__ import annotations

import socket
import ssl
from dataclasses import dataclass

from exporters.core import Deadline
from exporters.core.tlsprobe import ProbeError, probe
from exporters.ti.certinfo import leaf_not_after
from exporters.ti.config import KimEndpoint

MAX_GREETING = 16 * 1024


class KimCheckFailed(Exception):
    """The endpoint did not answer like a mail server; the message is safe to log."""


@dataclass(frozen=True)
class KimResult:
    service: str  # smtp | pop3
    certificate_expiry: float | None  # Unix time of the leaf's notAfter (TLS only)
    certificate_verified: bool | None


def check(
    service: str, endpoint: KimEndpoint, deadline: Deadline, ca_file: str | None
) -> KimResult:
    """Check one endpoint; raises KimCheckFailed (or ProbeError) when it is not usable."""
    if endpoint.tls == "none":
        with _connect(endpoint, deadline) as sock:
            greet(service, _Lines(sock, deadline))
        return KimResult(service, None, None)
    starttls = service if endpoint.tls == "starttls" else None
    result = probe(
        endpoint.host,
        endpoint.port,
        deadline,
        server_name=endpoint.server_name,
        starttls=starttls,  # type: ignore[arg-type]
        ca_file=ca_file,
    )
    if endpoint.tls == "implicit":
        _implicit_greeting(service, endpoint, deadline)
    return KimResult(
        service, leaf_not_after(result.chain), result.verified and result.hostname_match
    )


def _connect(endpoint: KimEndpoint, deadline: Deadline) -> socket.socket:
    try:
        return socket.create_connection(
            (endpoint.host, endpoint.port), timeout=deadline.remaining()
        )
    except TimeoutError:
        raise KimCheckFailed(f"{endpoint.address}: connect timed out") from None
    except OSError as exc:
        raise KimCheckFailed(f"{endpoint.address}: connect failed: {exc.strerror or exc}") from None


def _implicit_greeting(service: str, endpoint: KimEndpoint, deadline: Deadline) -> None:
    """Read the greeting inside TLS (the certificate was judged by the probe already)."""
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    with _connect(endpoint, deadline) as raw:
        try:
            with ctx.wrap_socket(raw, server_hostname=endpoint.server_name or None) as tls:
                greet(service, _Lines(tls, deadline))
        except (ssl.SSLError, OSError) as exc:
            if isinstance(exc, KimCheckFailed):
                raise
            raise KimCheckFailed(f"{endpoint.address}: TLS failed: {exc}") from None


class _Lines:
    """CRLF lines from a socket, bounded in time and size."""

    def __init__(self, sock: socket.socket, deadline: Deadline) -> None:
        self.sock = sock
        self.deadline = deadline
        self.buffer = b""
        self.total = 0

    def line(self) -> str:
        while b"\n" not in self.buffer:
            if self.deadline.expired:
                raise KimCheckFailed("timed out waiting for the server")
            self.sock.settimeout(self.deadline.remaining())
            try:
                chunk = self.sock.recv(4096)
            except TimeoutError:
                raise KimCheckFailed("timed out waiting for the server") from None
            except OSError as exc:
                raise KimCheckFailed(f"connection lost: {exc.strerror or exc}") from None
            if not chunk:
                raise KimCheckFailed("connection closed by the server")
            self.total += len(chunk)
            if self.total > MAX_GREETING:
                raise KimCheckFailed("server sent too much")
            self.buffer += chunk
        raw, _, self.buffer = self.buffer.partition(b"\n")
        return raw.rstrip(b"\r").decode("utf-8", "replace")

    def send(self, command: str) -> None:
        self.sock.settimeout(self.deadline.remaining())
        try:
            self.sock.sendall(command.encode("ascii") + b"\r\n")
        except OSError as exc:
            raise KimCheckFailed(f"sending failed: {exc.strerror or exc}") from None


def _smtp_reply(lines: _Lines) -> str:
    while True:
        line = lines.line()
        if len(line) < 3 or not line[:3].isdigit():
            raise KimCheckFailed("not an SMTP reply")
        if line[3:4] != "-":
            return line[:3]


def greet(service: str, lines: _Lines) -> None:
    """Greeting + EHLO (SMTP) or CAPA (POP3), then QUIT. Raises KimCheckFailed."""
    if service == "smtp":
        if _smtp_reply(lines) != "220":
            raise KimCheckFailed("SMTP greeting is not 220")
        lines.send("EHLO praxis-exporters")
        if _smtp_reply(lines) != "250":
            raise KimCheckFailed("EHLO was not answered with 250")
    else:
        if not lines.line().startswith("+OK"):
            raise KimCheckFailed("POP3 greeting is not +OK")
        lines.send("CAPA")
        if lines.line().startswith("+OK"):
            while lines.line() != ".":
                pass
    try:
        lines.send("QUIT")
    except KimCheckFailed:
        pass


__all__ = ["KimCheckFailed", "KimResult", "ProbeError", "check"]
