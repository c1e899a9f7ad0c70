"""The clean-shutdown chain: which expected shutdown clients are attached to a UPS.

upsd's `LIST CLIENT` names each attached upsmon by the address it connected from. An
`expected_shutdown_clients` entry is attached when one of its addresses (a literal, or what
its host name resolves to, see resolve.py) is in that list.
"""

from __future__ import annotations

from exporters.core import Deadline, MetricSink
from exporters.ups import catalogue as m
from exporters.ups.resolve import ResolveError, Resolver, normalize


def attached_clients(clients: list[str]) -> frozenset[str]:
    return frozenset(a for c in clients if (a := normalize(c)) is not None)


def write_clients(
    clients: list[str] | None,
    expected: list[str],
    resolver: Resolver,
    deadline: Deadline,
    sink: MetricSink,
) -> list[str]:
    """`ups_shutdown_clients` and one `ups_shutdown_client_attached` per expected entry;
    returns problems for the log (the caller logs each once)."""
    if clients is None:
        if expected:
            return ["upsd does not know LIST CLIENT (NUT before 2.8): shutdown clients unknown"]
        return []
    problems = []
    sink.put(m.SHUTDOWN_CLIENTS, len(clients))
    present = attached_clients(clients)
    for entry in expected:
        try:
            addresses = resolver.addresses(entry, deadline)
        except ResolveError as exc:
            problems.append(f"shutdown client {entry} left out this scrape: {exc}")
            continue
        if not addresses:
            problems.append(f"shutdown client {entry} does not resolve: reported as not attached")
        sink.put(m.SHUTDOWN_CLIENT_ATTACHED, bool(addresses & present), {"client": entry})
    return problems
