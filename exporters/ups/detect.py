"""`mib: auto`: which MIB to read, from sysObjectID and which MIBs answered."""

from __future__ import annotations

from collections.abc import Collection

APC_ENTERPRISE = "1.3.6.1.4.1.318."
EATON_POWERWARE_ENTERPRISE = "1.3.6.1.4.1.534."


def choose(sys_object_id: str | None, answered: Collection[str]) -> str | None:
    """The MIB to use, or None if the agent answered none of them.

    The vendor's own MIB is preferred where sysObjectID names the vendor (APC, Powerware),
    as it carries more (serial, dates, replace flag); otherwise the standard RFC 1628, which
    also fits cards of other makers (e.g. an Eaton 93E with an MGE card answers both).
    """
    oid = (sys_object_id or "") + "."
    if oid.startswith(APC_ENTERPRISE):
        order = ["apc", "rfc1628", "eaton-xups"]
    elif oid.startswith(EATON_POWERWARE_ENTERPRISE):
        order = ["eaton-xups", "rfc1628", "apc"]
    else:
        order = ["rfc1628", "eaton-xups", "apc"]
    return next((mib for mib in order if mib in answered), None)
