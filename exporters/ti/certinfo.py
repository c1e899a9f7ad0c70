"""Expiry of the leaf of a presented TLS chain (connector, KIM), via core.x509info."""

from __future__ import annotations

from collections.abc import Sequence

from exporters.core.x509info import DERError, summarize


def leaf_not_after(chain: Sequence[bytes]) -> float | None:
    """notAfter of the first (leaf) DER certificate as Unix time; None if absent/unparsable."""
    if not chain:
        return None
    try:
        return summarize(chain[0]).not_after
    except DERError:
        return None
