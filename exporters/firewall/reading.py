"""What one scrape learned about a firewall, vendor-neutral.

Each vendor module turns what the device returned into a `Reading`; `series.firewall`
writes it to a sink. Values the device did not give are None (or absent) and therefore
left out.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from exporters.firewall.dates import Expiry


@dataclass
class Licence:
    """One licensed module: neutral name, the vendor's own name, status and end."""

    module: str
    vendor_module: str
    status: str = "unknown"
    """licensed, expired, not_licensed or unknown as the device says (before dates)."""
    expiry: Expiry | None = None


@dataclass
class Signature:
    """One signature/pattern engine: version, when it updated, outcome of the last try."""

    engine: str
    version: str | None = None
    updated: float | None = None
    result: str | None = None


@dataclass
class Ha:
    mode: str
    in_sync: bool | None = None
    role: str | None = None


@dataclass
class Reading:
    vendor: str
    model: str = ""
    firmware: str = ""
    serial: str = ""
    licences: list[Licence] = field(default_factory=list)
    signatures: list[Signature] = field(default_factory=list)
    ha: Ha | None = None
    vpn: dict[str, bool] = field(default_factory=dict)
    wan: dict[str, bool] = field(default_factory=dict)
    updates_available: int | None = None
    reboot_required: bool | None = None
    problems: list[str] = field(default_factory=list)
    """Values that were present but unusable: one line each, logged by the collector."""

    def merge_preferred(self, other: Reading) -> None:
        """Take `other`'s licences and signatures where it has them (REST over SNMP)."""
        theirs = {lic.module for lic in other.licences}
        self.licences = [
            *other.licences,
            *(lic for lic in self.licences if lic.module not in theirs),
        ]
        sigs = {sig.engine: sig for sig in self.signatures}
        for sig in other.signatures:
            known = sigs.get(sig.engine)
            if known is None:
                sigs[sig.engine] = sig
            else:
                sigs[sig.engine] = Signature(
                    sig.engine,
                    sig.version or known.version,
                    sig.updated if sig.updated is not None else known.updated,
                    sig.result or known.result,
                )
        self.signatures = list(sigs.values())
        self.problems.extend(other.problems)
        for attr in ("model", "firmware", "serial"):
            if not getattr(self, attr) and getattr(other, attr):
                setattr(self, attr, getattr(other, attr))
