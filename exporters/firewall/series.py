"""Pure functions: what a firewall (SNMP or REST API) said -> `firewall_*` samples.

The one writing layer of the firewall exporter, as `series.py` in the other exporters:
every sample goes through a declaration of `catalogue`. The vendor modules only read and
parse into a `Reading`; the collector hands it here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from exporters.core import MetricSink
from exporters.core.catalogue import MetricDesc
from exporters.firewall import catalogue as c
from exporters.firewall.reading import Licence, Reading, Signature
from exporters.firewall.versions import VersionTracker


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


def firewall(
    sink: MetricSink,
    reading: Reading,
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


def api_up(sink: MetricSink, endpoint: str, up: bool) -> None:
    """Whether one REST call of this scrape succeeded (and its answer was as documented)."""
    sink.put(c.API_UP, up, {"endpoint": endpoint})


def snmp_packets(sink: MetricSink, packets: int) -> None:
    """SNMP request packets this scrape sent to the target."""
    sink.put(c.SNMP_PACKETS, packets)
