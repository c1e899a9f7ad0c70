"""Scrapes one UPS per target, whichever way it is read: SNMP card, NUT upsd or apcupsd.

Each source turns what the device or daemon said into one vendor-neutral `Reading`
(mib.py/nutvars.py/apcstatus.py -> reading.py); `series.ups` writes the same `ups_*` series
for all of them; the shutdown chain (settings, upsd's clients) goes through `series` too.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from exporters.core import Deadline, MetricSink
from exporters.core.logsetup import fields
from exporters.ups import series
from exporters.ups.config import UpsConfig, UpsTarget
from exporters.ups.daemonsource import DaemonSource

if TYPE_CHECKING:
    from exporters.ups.snmpsource import SnmpSource

log = logging.getLogger("exporters.ups")
MAX_REPORTED = 1000


class UpsCollector:
    def __init__(self, config: UpsConfig) -> None:
        self.config = config
        self._snmp: SnmpSource | None = None
        self._daemons = DaemonSource()
        self._reported: set[tuple[str, str]] = set()
        if any(t.snmp is not None for t in config.targets.values()):
            # pysnmp costs about 12 MiB and an event-loop thread: a practice with only a USB
            # UPS (NUT, apcupsd) does not pay for it
            from exporters.ups.snmpsource import SnmpSource

            self._snmp = SnmpSource()
        for name, target in config.targets.items():
            if target.snmp is not None and self._snmp is not None:
                self._snmp.prepare(name, target, config.target_timeout(name))

    def collect_target(
        self, name: str, target: UpsTarget, deadline: Deadline, sink: MetricSink
    ) -> None:
        problems: list[str] = []
        if target.nut is not None:
            reading, clients = self._daemons.read_nut(target, deadline)
            if clients.attached is not None:
                series.shutdown_clients(sink, clients.attached, clients.expected)
            problems = clients.problems
        elif target.apcupsd is not None:
            reading = self._daemons.read_apcupsd(target.apcupsd, deadline)
        else:
            assert self._snmp is not None  # built for every config with an snmp target
            timeout = self.config.target_timeout(name)
            reading = self._snmp.read(name, target, timeout, deadline, sink)
        for problem in [*reading.problems, *problems]:
            self._report(name, problem)
        series.ups(sink, reading)
        series.shutdown_settings(sink, target.shutdown_margin, target.shutdown_seconds_needed)

    def _report(self, name: str, problem: str) -> None:
        """Log a skipped value once per target, not every scrape."""
        if (name, problem) in self._reported:
            return
        if len(self._reported) > MAX_REPORTED:  # bounded even if a device varies its garbage
            self._reported.clear()
        self._reported.add((name, problem))
        log.warning("skipped a value", extra=fields(target=name, problem=problem))

    def close(self) -> None:
        self._daemons.close()
        if self._snmp is not None:
            self._snmp.close()
