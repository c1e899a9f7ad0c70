"""A TLS client that reads what a server presents: the whole chain, verified or not.

`probe(host, port, deadline, ...)` connects within the deadline, optionally speaks the
plain-text start of SMTP (EHLO + STARTTLS), POP3 (STLS) or IMAP (STARTTLS), does the TLS
handshake with SNI and returns:

- the chain exactly as presented (DER, leaf first) - also when it is expired, self-signed
  or issued by an unknown CA: verification is reported, never a reason to lose the dates;
- whether the chain verifies against the system trust store or a given `ca_file`
  (OpenSSL's verdict, with its reason when it does not), and separately whether the
  leaf matches the host name (RFC 6125, see `x509info.hostname_matches`);
- the plain-text greeting and capabilities read before the upgrade.

The happy path costs one handshake: it verifies while connecting. Only a chain that fails
verification is fetched again over a second, unverified connection; that verdict is then
remembered (same chain, same trust anchors, same dates, at most `REVERIFY_AFTER`), so
later probes of such an endpoint need one unverified handshake.
Everything fails as `ProbeError` with a message that names the phase (connect, protocol,
handshake) and is safe to log.
"""

from __future__ import annotations

import functools
import os
import socket
import ssl
import threading
import time
import warnings
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal, get_args

from exporters.core.deadline import Deadline
from exporters.core.files import check_regular
from exporters.core.linesocket import LineSocket
from exporters.core.tlspeer import presented_chain
from exporters.core.x509info import DERError, hostname_matches, summarize, summarize_chain

StartTLS = Literal["smtp", "pop3", "imap"]
STARTTLS_PROTOCOLS: tuple[str, ...] = get_args(StartTLS)
MAX_GREETING_BYTES = 64 * 1024
"""Plain-text bytes read before the upgrade at most (a hostile server cannot fill memory)."""
CA_FILE_LIMIT = 4 * 1024 * 1024
"""`ca_file` above this size is refused (regular files only)."""


class ProbeError(Exception):
    """Connecting, the plain-text exchange or the handshake failed; safe to log."""


@dataclass(frozen=True)
class TLSProbeResult:
    """What one TLS endpoint presented."""

    chain: tuple[bytes, ...]  # DER certificates as sent by the server, leaf first
    verified: bool  # chain verifies against the trust store / ca_file
    verify_error: str  # OpenSSL's reason when not verified, else ""
    hostname: str  # the name the leaf was checked against
    hostname_match: bool
    greeting: str  # plain-text banner and capabilities before STARTTLS ("" for implicit)
    tls_version: str  # e.g. "TLSv1.3"
    cipher: str
    handshakes: int  # 1; 2 when the chain had to be fetched unverified (see REVERIFY_AFTER)


def probe(
    host: str,
    port: int,
    deadline: Deadline,
    server_name: str | None = None,
    starttls: StartTLS | None = None,
    ca_file: str | None = None,
    client_name: str = "praxis-exporters",
) -> TLSProbeResult:
    """Probe `host:port` (see the module docstring); raises ProbeError."""
    if starttls is not None and starttls not in STARTTLS_PROTOCOLS:
        raise ValueError(f"starttls must be one of {', '.join(STARTTLS_PROTOCOLS)}")
    name = server_name or host
    where = f"{host}:{port}"
    trust, context = _trust(ca_file)
    key = (host, port, name, starttls, trust)
    verify_error = ""
    handshakes = 0
    got: tuple[tuple[bytes, ...], str, str, str] | None = None
    known = _recall(key)
    if known is not None:  # failed before: read the chain unverified, reuse the verdict
        handshakes += 1
        got = _connect(host, port, deadline, name, starttls, _unverified_context(), client_name)
        if got[0] == known.chain and _validity(got[0]) == known.valid_now:
            verify_error = known.reason
        else:
            _forget(key)
            got = None
    if got is None:
        try:
            handshakes += 1
            got = _connect(host, port, deadline, name, starttls, context, client_name)
        except _VerifyFailed as failed:
            verify_error = failed.reason
            handshakes += 1
            got = _connect(host, port, deadline, name, starttls, _unverified_context(), client_name)
            _remember(key, got[0], verify_error)
    chain, greeting, version, cipher = got
    if not chain:
        raise ProbeError(f"{where}: the server presented no certificate")
    try:
        leaf = summarize(chain[0])  # cached: the caller's summary of the chain is free
    except DERError as exc:
        raise ProbeError(f"{where}: the server's certificate does not parse: {exc}") from None
    return TLSProbeResult(
        chain=chain,
        verified=not verify_error,
        verify_error=verify_error,
        hostname=name,
        hostname_match=hostname_matches(leaf, name),
        greeting=greeting,
        tls_version=version,
        cipher=cipher,
        handshakes=handshakes,
    )


