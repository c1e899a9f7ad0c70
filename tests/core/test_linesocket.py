"""core.linesocket: the bounded line conversation shared by STARTTLS probes and NUT."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest

from exporters.core.deadline import Deadline
from exporters.core.linesocket import LineSocket


class Failed(Exception):
    """The caller's own error type."""


@pytest.fixture
def pair() -> Iterator[tuple[socket.socket, socket.socket]]:
    ours, peer = socket.socketpair()
    with ours, peer:
        yield ours, peer


def lines(sock: socket.socket, **limits: int) -> LineSocket:
    return LineSocket(sock, Deadline.after(5), "peer:1", Failed, **{"max_bytes": 1024, **limits})


def test_lines_split_on_lf_drop_cr_and_keep_the_rest(pair) -> None:
    ours, peer = pair
    peer.sendall(b"220 hello\r\nsecond\nthi")
    reader = lines(ours)
    assert reader.line("greeting") == "220 hello"
    assert reader.line("next") == "second"
    peer.sendall(b"rd\n")
    assert reader.line("last") == "third"


def test_closed_mid_line_names_the_phase(pair) -> None:
    ours, peer = pair
    peer.sendall(b"half a li")
    peer.close()
    with pytest.raises(Failed, match=r"^peer:1: connection closed during the answer$"):
        lines(ours).line("the answer")


def test_whole_conversation_and_single_line_are_bounded(pair) -> None:
    ours, peer = pair
    peer.sendall(b"x" * 300 + b"\n")
    with pytest.raises(Failed, match="a line longer than 100 bytes"):
        lines(ours, max_line=100).line("VER")
    ours2, peer2 = socket.socketpair()
    with ours2, peer2:
        peer2.sendall(b"short\n" * 400)
        reader = lines(ours2, chunk_size=64)
        with pytest.raises(Failed, match="more than 1024 bytes in LIST"):
            while True:
                reader.line("LIST")


def test_silence_ends_at_the_deadline(pair) -> None:
    ours, _ = pair
    reader = LineSocket(ours, Deadline.after(0.05), "peer:1", Failed, max_bytes=1024)
    with pytest.raises(Failed, match="timed out waiting for the greeting"):
        reader.line("the greeting")


def test_send_names_what_not_the_data(pair) -> None:
    ours, peer = pair
    reader = lines(ours)
    reader.send(b"PASSWORD geheim\n", "the commands")
    assert peer.recv(100) == b"PASSWORD geheim\n"
    peer.close()
    ours.shutdown(socket.SHUT_RD)
    with pytest.raises(Failed) as info:
        for _ in range(100):  # the first send may still land in the buffer
            reader.send(b"PASSWORD geheim\n" * 1000, "the commands")
    assert "the commands" in str(info.value) and "geheim" not in str(info.value)
