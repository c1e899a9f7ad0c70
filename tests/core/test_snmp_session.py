"""The v1/v2c session over UDP against a hostile agent on loopback: garbage, answers to
other requests and answers with another community are never taken for the answer; a
silent agent ends at the deadline with SnmpError; packets are counted."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator

import pytest

from exporters.core.deadline import Deadline
from exporters.core.snmp import ber
from exporters.core.snmp.session import EventLoopThread, SnmpError, open_session
from exporters.core.snmp.settings import SnmpSettings

OID = "1.3.6.1.2.1.33.1.2.3.0"


def response(request: bytes, community: bytes, request_id_delta: int = 0) -> bytes:
    """A Response to `request` with value 42 for every OID asked (BER by hand)."""
    version, _, request_id = _request_fields(request)
    body = ber._integer(request_id + request_id_delta) + ber._integer(0) + ber._integer(0)
    bindings = ber._tlv(0x30, ber.encode_oid(OID) + ber._integer(42))
    pdu = ber._tlv(ber.RESPONSE, body + ber._tlv(0x30, bindings))
    return ber._tlv(0x30, ber._integer(version) + ber._tlv(0x04, community) + pdu)


def _request_fields(request: bytes) -> tuple[int, bytes, int]:
    end = len(request)
    start, stop = ber._expect(request, 0, end, 0x30)
    version, at = ber._int(request, start, stop)
    c_start, at = ber._expect(request, at, stop, 0x04)
    _, p_start, p_stop = ber._read(request, at, stop)
    request_id, _ = ber._int(request, p_start, p_stop)
    return version, request[c_start:at], request_id


class Agent:
    """A UDP peer that answers each request with what `answer(request)` returns."""

    def __init__(self, answer: Callable[[bytes], list[bytes]]) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.answer = answer
        self.requests = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)
        self._thread.start()

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                data, peer = self.sock.recvfrom(65535)
            except OSError:
                continue
            self.requests += 1
            for reply in self.answer(data):
                self.sock.sendto(reply, peer)

    def close(self) -> None:
        self._stop.set()
        self._thread.join(2)
        self.sock.close()


@pytest.fixture
def loop() -> Iterator[EventLoopThread]:
    thread = EventLoopThread("test-snmp")
    yield thread
    thread.close()


@pytest.fixture(params=["drive", "asyncio"])
def mode(request: pytest.FixtureRequest) -> str:
    """v1/v2c requests run in the calling thread (`EventLoopThread.call`, what the
    exporters do) or as coroutines on the event loop (`EventLoopThread.run`)."""
    return str(request.param)


def get(
    loop: EventLoopThread, agent: Agent, mode: str, seconds: float = 5.0, retries: int = 0
) -> dict:
    settings = SnmpSettings(version="2c", community="praxis", retries=retries)
    session = open_session("127.0.0.1", agent.port, settings, seconds)
    deadline = Deadline.after(seconds)
    try:
        if mode == "drive":
            return loop.call(session, session.get([OID], deadline), deadline)
        return loop.run(session.get([OID], deadline), deadline)
    finally:
        if mode == "drive":
            session.close()
        else:
            loop.loop.call_soon_threadsafe(session.close)


def test_only_the_answer_to_this_request_with_this_community_counts(
    loop: EventLoopThread, mode: str
) -> None:
    def answer(request: bytes) -> list[bytes]:
        return [
            b"\x00garbage",
            b"\x30\x84\xff\xff\xff\xff",
            response(request, b"praxis", request_id_delta=1),  # another request's answer
            response(request, b"praxis"),
        ]

    agent = Agent(answer)
    try:
        assert get(loop, agent, mode) == {OID: 42}
        assert agent.requests == 1
    finally:
        agent.close()


def test_an_answer_with_another_community_is_an_error(loop: EventLoopThread, mode: str) -> None:
    agent = Agent(lambda request: [response(request, b"other")])
    try:
        with pytest.raises(SnmpError, match="community"):
            get(loop, agent, mode)
    finally:
        agent.close()


def test_a_silent_agent_ends_at_the_deadline_after_the_retries(
    loop: EventLoopThread, mode: str
) -> None:
    agent = Agent(lambda request: [])
    try:
        with pytest.raises(SnmpError):
            get(loop, agent, mode, seconds=3.0, retries=2)
        # the deadline was shared out between the attempts: each one was sent
        end = time.monotonic() + 10
        while agent.requests < 3 and time.monotonic() < end:
            time.sleep(0.05)
        assert agent.requests == 3
    finally:
        agent.close()


def test_two_requests_driven_at_once_leave_together_and_match_their_answers(
    loop: EventLoopThread,
) -> None:
    held: list[bytes] = []

    def answer(request: bytes) -> list[bytes]:
        held.append(request)
        if len(held) < 2:
            return []  # hold the first answer back: the second request is already sent
        return [response(held[1], b"praxis"), response(held[0], b"praxis")]

    agent = Agent(answer)
    settings = SnmpSettings(version="2c", community="praxis")
    session = open_session("127.0.0.1", agent.port, settings, 5.0)
    deadline = Deadline.after(5.0)
    try:
        first, second = loop.call_both(
            session, session.get([OID], deadline), session.get([OID], deadline), deadline
        )
        assert first == second == {OID: 42}
        assert session.packets_sent == 2
    finally:
        session.close()
        agent.close()


def test_an_agent_port_without_listener_ends_at_the_deadline(loop: EventLoopThread) -> None:
    agent = Agent(lambda request: [])
    port = agent.port
    agent.close()  # the port answers ICMP port unreachable now
    settings = SnmpSettings(version="2c", community="praxis", retries=1)
    session = open_session("127.0.0.1", port, settings, 1.0)
    deadline = Deadline.after(1.0)
    try:
        with pytest.raises(SnmpError, match="deadline"):
            loop.call(session, session.get([OID], deadline), deadline)
        assert session.packets_sent == 2
    finally:
        session.close()
