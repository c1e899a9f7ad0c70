"""The one host:port parser: every accepted form, every refusal with a clear message."""

from __future__ import annotations

import re

import pytest

from exporters.core.hostport import check_host_port, host_port, listen_address


@pytest.mark.parametrize(
    ("address", "default", "expected"),
    [
        ("kim.praxis.local:465", None, ("kim.praxis.local", 465)),
        ("10.0.0.7:110", None, ("10.0.0.7", 110)),
        ("[fe80::1]:993", None, ("fe80::1", 993)),
        ("[::1]:1", None, ("::1", 1)),
        ("[fe80::1%eth0]:443", None, ("fe80::1%eth0", 443)),
        ("ups-keller:65535", None, ("ups-keller", 65535)),
        ("PRAXIS_SRV01:3493", None, ("PRAXIS_SRV01", 3493)),
        ("ups.local", 161, ("ups.local", 161)),
        ("[2001:db8::5]", 3551, ("2001:db8::5", 3551)),
        ("2001:db8::5", 161, ("2001:db8::5", 161)),
        ("fe80::1:443", 161, ("fe80::1:443", 161)),  # a bare IPv6 address never has a port
        ("10.0.0.5:1161", 161, ("10.0.0.5", 1161)),
    ],
)
def test_accepted(address: str, default: int | None, expected: tuple[str, int]) -> None:
    assert host_port(address, default) == expected
    assert check_host_port(address, port_required=default is None) == address


@pytest.mark.parametrize(
    ("address", "default", "message"),
    [
        ("", 161, "address is empty"),
        ("kim.praxis.local", None, "needs a port"),
        ("[::1]", None, "needs a port"),
        ("h:99999", None, "1-65535"),
        ("h:0", 161, "1-65535"),
        ("h:", 161, "1-65535"),
        ("h:-1", 161, "1-65535"),
        ("h:４４３", None, "1-65535"),  # fullwidth digits are digits to isdigit()
        (":443", None, "no host"),
        ("kim praxis:25", None, "spaces"),
        (" h:25", 161, "spaces"),
        ("::1:443", None, "brackets"),
        ("[::1:443", None, "without `]`"),
        ("[::1]443", None, "only `:port`"),
        ("[kim.local]:443", None, "not an IPv6 address"),
        ("a:b:c", 161, "neither host:port nor an IPv6 address"),
        ("kim/praxis:25", None, "may only contain"),
        ("münster.local:25", None, "may only contain"),
    ],
)
def test_refused(address: str, default: int | None, message: str) -> None:
    with pytest.raises(ValueError, match=message) as err:
        host_port(address, default)
    shown = re.sub(r"\(e\.g\. .*?\)|\[fe80::1\]:443", "", str(err.value))  # the examples
    if address.strip():
        assert address.strip() not in shown  # the message never echoes the value


@pytest.mark.parametrize(
    ("listen", "expected"),
    [
        (":10615", ("", 10615)),
        (":0", ("", 0)),
        ("127.0.0.1:0", ("127.0.0.1", 0)),
        ("localhost:10615", ("localhost", 10615)),
        ("[::]:10615", ("::", 10615)),
        ("[::1]:0", ("::1", 0)),
    ],
)
def test_listen_address(listen: str, expected: tuple[str, int]) -> None:
    assert listen_address(listen) == expected


@pytest.mark.parametrize(
    ("listen", "message"),
    [
        ("10615", "needs a port"),
        (":65536", "0-65535"),
        (":", "0-65535"),
        ("::10615", "neither host:port nor an IPv6 address"),
        ("::1", "brackets"),
        ("0.0.0.0", "needs a port"),
        ("[::]", "needs a port"),
    ],
)
def test_listen_address_refused(listen: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        listen_address(listen)
