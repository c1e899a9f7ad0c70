"""The demo prints stable URLs: each service on its well-known port, unless it is taken."""

from __future__ import annotations

import socket

from demo.runner import Demo, _default_port
from devkit.ports import preferred_port


def test_a_free_well_known_port_is_used_and_a_taken_one_falls_back() -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        wanted = probe.getsockname()[1]
    assert preferred_port(wanted) == wanted
    assert preferred_port(wanted) != wanted  # handed out once: never twice
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        taken = busy.getsockname()[1]
        other = preferred_port(taken)
    assert other != taken
    assert other > 0


def test_demo_asks_for_the_documented_default_ports_only_when_told() -> None:
    assert _default_port("certs") == 10615
    assert _default_port("firebird") == 10610
    assert _default_port("no-such-exporter") is None
    tests_demo = Demo(workdir=None)  # type: ignore[arg-type]
    assert tests_demo._port(10615) is None  # tests: free ports only
