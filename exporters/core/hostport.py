"""The one parser of `host:port` addresses in config files (every exporter, one set of rules).

Accepted: `host:port`, `[v6]:port`, and, where the caller has a default port, also `host`,
`[v6]` and a bare IPv6 address (`fe80::1`). A bare IPv6 address never carries a port:
`fe80::1:443` is an address, so a port needs the brackets (`[fe80::1]:443`). Host names are
ASCII letters, digits, `.`, `-` and `_` (what DNS, NetBIOS and hosts files use); ports are
1-65535. `--web.listen-address` follows the same rules, plus `:port` (every interface) and
port 0 (a free port), as in the Go exporters. Errors say what is wrong and how to write
it, never the value (config errors do not echo input).
"""

from __future__ import annotations

import ipaddress
import re

_HOST = re.compile(r"^[A-Za-z0-9_.-]{1,253}$")
_EXAMPLE = "host:port (e.g. kim.praxis.local:465 or [fe80::1]:443)"


def host_port(address: str, default_port: int | None = None) -> tuple[str, int]:
    """`address` -> (host without brackets, port); `default_port` None: a port is required.

    Raises ValueError with a message safe to show.
    """
    return _split(address, default_port, lowest=1)


def _split(address: str, default_port: int | None, lowest: int) -> tuple[str, int]:
    if not address:
        raise ValueError(f"address is empty; write {_EXAMPLE}")
    if any(c.isspace() for c in address):
        raise ValueError(f"address must not contain spaces; write {_EXAMPLE}")
    if address.startswith("["):
        inside, bracket, rest = address[1:].partition("]")
        if not bracket:
            raise ValueError("address has `[` without `]`; write [fe80::1]:443")
        _check_ipv6(inside)
        if not rest:
            return inside, _default(default_port)
        if not rest.startswith(":"):
            raise ValueError("after `[IPv6]` only `:port` may follow")
        return inside, _port(rest[1:], lowest)
    if address.count(":") > 1:
        _check_ipv6(address, bare=True)
        if default_port is None:
            raise ValueError("write an IPv6 address with a port in brackets: [fe80::1]:443")
        return address, default_port
    host, sep, port = address.partition(":")
    _check_host(host)
    return (host, _port(port, lowest)) if sep else (host, _default(default_port))


def listen_address(listen: str) -> tuple[str, int]:
    """`--web.listen-address` (as the Go exporters take it): `host:port`, `[v6]:port`, or
    `:port` for every interface (host ""); port 0 asks the kernel for a free one."""
    if listen.startswith(":") and not listen.startswith("::"):
        return "", _port(listen[1:], lowest=0)
    return _split(listen, None, lowest=0)


def check_host_port(value: str, port_required: bool = False) -> str:
    """Validate `value` for a config model's field validator; returns it unchanged."""
    host_port(value, None if port_required else 1)
    return value


def _default(default_port: int | None) -> int:
    if default_port is None:
        raise ValueError(f"address needs a port; write {_EXAMPLE}")
    return default_port


def _port(text: str, lowest: int = 1) -> int:
    if not text.isascii() or not text.isdigit() or not lowest <= int(text) < 65536:
        raise ValueError(f"port must be a number, {lowest}-65535")
    return int(text)


def _check_host(host: str) -> None:
    if not host:
        raise ValueError(f"address has no host; write {_EXAMPLE}")
    if not _HOST.match(host):
        raise ValueError(
            "host may only contain letters, digits, '.', '-' and '_' (IPv6 in brackets)"
        )


def _check_ipv6(text: str, bare: bool = False) -> None:
    try:
        ipaddress.IPv6Address(text)
    except ValueError:
        if bare:
            raise ValueError(
                f"address is neither host:port nor an IPv6 address; write {_EXAMPLE}"
            ) from None
        raise ValueError("the part in brackets is not an IPv6 address") from None