REVERIFY_AFTER = 600.0
"""Seconds a chain that failed verification is taken to fail again without a verifying
handshake - only while the server presents the very same chain, against the same trust
anchors (`ca_file` version), with every certificate as (in)valid by date as then."""
MAX_REMEMBERED = 256


@dataclass(frozen=True)
class _Failure:
    chain: tuple[bytes, ...]
    reason: str
    valid_now: tuple[bool, ...]
    until: float  # time.monotonic() after which it is verified again


_failures: OrderedDict[tuple[object, ...], _Failure] = OrderedDict()
_failures_lock = threading.Lock()


def _validity(chain: tuple[bytes, ...]) -> tuple[bool, ...] | None:
    """For each certificate, whether today lies within its dates; None if one is bad."""
    now = time.time()
    try:
        return tuple(s.not_before <= now <= s.not_after for s in summarize_chain(chain))
    except DERError:
        return None


def _remember(key: tuple[object, ...], chain: tuple[bytes, ...], reason: str) -> None:
    """An endpoint that does not verify costs a second handshake on every probe; with its
    verdict remembered, the next probes need only the unverified one (blackbox_exporter,
    which fails such a probe, needs one too)."""
    valid_now = _validity(chain)
    if not chain or valid_now is None:
        return
    failure = _Failure(chain, reason, valid_now, time.monotonic() + REVERIFY_AFTER)
    with _failures_lock:
        _failures[key] = failure
        _failures.move_to_end(key)
        while len(_failures) > MAX_REMEMBERED:
            _failures.popitem(last=False)


def _recall(key: tuple[object, ...]) -> _Failure | None:
    with _failures_lock:
        failure = _failures.get(key)
        if failure is not None and time.monotonic() > failure.until:
            del _failures[key]
            return None
        return failure


def _forget(key: tuple[object, ...]) -> None:
    with _failures_lock:
        _failures.pop(key, None)


def forget_verdicts() -> None:
    """Verify every endpoint again on its next probe (tests; a changed system store)."""
    with _failures_lock:
        _failures.clear()


