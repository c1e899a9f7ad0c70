"""The certificates a TLS peer presented, as sent, for the certs probe and the HTTP client.

Its own small module so that neither of the two pulls in the other's imports.
"""

from __future__ import annotations

import ssl
from collections.abc import Callable
from typing import Any


def presented_chain(tls: ssl.SSLSocket) -> tuple[bytes, ...]:
    """The peer's certificates as sent (leaf first), DER; works without verification.

    Python 3.13 has `SSLSocket.get_unverified_chain()`; 3.10-3.12 have the same method on
    the internal `_ssl._SSLSocket`. Without either, only the leaf is available.
    """
    try:
        public: Callable[[], Any] | None = getattr(tls, "get_unverified_chain", None)
        if public is None:
            public = getattr(getattr(tls, "_sslobj", None), "get_unverified_chain", None)
        if public is not None:
            return tuple(_der(c) for c in public() or ())
        leaf = tls.getpeercert(binary_form=True)
    except (ssl.SSLError, OSError, ValueError):
        return ()  # a connection closed under us: no chain, which the callers report
    return (leaf,) if leaf else ()


def _der(cert: Any) -> bytes:
    if isinstance(cert, bytes):
        return cert
    return bytes(cert.public_bytes(ssl._ssl.ENCODING_DER))  # type: ignore[attr-defined]
