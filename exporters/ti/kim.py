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
from exporters.core.tlsprobe import LineReader, ProbeError, probe, smtp_reply
from exporters.ti.certinfo import leaf_not_after
from exporters.ti.config import KimEndpoint

MAX_GREETING = 16 * 1024


def _lines(sock: socket.socket, endpoint: KimEndpoint, deadline: Deadline) -> LineReader:
    return LineReader(sock, deadline, endpoint.address, max_bytes=MAX_GREETING)


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
            greet(service, _lines(sock, endpoint, deadline))
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
                greet(service, _lines(tls, endpoint, deadline))
        except (ssl.SSLError, OSError) as exc:
            raise KimCheckFailed(f"{endpoint.address}: TLS failed: {exc}") from None


def greet(service: str, lines: LineReader) -> None:
    """Greeting + EHLO (SMTP) or CAPA (POP3), then QUIT. Raises KimCheckFailed."""
    try:
        _exchange(service, lines)
    except ProbeError as exc:
        raise KimCheckFailed(str(exc)) from None
    try:
        lines.command("QUIT")
    except ProbeError:
        pass


def _exchange(service: str, lines: LineReader) -> None:
    if service == "smtp":
        if smtp_reply(lines, "SMTP greeting")[0] != "220":
            raise KimCheckFailed("SMTP greeting is not 220")
        lines.command("EHLO praxis-exporters")
        if smtp_reply(lines, "EHLO reply")[0] != "250":
            raise KimCheckFailed("EHLO was not answered with 250")
    else:
        if not lines.line("POP3 greeting").startswith("+OK"):
            raise KimCheckFailed("POP3 greeting is not +OK")
        lines.command("CAPA")
        if lines.line("CAPA reply").startswith("+OK"):
            while lines.line("CAPA list") != ".":
                pass


__all__ = ["KimCheckFailed", "KimResult", "ProbeError", "check"]
