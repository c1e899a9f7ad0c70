"""NUT network protocol client (docs/net-protocol.txt of Network UPS Tools): one connection.

One scrape = one TCP connection: optional `STARTTLS`, then `USERNAME`/`PASSWORD` (if
configured), `VER`, `LIST VAR <ups>`, `LIST CLIENT <ups>` and `LOGOUT`, all sent in one
write (upsd answers lines in order), so a plain scrape costs one round trip after the
connect. The exporter never sends `LOGIN`: that would attach it as a shutdown client and
falsify `LIST CLIENT`.

Every read is bounded by the deadline, each line by `MAX_LINE` bytes and the whole answer
by `MAX_ANSWER` bytes and `MAX_VARS` variables: a daemon that closes mid-answer, answers
`ERR ...`, or sends endless or oversized answers raises `NutError` (the target is down).
"""

from __future__ import annotations

import socket
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from exporters.core.deadline import Deadline
from exporters.core.linesocket import LineSocket

if TYPE_CHECKING:
    import ssl

MAX_LINE = 4096
MAX_ANSWER = 512 * 1024
MAX_VARS = 2000
MAX_CLIENTS = 1000


class NutError(Exception):
    """upsd did not answer usably; the message is safe to log (no secrets)."""


@dataclass
class NutAnswer:
    version: str = ""
    variables: dict[str, str] = field(default_factory=dict)
    clients: list[str] | None = None
    """Addresses from `LIST CLIENT`; None when this upsd does not know the command (< 2.8)."""


def _lines(sock: socket.socket, deadline: Deadline, where: str) -> LineSocket:
    """upsd's answers: LF lines, each at most MAX_LINE bytes, MAX_ANSWER in all."""
    return LineSocket(
        sock, deadline, where, NutError, MAX_ANSWER, max_line=MAX_LINE, chunk_size=65536
    )


def split_words(line: str) -> list[str]:
    """upsd's tokenizer: spaces separate, "double quotes" group, backslash escapes."""
    words: list[str] = []
    current: list[str] = []
    quoted = escaped = started = False
    for char in line:
        if escaped:
            current.append(char)
            escaped = False
        elif char == "\\":
            escaped = started = True
        elif char == '"':
            quoted = not quoted
            started = True
        elif char == " " and not quoted:
            if started:
                words.append("".join(current))
            current, started = [], False
        else:
            current.append(char)
            started = True
    if started:
        words.append("".join(current))
    return words


def _error(line: str, what: str, where: str) -> NutError:
    code = line.split()[1] if len(line.split()) > 1 else "?"
    return NutError(f"{where}: upsd answered ERR {code} to {what}")


def _expect_ok(lines: LineSocket, what: str) -> None:
    line = lines.line(f"the answer to {what}")
    if not line.startswith("OK"):
        raise (
            _error(line, what, lines.where)
            if line.startswith("ERR")
            else NutError(f"{lines.where}: unexpected answer to {what}")
        )


def _list(lines: LineSocket, kind: str, ups: str, limit: int) -> list[list[str]] | None:
    """The rows of `LIST <kind> <ups>`; None if upsd does not know the command."""
    first = lines.line(f"LIST {kind}")
    if first.startswith("ERR"):
        code = first.split()[1] if len(first.split()) > 1 else ""
        if kind == "CLIENT" and code in ("UNKNOWN-COMMAND", "INVALID-ARGUMENT"):
            return None
        raise _error(first, f"LIST {kind}", lines.where)
    if split_words(first) != ["BEGIN", "LIST", kind, ups]:
        raise NutError(f"{lines.where}: unexpected answer to LIST {kind}")
    rows: list[list[str]] = []
    while True:
        line = lines.line(f"the end of LIST {kind}")
        words = split_words(line)
        if words == ["END", "LIST", kind, ups]:
            return rows
        if len(words) < 3 or words[0] != kind or words[1] != ups:
            raise NutError(f"{lines.where}: malformed line in LIST {kind}")
        rows.append(words[2:])
        if len(rows) > limit:
            raise NutError(f"{lines.where}: more than {limit} entries in LIST {kind}")


def query(
    host: str,
    port: int,
    ups: str,
    deadline: Deadline,
    username: str | None = None,
    password: str | None = None,
    tls_context: ssl.SSLContext | None = None,
    server_name: str | None = None,
) -> NutAnswer:
    """Read version, variables and clients of one UPS over one connection."""
    where = f"upsd {host}:{port}"
    try:
        sock = socket.create_connection((host, port), timeout=deadline.remaining())
    except TimeoutError:
        raise NutError(f"{where}: connect timed out") from None
    except OSError as exc:
        raise NutError(f"{where}: connect failed: {exc.strerror or exc}") from None
    try:
        lines = _lines(sock, deadline, where)
        if tls_context is not None:
            lines.send(b"STARTTLS\n", "STARTTLS")
            _expect_ok(lines, "STARTTLS")
            sock = _handshake(sock, tls_context, server_name or host, deadline, where)
            lines = _lines(sock, deadline, where)
        commands = []
        if username is not None and password is not None:
            commands += [f"USERNAME {username}", f"PASSWORD {password}"]
        commands += ["VER", f"LIST VAR {ups}", f"LIST CLIENT {ups}", "LOGOUT"]
        lines.send("".join(c + "\n" for c in commands).encode(), "the commands")
        if username is not None:
            _expect_ok(lines, "USERNAME")
            _expect_ok(lines, "PASSWORD")
        answer = NutAnswer()
        version = lines.line("the answer to VER")
        if version.startswith("ERR"):
            raise _error(version, "VER", where)
        # 'Network UPS Tools upsd 2.8.0 - http://www.networkupstools.org/': no URL in a label
        answer.version = version.split(" - ", 1)[0].strip()[:100]
        for words in _list(lines, "VAR", ups, MAX_VARS) or []:
            if len(words) != 2:
                raise NutError(f"{where}: malformed VAR line")
            answer.variables[words[0]] = words[1]
        rows = _list(lines, "CLIENT", ups, MAX_CLIENTS)
        answer.clients = None if rows is None else [r[0] for r in rows]
        return answer
    finally:
        try:
            sock.close()
        except OSError:
            pass


def _handshake(
    sock: socket.socket, context: ssl.SSLContext, name: str, deadline: Deadline, where: str
) -> ssl.SSLSocket:
    import ssl  # loaded already: `context` exists only for STARTTLS targets

    sock.settimeout(deadline.remaining())
    try:
        tls = context.wrap_socket(sock, server_hostname=name, do_handshake_on_connect=False)
        tls.settimeout(deadline.remaining())
        tls.do_handshake()
    except TimeoutError:
        raise NutError(f"{where}: TLS handshake timed out") from None
    except ssl.SSLCertVerificationError as exc:
        raise NutError(f"{where}: TLS certificate not trusted: {exc.verify_message}") from None
    except (ssl.SSLError, OSError, ValueError) as exc:
        raise NutError(f"{where}: TLS handshake failed: {exc}") from None
    return tls
