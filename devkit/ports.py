"""Free loopback ports for services started by tests and the demo."""

from __future__ import annotations

import socket
import threading

_lock = threading.Lock()
_handed_out: set[int] = set()


def free_port(host: str = "127.0.0.1", udp: bool = False) -> int:
    """A port that is free now and not handed out before by this process."""
    kind = socket.SOCK_DGRAM if udp else socket.SOCK_STREAM
    for _ in range(100):
        with socket.socket(socket.AF_INET, kind) as sock:
            sock.bind((host, 0))
            port = int(sock.getsockname()[1])
        with _lock:
            if port not in _handed_out:
                _handed_out.add(port)
                return port
    raise RuntimeError("no free port found")


def preferred_port(port: int, host: str = "127.0.0.1") -> int:
    """`port` if it is free now (a person's demo keeps its well-known URLs), else a free one."""
    with _lock:
        taken = port in _handed_out
    if not taken:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            try:
                sock.bind((host, port))
            except OSError:
                taken = True
    if taken:
        return free_port(host)
    with _lock:
        _handed_out.add(port)
    return port
