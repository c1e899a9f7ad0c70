"""HTTP(S) to the connector: TLS trust, client authentication, bounded reads.

One `requests.Session` per target, built once per config: basic auth or a client
certificate (PEM pair, or PKCS#12 unpacked in memory into a private temporary directory
that is removed right after loading), the connector's CA or - warned about - no
verification. Redirects are not followed and proxies from the environment are not used:
nothing is fetched from anywhere but the configured connector.
"""

from __future__ import annotations

import os
import secrets
import ssl
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.serialization import pkcs12
from requests.adapters import HTTPAdapter

from exporters.core import Deadline
from exporters.core.files import read_bounded
from exporters.core.tlsprobe import presented_chain
from exporters.ti.config import ConnectorConfig
from exporters.ti.soap import CallFailed

CHUNK = 64 * 1024


@dataclass(frozen=True)
class Reply:
    status: int
    content_type: str
    body: bytes
    peer_chain: tuple[bytes, ...] = ()  # DER, leaf first (HTTPS only)


class _ContextAdapter(HTTPAdapter):
    """Uses our SSLContext (client certificate, CA) for every HTTPS connection."""

    def __init__(self, context: ssl.SSLContext) -> None:
        self._context = context
        super().__init__(max_retries=0)

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        kwargs["ssl_context"] = self._context
        super().init_poolmanager(*args, **kwargs)


def tls_context(cfg: ConnectorConfig) -> ssl.SSLContext:
    """Client TLS context for the connector; raises ValueError with a key-naming message."""
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    if cfg.insecure_skip_verify:
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
    elif cfg.ca_file:
        try:
            ctx.load_verify_locations(cafile=cfg.ca_file)
        except (OSError, ssl.SSLError) as exc:
            raise ValueError(f"ca_file: cannot load CA certificates: {_reason(exc)}") from None
    else:
        ctx.load_default_certs()
    if cfg.auth == "certificate":
        if cfg.pkcs12_file:
            _load_pkcs12(ctx, cfg)
        else:
            try:
                # a password callback, so that an encrypted key fails instead of prompting
                ctx.load_cert_chain(str(cfg.cert_file), str(cfg.key_file), password=lambda: b"")
            except (OSError, ssl.SSLError) as exc:
                raise ValueError(
                    f"cert_file/key_file: cannot load client certificate: {_reason(exc)}"
                    " (key_file must be unencrypted PEM; an encrypted identity goes into"
                    " pkcs12_file with pkcs12_password)"
                ) from None
    return ctx


def _reason(exc: Exception) -> str:
    if isinstance(exc, ssl.SSLError):
        return str(exc.reason or exc)
    if isinstance(exc, OSError):
        return str(exc.strerror or exc)
    return str(exc)


def _load_pkcs12(ctx: ssl.SSLContext, cfg: ConnectorConfig) -> None:
    """Load a PKCS#12 client identity; the key touches disk only encrypted, for a moment."""
    password = cfg.pkcs12_password.get_secret_value().encode() if cfg.pkcs12_password else None
    try:
        data = read_bounded(str(cfg.pkcs12_file), 1024 * 1024)  # regular file, size-bounded
        key, cert, extra = pkcs12.load_key_and_certificates(data, password)
    except OSError as exc:
        raise ValueError(f"pkcs12_file: cannot read: {exc.strerror or exc}") from None
    except ValueError:
        raise ValueError("pkcs12_file: cannot decrypt or parse (wrong pkcs12_password?)") from None
    if key is None or cert is None:
        raise ValueError("pkcs12_file: contains no private key and certificate")
    transient = secrets.token_urlsafe(24)
    pem_key = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(transient.encode()),
    )
    pem_chain = b"".join(c.public_bytes(serialization.Encoding.PEM) for c in [cert, *extra])
    with tempfile.TemporaryDirectory(prefix="praxis-ti-") as tmp:
        os.chmod(tmp, 0o700)
        cert_path, key_path = Path(tmp, "cert.pem"), Path(tmp, "key.pem")
        cert_path.write_bytes(pem_chain)
        key_path.write_bytes(pem_key)
        try:
            ctx.load_cert_chain(str(cert_path), str(key_path), password=transient)
        except ssl.SSLError as exc:
            raise ValueError(f"pkcs12_file: unusable identity: {_reason(exc)}") from None


