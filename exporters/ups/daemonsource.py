"""NUT and apcupsd targets: one TCP connection per scrape to the daemon, parsed to a Reading.

Host names of daemons and of expected shutdown clients are resolved through `Resolver`
(bounded by the deadline, cached), so a hung DNS server cannot hold a scrape.
"""

from __future__ import annotations

import functools
import os
from typing import TYPE_CHECKING

from exporters.core import Deadline
from exporters.ups import apcstatus, nutvars
from exporters.ups.config import ApcupsdSettings, UpsTarget
from exporters.ups.nisclient import NisError, parse_status, status_lines
from exporters.ups.nutclient import NutError, query
from exporters.ups.reading import Reading
from exporters.ups.resolve import ResolveError, Resolver
from exporters.ups.shutdown import ClientCheck, check_clients

if TYPE_CHECKING:
    import ssl


class DaemonSource:
    """Reads UPSes through NUT's upsd or apcupsd's NIS."""

    def __init__(self) -> None:
        self.resolver = Resolver()

    def _connect_to(self, host: str, deadline: Deadline) -> str:
        try:
            addresses = self.resolver.addresses(host, deadline)
        except ResolveError as exc:
            raise NutError(str(exc)) from None
        if not addresses:
            raise NutError(f"cannot resolve {host}")
        return sorted(addresses)[0]

    def read_nut(self, target: UpsTarget, deadline: Deadline) -> tuple[Reading, ClientCheck]:
        nut = target.nut
        assert nut is not None
        host, port = nut.host_port()
        address = self._connect_to(host, deadline)
        answer = query(
            address,
            port,
            nut.ups,
            deadline,
            username=nut.username,
            password=nut.password.get_secret_value() if nut.password else None,
            tls_context=tls_context(nut.ca_file) if nut.tls == "starttls" else None,
            server_name=host,
        )
        reading = nutvars.parse(answer.variables, answer.version)
        clients = check_clients(
            answer.clients, target.expected_shutdown_clients, self.resolver, deadline
        )
        return reading, clients

    def read_apcupsd(self, settings: ApcupsdSettings, deadline: Deadline) -> Reading:
        host, port = settings.host_port()
        try:
            address = self._connect_to(host, deadline)
        except NutError as exc:
            raise NisError(str(exc)) from None
        values = parse_status(status_lines(address, port, deadline))
        if not values:
            raise NisError(f"apcupsd {host}:{port}: empty status")
        return apcstatus.parse(values)

    def close(self) -> None:
        self.resolver.close()


def tls_context(ca_file: str | None) -> ssl.SSLContext:
    """Verifies upsd's certificate against `ca_file` (else the system store) and its name;
    cached per file version (a renewed CA file is picked up). `ssl` is imported here,
    for STARTTLS targets only."""
    import ssl

    try:
        mtime = os.stat(ca_file).st_mtime if ca_file else 0.0
    except OSError as exc:
        raise NutError(f"ca_file {ca_file}: {exc.strerror or exc}") from None
    try:
        return _context(ca_file, mtime)
    except (OSError, ssl.SSLError) as exc:
        raise NutError(f"ca_file {ca_file}: cannot load CA certificates: {exc}") from None


@functools.lru_cache(maxsize=16)
def _context(ca_file: str | None, mtime: float) -> ssl.SSLContext:
    import ssl

    context = ssl.create_default_context(ssl.Purpose.SERVER_AUTH, cafile=ca_file)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    return context
