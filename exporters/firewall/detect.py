"""`vendor: auto`: which vendor MIB to read, from sysObjectID."""

from __future__ import annotations

from collections.abc import Iterable

from exporters.firewall.mib import MibSpec


def choose(sys_object_id: str | None, specs: Iterable[MibSpec]) -> MibSpec | None:
    """The spec whose enterprise prefix sysObjectID starts with, or None."""
    oid = (sys_object_id or "").strip(".") + "."
    for spec in specs:
        if oid.startswith(spec.enterprise + "."):
            return spec
    return None
