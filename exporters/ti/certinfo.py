"""Expiry of the leaf of a presented TLS chain (connector, KIM), via core.x509info."""

from __future__ import annotations

from collections.abc import Sequence

from cryptography import x509

from exporters.core.x509info import summarize


def leaf_not_after(chain: Sequence[bytes]) -> float | None:
    """notAfter of the first (leaf) DER certificate as Unix time; None if absent/unparsable."""
    if not chain:
        return None
    try:
        return summarize(x509.load_der_x509_certificate(chain[0])).not_after
    except ValueError:
        return None