class _VerifyFailed(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def verifying_context(ca_file: str | None = None) -> ssl.SSLContext:
    """A client context that verifies the chain (not the name); cached per file version."""
    return _trust(ca_file)[1]


def _trust(ca_file: str | None) -> tuple[tuple[str | None, tuple[int, int, int]], ssl.SSLContext]:
    """(which trust anchors, in which version; the context verifying against them).

    A probe costs one `stat` of `ca_file`; only a new version (mtime, size, inode) is
    checked to be a regular file of sane size and loaded."""
    version = (0, 0, 0)
    if ca_file is not None:
        try:
            st = os.stat(ca_file)
        except OSError as exc:
            raise ProbeError(f"ca_file {ca_file}: {exc.strerror or exc}") from None
        version = (st.st_mtime_ns, st.st_size, st.st_ino)
    return (ca_file, version), _cached_verifying_context(ca_file, version)


@functools.lru_cache(maxsize=32)
def _cached_verifying_context(ca_file: str | None, version: tuple[int, int, int]) -> ssl.SSLContext:
    if ca_file is None:
        ctx = ssl.create_default_context(ssl.Purpose.SERVER_AUTH)
        ctx.check_hostname = False  # the name is checked separately, never a reason to fail
        ctx.verify_mode = ssl.CERT_REQUIRED
        return ctx
    try:
        # a FIFO would block the probe beyond its deadline; a huge file would fill memory
        check_regular(ca_file, CA_FILE_LIMIT)
    except OSError as exc:
        raise ProbeError(f"ca_file {ca_file}: {exc.strerror or exc}") from None
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_REQUIRED
    try:
        ctx.load_verify_locations(cafile=ca_file)
    except (OSError, ssl.SSLError) as exc:
        raise ProbeError(f"ca_file {ca_file}: cannot load CA certificates: {exc}") from None
    return ctx


@functools.lru_cache(maxsize=1)
def _unverified_context() -> ssl.SSLContext:
    """Reads any chain, also from old devices (TLS 1.0, small keys, SHA-1)."""
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    try:
        with warnings.catch_warnings():  # deliberately old: reading, not trusting
            warnings.simplefilter("ignore", DeprecationWarning)
            ctx.minimum_version = ssl.TLSVersion.TLSv1
        ctx.set_ciphers("DEFAULT:@SECLEVEL=0")
    except (ValueError, ssl.SSLError):  # a build without old protocols: keep its defaults
        pass
    return ctx


def _connect(
    host: str,
    port: int,
    deadline: Deadline,
    server_name: str,
    starttls: StartTLS | None,
    context: ssl.SSLContext,
    client_name: str,
) -> tuple[tuple[bytes, ...], str, str, str]:
    where = f"{host}:{port}"
    if deadline.expired:
        raise ProbeError(f"{where}: no time left before connecting")
    try:
        raw = socket.create_connection((host, port), timeout=deadline.remaining())
    except TimeoutError:
        raise ProbeError(f"{where}: connect timed out") from None
    except OSError as exc:
        raise ProbeError(f"{where}: connect failed: {exc.strerror or exc}") from None
    try:
        greeting = ""
        if starttls is not None:
            greeting = _STARTTLS[starttls](LineReader(raw, deadline, where), client_name)
        raw.settimeout(deadline.remaining())
        try:
            tls = context.wrap_socket(
                raw, server_hostname=_sni(server_name), do_handshake_on_connect=False
            )
        except ValueError as exc:
            raise ProbeError(f"{where}: invalid server name: {exc}") from None
        with tls:
            _handshake(tls, deadline, where)
            chain = presented_chain(tls)
            version = tls.version() or ""
            cipher_info = tls.cipher()
            return chain, greeting, version, cipher_info[0] if cipher_info else ""
    finally:
        raw.close()


def _handshake(tls: ssl.SSLSocket, deadline: Deadline, where: str) -> None:
    tls.settimeout(deadline.remaining())
    try:
        tls.do_handshake()
    except ssl.SSLCertVerificationError as exc:
        raise _VerifyFailed(
            str(exc.verify_message or exc.reason or "verification failed")
        ) from None
    except ssl.SSLError as exc:
        reason = exc.reason or str(exc)
        hint = (
            " (a plain-text port? check `starttls` and the port)"
            if reason in ("WRONG_VERSION_NUMBER", "UNKNOWN_PROTOCOL", "RECORD_LAYER_FAILURE")
            or "wrong version" in str(exc)
            else ""
        )
        raise ProbeError(f"{where}: TLS handshake failed: {reason}{hint}") from None
    except TimeoutError:
        raise ProbeError(f"{where}: TLS handshake timed out") from None
    except OSError as exc:
        reason = exc.strerror or str(exc) or type(exc).__name__
        raise ProbeError(f"{where}: connection lost during TLS handshake: {reason}") from None


def _sni(name: str) -> str | None:
    """Python sends no SNI for IP addresses by itself; empty names mean none."""
    return name or None


# -- plain-text start of the mail protocols -------------------------------------------------


class LineReader(LineSocket):
    """CRLF lines of a STARTTLS conversation (core.linesocket), each read bounded by the
    deadline and the whole exchange by `max_bytes`; failures raise ProbeError naming `where`
    and the phase, and the lines read are kept for the greeting."""

    def __init__(
        self,
        sock: socket.socket,
        deadline: Deadline,
        where: str,
        max_bytes: int = MAX_GREETING_BYTES,
    ) -> None:
        super().__init__(sock, deadline, where, ProbeError, max_bytes)
        self.transcript: list[str] = []

    def line(self, phase: str) -> str:
        text = super().line(f"the {phase}")
        self.transcript.append(text)
        return text

    def command(self, command: str) -> None:
        """Send one protocol command (CRLF added); errors name only its verb."""
        self.send(command.encode("ascii") + b"\r\n", command.split()[0])

    def text(self) -> str:
        return "\n".join(self.transcript)


def smtp_reply(reader: LineReader, phase: str) -> tuple[str, list[str]]:
    """A (possibly multi-line) SMTP reply: (code, lines without the code)."""
    lines = []
    while True:
        line = reader.line(phase)
        code, sep, rest = line[:3], line[3:4], line[4:]
        if not code.isdigit():
            raise ProbeError(f"{reader.where}: not an SMTP reply in {phase}")
        lines.append(rest)
        if sep != "-":
            return code, lines


def _smtp(reader: LineReader, client_name: str) -> str:
    code, _ = smtp_reply(reader, "SMTP greeting")
    if code != "220":
        raise ProbeError(f"{reader.where}: SMTP greeting has code {code}, expected 220")
    reader.command(f"EHLO {client_name}")
    code, lines = smtp_reply(reader, "EHLO reply")
    if code != "250":
        raise ProbeError(f"{reader.where}: EHLO answered {code}, expected 250")
    if not any(line.upper().split()[:1] == ["STARTTLS"] for line in lines[1:]):
        raise ProbeError(f"{reader.where}: the SMTP server does not offer STARTTLS")
    reader.command("STARTTLS")
    code, _ = smtp_reply(reader, "STARTTLS reply")
    if code != "220":
        raise ProbeError(f"{reader.where}: STARTTLS answered {code}, expected 220")
    return reader.text()


def _pop3(reader: LineReader, client_name: str) -> str:
    if not reader.line("POP3 greeting").startswith("+OK"):
        raise ProbeError(f"{reader.where}: POP3 greeting is not +OK")
    reader.command("CAPA")
    if reader.line("CAPA reply").startswith("+OK"):
        capabilities = []
        while (line := reader.line("CAPA list")) != ".":
            capabilities.append(line.upper())
        if capabilities and "STLS" not in capabilities:
            raise ProbeError(f"{reader.where}: the POP3 server does not offer STLS")
    reader.command("STLS")
    if not reader.line("STLS reply").startswith("+OK"):
        raise ProbeError(f"{reader.where}: STLS was refused")
    return reader.text()


def _imap(reader: LineReader, client_name: str) -> str:
    if not reader.line("IMAP greeting").upper().startswith("* OK"):
        raise ProbeError(f"{reader.where}: IMAP greeting is not * OK")
    reader.command("a1 CAPABILITY")
    capabilities = ""
    while not (line := reader.line("CAPABILITY reply")).startswith("a1 "):
        if line.upper().startswith("* CAPABILITY"):
            capabilities = line.upper()
    if not line.upper().startswith("a1 OK".upper()):
        raise ProbeError(f"{reader.where}: CAPABILITY was refused")
    if "STARTTLS" not in capabilities.split():
        raise ProbeError(f"{reader.where}: the IMAP server does not offer STARTTLS")
    reader.command("a2 STARTTLS")
    while not (line := reader.line("STARTTLS reply")).startswith("a2 "):
        pass
    if not line.upper().startswith("A2 OK"):
        raise ProbeError(f"{reader.where}: STARTTLS was refused")
    return reader.text()


_STARTTLS: dict[str, Callable[[LineReader, str], str]] = {
    "smtp": _smtp,
    "pop3": _pop3,
    "imap": _imap,
}