def build_session(cfg: ConnectorConfig) -> requests.Session:
    session = requests.Session()
    session.trust_env = False  # no proxies or .netrc from the environment
    session.verify = not cfg.insecure_skip_verify
    if cfg.ca_file and not cfg.insecure_skip_verify:
        session.verify = cfg.ca_file
    if cfg.auth == "basic" and cfg.username and cfg.password is not None:
        session.auth = (cfg.username, cfg.password.get_secret_value())
    session.mount("https://", _ContextAdapter(tls_context(cfg)))
    session.headers["User-Agent"] = "praxis-ti-exporter"
    return session


def request(
    session: requests.Session,
    method: str,
    url: str,
    deadline: Deadline,
    max_bytes: int,
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
) -> Reply:
    """One bounded HTTP exchange; raises CallFailed with a reason safe to log."""
    if deadline.expired:
        raise CallFailed("no time left")
    try:
        resp = session.request(
            method,
            url,
            data=body,
            headers=headers,
            timeout=(deadline.remaining(), deadline.remaining()),
            stream=True,
            allow_redirects=False,
        )
    except requests.exceptions.SSLError as exc:
        raise CallFailed(f"TLS error: {_tls_reason(exc)}") from None
    except requests.exceptions.Timeout:
        raise CallFailed("timed out") from None
    except requests.exceptions.ConnectionError:
        raise CallFailed("connection failed") from None
    except requests.exceptions.RequestException as exc:
        raise CallFailed(f"request failed: {type(exc).__name__}") from None
    with resp:
        chain = _peer_chain(resp)
        declared = resp.headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > max_bytes:
            raise CallFailed(f"answer larger than {max_bytes} bytes")
        data = bytearray()
        try:
            for chunk in resp.iter_content(CHUNK):
                data.extend(chunk)
                if len(data) > max_bytes:
                    raise CallFailed(f"answer larger than {max_bytes} bytes")
                if deadline.expired:
                    raise CallFailed("timed out reading the answer")
        except requests.exceptions.RequestException:
            raise CallFailed("connection lost reading the answer") from None
        return Reply(resp.status_code, resp.headers.get("Content-Type", ""), bytes(data), chain)


_HINTS = {
    "SSLEOFError": " (the connector closed the connection: client certificate missing or refused?)",
    "TLSV13_ALERT_CERTIFICATE_REQUIRED": " (the connector requires a client certificate)",
    "WRONG_VERSION_NUMBER": " (not a TLS port? check the scheme of base_url)",
    "RECORD_LAYER_FAILURE": " (not a TLS port? check the scheme of base_url)",
}


def _tls_reason(exc: BaseException) -> str:
    """OpenSSL's reason from the exception chain requests/urllib3 wrap around it."""
    seen: set[int] = set()
    todo: list[BaseException] = [exc]
    while todo:
        current = todo.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, ssl.SSLCertVerificationError):
            message = current.verify_message or "verification failed"
            return f"certificate verification failed: {message}"
        if isinstance(current, ssl.SSLError):
            reason = str(current.reason or type(current).__name__)
            return f"handshake failed: {reason}{_HINTS.get(reason, '')}"
        todo.extend(a for a in current.args if isinstance(a, BaseException))
        for linked in (current.__cause__, current.__context__, getattr(current, "reason", None)):
            if isinstance(linked, BaseException):
                todo.append(linked)
    return "handshake failed"


def _peer_chain(resp: requests.Response) -> tuple[bytes, ...]:
    """The certificates the connector presented on this very connection (no extra dial)."""
    try:
        sock = resp.raw.connection.sock  # type: ignore[union-attr]  # urllib3 2.x
    except AttributeError:
        return ()
    if isinstance(sock, ssl.SSLSocket):
        try:
            return presented_chain(sock)
        except (ssl.SSLError, OSError, ValueError):
            return ()
    return ()
