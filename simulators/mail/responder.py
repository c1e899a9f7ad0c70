"""One threaded mail responder: greeting, capabilities, STARTTLS/STLS or implicit TLS.

    with MailResponder("smtp", "starttls", cert_file, key_file) as smtp:
        probe("127.0.0.1", smtp.port, ...)

Modes: `starttls` (plain greeting, upgrade on request), `implicit` (TLS from the first
byte, like SMTPS 465 / POP3S 995 / IMAPS 993) and `plain` (no TLS offered at all, to test
clients against a server that lacks it). Mail, logins and mailbox commands are refused:
the responder never accepts, stores or shows mail.
"""

from __future__ import annotations

import socket
import socketserver
import ssl
import threading
from collections.abc import Callable
from pathlib import Path
from types import TracebackType

PROTOCOLS = ("smtp", "pop3", "imap")
MODES = ("starttls", "implicit", "plain")
MAX_LINE = 4096
IDLE_TIMEOUT = 10.0


class _Session:
    """One client connection; switches its socket to TLS in place on STARTTLS."""

    def __init__(self, sock: socket.socket, responder: MailResponder) -> None:
        self.sock = sock
        self.responder = responder
        self.tls = False
        self.buffer = b""

    def send(self, *lines: str) -> None:
        self.sock.sendall(b"".join(line.encode() + b"\r\n" for line in lines))

    def line(self) -> str | None:
        while b"\n" not in self.buffer:
            chunk = self.sock.recv(MAX_LINE)
            if not chunk:
                return None
            self.buffer += chunk
            if len(self.buffer) > MAX_LINE:
                return None
        raw, _, self.buffer = self.buffer.partition(b"\n")
        return raw.rstrip(b"\r").decode("utf-8", "replace")

    def upgrade(self) -> None:
        self.sock = self.responder.context().wrap_socket(self.sock, server_side=True)
        self.tls = True
        self.buffer = b""

    @property
    def can_starttls(self) -> bool:
        return self.responder.mode == "starttls" and not self.tls


def _smtp(s: _Session) -> None:
    host = s.responder.hostname
    s.send(f"220 {host} ESMTP praxis test responder (accepts no mail)")
    while (line := s.line()) is not None:
        verb = line.split(" ", 1)[0].upper()
        if verb in ("EHLO", "HELO"):
            caps = ["PIPELINING", "SIZE 10240000", "8BITMIME"]
            if s.can_starttls:
                caps.append("STARTTLS")
            if s.tls:
                caps.append("AUTH PLAIN LOGIN")
            caps.append("ENHANCEDSTATUSCODES")
            s.send(f"250-{host}", *[f"250-{c}" for c in caps[:-1]], f"250 {caps[-1]}")
        elif verb == "STARTTLS" and s.can_starttls:
            s.send("220 2.0.0 Ready to start TLS")
            s.upgrade()
        elif verb == "NOOP":
            s.send("250 2.0.0 OK")
        elif verb == "QUIT":
            s.send("221 2.0.0 Bye")
            return
        else:
            s.send("502 5.5.1 this responder accepts no mail")


def _pop3(s: _Session) -> None:
    s.send("+OK POP3 praxis test responder ready")
    while (line := s.line()) is not None:
        verb = line.split(" ", 1)[0].upper()
        if verb == "CAPA":
            caps = ["TOP", "UIDL", "RESP-CODES"]
            if s.can_starttls:
                caps.append("STLS")
            if s.tls:
                caps.append("USER")
            s.send("+OK Capability list follows", *caps, ".")
        elif verb == "STLS" and s.can_starttls:
            s.send("+OK Begin TLS negotiation")
            s.upgrade()
        elif verb == "NOOP":
            s.send("+OK")
        elif verb == "QUIT":
            s.send("+OK Bye")
            return
        else:
            s.send("-ERR this responder has no mailbox")


def _imap(s: _Session) -> None:
    def capabilities() -> str:
        caps = ["IMAP4rev1"]
        if s.can_starttls:
            caps.append("STARTTLS")
        caps.append("AUTH=PLAIN" if s.tls else "LOGINDISABLED")
        return " ".join(caps)

    s.send(f"* OK [CAPABILITY {capabilities()}] praxis test responder ready")
    while (line := s.line()) is not None:
        tag, _, rest = line.partition(" ")
        verb = rest.split(" ", 1)[0].upper()
        if not tag or not verb:
            s.send("* BAD missing tag or command")
        elif verb == "CAPABILITY":
            s.send(f"* CAPABILITY {capabilities()}", f"{tag} OK CAPABILITY completed")
        elif verb == "STARTTLS" and s.can_starttls:
            s.send(f"{tag} OK Begin TLS negotiation now")
            s.upgrade()
        elif verb == "NOOP":
            s.send(f"{tag} OK NOOP completed")
        elif verb == "LOGOUT":
            s.send("* BYE logging out", f"{tag} OK LOGOUT completed")
            return
        else:
            s.send(f"{tag} NO this responder has no mailbox")


_DIALOGUES: dict[str, Callable[[_Session], None]] = {"smtp": _smtp, "pop3": _pop3, "imap": _imap}


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True
    responder: MailResponder


class _Handler(socketserver.BaseRequestHandler):
    def handle(self) -> None:
        responder: MailResponder = self.server.responder  # type: ignore[attr-defined]
        sock: socket.socket = self.request
        sock.settimeout(IDLE_TIMEOUT)
        session = _Session(sock, responder)
        try:
            if responder.mode == "implicit":
                session.upgrade()
            _DIALOGUES[responder.protocol](session)
        except (OSError, ssl.SSLError, ValueError):
            pass  # the client went away or aborted the handshake (e.g. it did not trust us)
        finally:
            try:
                session.sock.close()
            except OSError:
                pass


class MailResponder:
    """A responder on `host:port` (port 0 picks a free one); a thread until `stop()`."""

    def __init__(
        self,
        protocol: str,
        mode: str = "starttls",
        cert_file: Path | str | None = None,
        key_file: Path | str | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        hostname: str = "mail.praxis.test",
    ) -> None:
        if protocol not in PROTOCOLS:
            raise ValueError(f"protocol must be one of {PROTOCOLS}")
        if mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}")
        if mode != "plain" and not cert_file:
            raise ValueError(f"mode {mode} needs cert_file (and key_file unless it holds it)")
        self.protocol = protocol
        self.mode = mode
        self.hostname = hostname
        self._cert = (str(cert_file), str(key_file) if key_file else None) if cert_file else None
        self._context: ssl.SSLContext | None = None
        self._server = _Server((host, port), _Handler, bind_and_activate=True)
        self._server.responder = self
        self._thread: threading.Thread | None = None

    @property
    def host(self) -> str:
        return str(self._server.server_address[0])

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    @property
    def address(self) -> str:
        return f"{self.host}:{self.port}"

    def context(self) -> ssl.SSLContext:
        """The server TLS context, loaded once (certificate chain file + key)."""
        if self._context is None:
            if self._cert is None:
                raise ValueError("no certificate configured")
            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            ctx.load_cert_chain(self._cert[0], self._cert[1])
            self._context = ctx
        return self._context

    def start(self) -> MailResponder:
        if self.mode != "plain":
            self.context()  # fail now, not on the first client, if the files are wrong
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.2},
            name=f"mail-{self.protocol}-{self.port}",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._thread is not None:
            self._server.shutdown()
            self._thread.join(timeout=5)
            self._thread = None
        self._server.server_close()

    def __enter__(self) -> MailResponder:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
