"""The clean-shutdown chain: which expected shutdown clients are attached to a UPS.

upsd's `LIST CLIENT` names each attached upsmon by the address it connected from. An
`expected_shutdown_clients` entry is attached when one of its addresses (a literal, or what
its host name resolves to, see resolve.py) is in that list.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from exporters.core import Deadline
from exporters.ups.resolve import ResolveError, Resolver, normalize


def attached_clients(clients: list[str]) -> frozenset[str]:
    return frozenset(a for c in clients if (a := normalize(c)) is not None)


@dataclass
class ClientCheck:
    """What upsd's client list says about the expected shutdown clients."""

    attached: int | None = None
    """Clients upsd lists; None if it cannot list them (then nothing is written)."""
    expected: list[tuple[str, bool]] = field(default_factory=list)
    """(entry, attached) per expected entry that could be checked this scrape."""
    problems: list[str] = field(default_factory=list)
    """For the log (the caller logs each once)."""


def check_clients(
    clients: list[str] | None, expected: list[str], resolver: Resolver, deadline: Deadline
) -> ClientCheck:
    """Which `expected` shutdown clients are among the attached `clients`."""
    if clients is None:
        if expected:
            return ClientCheck(
                problems=[
                    "upsd does not know LIST CLIENT (NUT before 2.8): shutdown clients unknown"
                ]
            )
        return ClientCheck()
    check = ClientCheck(attached=len(clients))
    present = attached_clients(clients)
    for entry in expected:
        try:
            addresses = resolver.addresses(entry, deadline)
        except ResolveError as exc:
            check.problems.append(f"shutdown client {entry} left out this scrape: {exc}")
            continue
        if not addresses:
            check.problems.append(
                f"shutdown client {entry} does not resolve: reported as not attached"
            )
        check.expected.append((entry, bool(addresses & present)))
    return check
