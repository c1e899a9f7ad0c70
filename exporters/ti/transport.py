"""HTTP(S) to the connector: TLS trust, client authentication, bounded reads.

One `HttpClient` (exporters.core.httpclient) per target, built once per config: basic auth
or a client certificate (PEM pair, or PKCS#12 unpacked in memory into a private temporary
directory that is removed right after loading), the connector's CA or - warned about - no
verification. Redirects are not followed and proxies from the environment are not used:
nothing is fetched from anywhere but the configured connector. `cryptography` is imported
only to unpack a PKCS#12 file (about 8 MiB of RSS that a PEM identity does not need).
"""

from __future__ import annotations

import os
import secrets
import ssl
import tempfile
from dataclasses import dataclass
from pathlib import Path

from exporters.core import Deadline
from exporters.core.files import read_bounded
from exporters.core.httpclient import (
    HttpClient,
    HttpError,
    TLSFailed,
    TLSOptions,
    load_client_pem,
    os_reason,
)
from exporters.core.httpclient import tls_context as core_tls_context
from exporters.ti.config import ConnectorConfig
from exporters.ti.soap import CallFailed

USER_AGENT = "praxis-ti-exporter"


@dataclass(frozen=True)
class Reply:
    status: int
    content_type: str
    body: bytes
    peer_chain: tuple[bytes, ...] = ()  # DER, leaf first (HTTPS only)


def tls_context(cfg: ConnectorConfig) -> ssl.SSLContext:
    """Client TLS context for the connector (core.httpclient's trust rules, TLS 1.2 or newer);
    raises ValueError with a message that names the config key."""
    trust = TLSOptions(
        ca_file=str(cfg.ca_file) if cfg.ca_file else None,
        insecure_skip_verify=cfg.insecure_skip_verify,
    )
    try:
        ctx = core_tls_context(trust)
    except TLSFailed as exc:
        raise ValueError(str(exc)) from None  # "cannot load ca_file: <reason>"
    if cfg.auth == "certificate":
        if cfg.pkcs12_file:
            _load_pkcs12(ctx, cfg)
        else:
            try:
                load_client_pem(ctx, str(cfg.cert_file), str(cfg.key_file))
            except TLSFailed as exc:
                raise ValueError(
                    f"cert_file/key_file: {exc} (key_file must be unencrypted PEM; an"
                    " encrypted identity goes into pkcs12_file with pkcs12_password)"
                ) from None
    return ctx


def _load_pkcs12(ctx: ssl.SSLContext, cfg: ConnectorConfig) -> None:
    """Load a PKCS#12 client identity; the key touches disk only encrypted, for a moment."""
    from cryptography.hazmat.primitives import serialization  # lazy: see the module docstring
    from cryptography.hazmat.primitives.serialization import pkcs12

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
            raise ValueError(f"pkcs12_file: unusable identity: {os_reason(exc)}") from None


def build_client(cfg: ConnectorConfig) -> HttpClient:
    """The target's client; raises ValueError (naming the config key) if TLS set-up fails."""
    basic = None
    if cfg.auth == "basic" and cfg.username and cfg.password is not None:
        basic = (cfg.username, cfg.password.get_secret_value())
    return HttpClient(
        context=tls_context(cfg),
        headers={"User-Agent": USER_AGENT},
        basic_auth=basic,
        capture_peer_chain=True,
    )


def request(
    client: HttpClient,
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
        resp = client.request(
            method, url, deadline, body=body, headers=headers, max_bytes=max_bytes
        )
    except HttpError as exc:
        raise CallFailed(str(exc)) from None
    return Reply(resp.status, resp.content_type, resp.body, resp.peer_chain)
