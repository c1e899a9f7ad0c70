"""What one scrape learned about a firewall, vendor-neutral, and how it becomes series.

Each vendor module turns what the device returned into a `Reading`; `render` writes it to a
sink. Values the device did not give are None (or absent) and therefore left out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from exporters.core import MetricSink
from exporters.core.catalogue import MetricDesc
from exporters.firewall import catalogue as c
from exporters.firewall.dates import Expiry
from exporters.firewall.versions import VersionTracker


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


@dataclass(frozen=True)
class Expectations:
    """What the config says about a target: firmware, watched tunnels and links."""

    expected_firmware: str | None = None
    licence_warning: float = 30 * 86400.0
    vpn_tunnels: Sequence[str] = ()
    wan_links: Sequence[str] = ()


def licence_status(lic: Licence, now: float, warning: float) -> str:
    """The exported status: the device's word, corrected by the end date where known."""
    expiry = lic.expiry
    if expiry is None or expiry.perpetual or expiry.timestamp is None:
        return lic.status
    if lic.status in ("licensed", "unknown", "expired"):
        if expiry.timestamp <= now:
            return "expired"
        if lic.status == "expired":
            return "expired"
        if expiry.timestamp - now <= warning:
            return "expiring"
        return "licensed"
    return lic.status


def render(
    reading: Reading,
    sink: MetricSink,
    target: str,
    tracker: VersionTracker,
    expect: Expectations,
    now: float,
) -> None:
    """Write the neutral `firewall_*` series of one firewall (the sink adds `target`)."""
    sink.put_info(
        c.INFO,
        {
            "vendor": reading.vendor,
            "model": reading.model,
            "firmware": reading.firmware,
            "serial": reading.serial,
        },
    )
    if expect.expected_firmware:
        sink.put(c.FIRMWARE_AS_EXPECTED, reading.firmware == expect.expected_firmware)
    sink.touch(c.LICENCE_STATUS)
    seen: set[tuple[str, str]] = set()
    for lic in sorted(reading.licences, key=lambda x: (x.module, x.vendor_module)):
        key = (lic.module, lic.vendor_module)
        if key in seen:
            continue
        seen.add(key)
        labels = {"module": lic.module, "vendor_module": lic.vendor_module}
        sink.put_state(c.LICENCE_STATUS, licence_status(lic, now, expect.licence_warning), labels)
        if lic.expiry is not None:
            sink.put(c.LICENCE_PERPETUAL, lic.expiry.perpetual, labels)
            if not lic.expiry.perpetual:
                sink.put(c.LICENCE_EXPIRY, lic.expiry.timestamp, labels)
    _signatures(reading.signatures, sink, target, tracker, now)
    if reading.ha is not None:
        sink.put_state(c.HA_MODE, reading.ha.mode)
        if reading.ha.mode not in ("standalone", "unknown"):
            sink.put(c.HA_IN_SYNC, reading.ha.in_sync)
        if reading.ha.role is not None:
            sink.put_state(c.HA_ROLE, reading.ha.role)
    _links(c.VPN_UP, "tunnel", reading.vpn, expect.vpn_tunnels, sink)
    _links(c.WAN_UP, "link", reading.wan, expect.wan_links, sink)
    sink.put(c.UPDATES_AVAILABLE, reading.updates_available)
    sink.put(c.REBOOT_REQUIRED, reading.reboot_required)


def _signatures(
    signatures: list[Signature],
    sink: MetricSink,
    target: str,
    tracker: VersionTracker,
    now: float,
) -> None:
    sink.touch(c.SIGNATURE_VERSION)
    for sig in sorted(signatures, key=lambda s: s.engine):
        labels = {"engine": sig.engine}
        if sig.version:
            sink.put_info(c.SIGNATURE_VERSION, {"engine": sig.engine, "version": sig.version})
        sink.put(c.SIGNATURE_UPDATED, sig.updated, labels)
        if sig.updated is None and sig.version:
            sink.put(
                c.SIGNATURE_CHANGED, tracker.observe(target, sig.engine, sig.version, now), labels
            )
        if sig.result is not None:
            sink.put_state(c.UPDATE_RESULT, sig.result, labels)


def _links(
    desc: MetricDesc,
    label: str,
    states: dict[str, bool],
    configured: Sequence[str],
    sink: MetricSink,
) -> None:
    """All links the device lists; with a configured list, exactly those (missing = down)."""
    names = list(configured) if configured else sorted(states)
    for name in names:
        sink.put(desc, states.get(name, False), {label: name})
