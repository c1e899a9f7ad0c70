"""One SNMP agent as a session: GET and column reads bounded by a deadline, whatever the
transport underneath.

`open_session` picks the transport by version: v1/v2c go through `CommunitySession` (our
own BER codec on an asyncio datagram socket, `exporters.core.snmp.ber`), v3 through
pysnmp (`exporters.core.snmp.client`, imported only then: USM keys, engine discovery and
privacy are pysnmp's job). Both share the request logic here: retries paced by the
deadline, splitting on tooBig, v1's noSuchName, GETBULK of table columns.

pysnmp 7 is asyncio-only while the core runs each target in its own thread: one event loop
runs in a background thread per collector (`EventLoopThread`, started only when a v3
target needs it); threads hand it coroutines and wait at most until their deadline.

v1/v2c need no event loop: `EventLoopThread.call`/`call_both` let a `CommunitySession`
drive the same request coroutines in the collector's own thread over a blocking UDP
socket (`CommunitySession.drive`). Handing every request to a loop thread and back cost
more CPU per scrape than encoding and decoding the messages.
"""

from __future__ import annotations

import ipaddress
import logging
import os
import socket
import threading
import time
from collections.abc import Callable, Coroutine, Mapping, Sequence
from typing import TYPE_CHECKING, Any, TypeVar, cast

from exporters.core.deadline import Deadline
from exporters.core.snmp import ber
from exporters.core.snmp.settings import SnmpSettings
from exporters.core.snmp.values import SnmpValue

if TYPE_CHECKING:
    import asyncio

T = TypeVar("T")
U = TypeVar("U")
log = logging.getLogger("exporters.core.snmp")
_TOO_BIG = 1
_NO_SUCH_NAME = 2
_PDUS = {"get": ber.GET, "next": ber.GETNEXT, "bulk": ber.GETBULK}
Answer = tuple[int, int, list[tuple[str, SnmpValue | None]]]


class SnmpError(Exception):
    """The agent did not answer usably (timeout, auth failure, error status)."""


class EventLoopThread:
    """One asyncio loop in a daemon thread, started on first use; `run` executes a
    coroutine with a deadline, `call`/`call_both` a session's requests (in the calling
    thread when the session can do without the loop)."""

    def __init__(self, name: str = "snmp") -> None:
        self.name = name
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._start_lock = threading.Lock()

    @property
    def loop(self) -> asyncio.AbstractEventLoop:
        import asyncio

        with self._start_lock:
            if self._loop is None:
                self._loop = asyncio.new_event_loop()
                self._thread = threading.Thread(
                    target=self._loop.run_forever, name=self.name, daemon=True
                )
                self._thread.start()
            return self._loop

    def call(self, session: SessionBase, coro: Coroutine[Any, Any, T], deadline: Deadline) -> T:
        """One request coroutine of `session`, e.g. `session.get(oids, deadline)`."""
        if isinstance(session, CommunitySession):
            return session.drive([coro], deadline)[0]  # type: ignore[no-any-return]
        return self.run(coro, deadline)

    def call_both(
        self,
        session: SessionBase,
        first: Coroutine[Any, Any, T],
        second: Coroutine[Any, Any, U],
        deadline: Deadline,
    ) -> tuple[T, U]:
        """Two request coroutines of `session` at once (their packets leave together)."""
        if isinstance(session, CommunitySession):
            a, b = session.drive([first, second], deadline)
            return a, b
        return self.run(_gather_two(first, second), deadline)

    def run(self, coro: Coroutine[Any, Any, T], deadline: Deadline) -> T:
        import asyncio

        future = asyncio.run_coroutine_threadsafe(
            asyncio.wait_for(coro, timeout=deadline.remaining()), self.loop
        )
        try:
            return future.result(timeout=deadline.remaining() + 0.05)
        except TimeoutError:
            future.cancel()
            raise SnmpError("no answer before the deadline") from None

    def close(self, cleanup: Callable[[], None] | None = None) -> None:
        """Cancel what is still pending, run `cleanup` on the loop, stop the thread."""

        async def finish() -> None:
            tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            if cleanup is not None:
                cleanup()

        with self._start_lock:
            loop, thread = self._loop, self._thread
        if loop is None or thread is None:  # never started: nothing runs on it
            if cleanup is not None:
                cleanup()
            return
        import asyncio

        try:
            asyncio.run_coroutine_threadsafe(finish(), loop).result(timeout=2)
        except Exception:  # noqa: S110 (closing anyway)
            pass
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=2)
        if not thread.is_alive():
            loop.close()


async def _gather_two(first: Coroutine[Any, Any, T], second: Coroutine[Any, Any, U]) -> tuple[T, U]:
    import asyncio

    a, b = await asyncio.gather(first, second)
    return a, b


def _request_id() -> int:
    """An unpredictable request-id in 1 .. 2**31-1 (a spoofed answer must guess it)."""
    return int.from_bytes(os.urandom(4), "big") % (2**31 - 1) + 1


class _Wait:
    """What a request coroutine awaits under `CommunitySession.drive`: the answer to
    `message` (request-id `request_id`) or `_TIMED_OUT` at `expires` (monotonic)."""

    __slots__ = ("expires", "message", "request_id")

    def __init__(self, request_id: int, message: bytes, expires: float) -> None:
        self.request_id = request_id
        self.message = message
        self.expires = expires

    def __await__(self) -> Any:
        return (yield self)


_TIMED_OUT = object()


class SessionBase:
    """What every transport shares; a subclass implements `_send` (one PDU) and `close`."""

    def __init__(self, host: str, port: int, settings: SnmpSettings, max_wait: float) -> None:
        self.host = host
        self.port = port
        self.settings = settings
        self.max_wait = max(0.1, max_wait)
        self._sent = 0

    @property
    def packets_sent(self) -> int:
        return self._sent

    async def _resolve(self) -> str:
        """The agent's IP address (a host name is looked up once, without blocking the loop)."""
        try:
            ipaddress.ip_address(self.host)
            return self.host
        except ValueError:
            pass
        import asyncio

        try:
            infos = await asyncio.get_running_loop().getaddrinfo(
                self.host, self.port, type=socket.SOCK_DGRAM
            )
        except OSError as exc:
            raise SnmpError(f"cannot resolve {self.host}: {exc.strerror or exc}") from None
        ipv4 = [info[4][0] for info in infos if info[0] == socket.AF_INET]
        return str(ipv4[0] if ipv4 else infos[0][4][0])

    async def _send(self, oids: Sequence[str], kind: str, repetitions: int) -> Answer:
        """One request PDU; returns error-status, error-index and the varbinds."""
        raise NotImplementedError

    def close(self) -> None:
        raise NotImplementedError

    async def _request(
        self, deadline: Deadline, oids: Sequence[str], kind: str = "get", repetitions: int = 0
    ) -> Answer:
        """One request (`get`, `next` or `bulk`) with up to `retries` more attempts.

        The time left until the deadline is shared out between the attempts still allowed,
        so a retry happens even when Prometheus' scrape timeout is short.
        """
        import asyncio

        attempts = self.settings.retries + 1
        for attempt in range(attempts):
            left = deadline.expires_at - time.monotonic()
            if left <= 0:
                break
            try:
                return await asyncio.wait_for(
                    self._send(oids, kind, repetitions), left / (attempts - attempt)
                )
            except TimeoutError:
                continue
        raise SnmpError(f"no answer before the deadline ({attempts} attempt(s))")

    async def get(self, oids: Sequence[str], deadline: Deadline) -> dict[str, SnmpValue]:
        """GET all `oids` in one PDU; split only when the agent says tooBig.

        Missing OIDs are simply absent from the result. SNMP v1 reports a missing OID as
        noSuchName for the whole PDU: that OID is dropped and the rest asked again.
        """
        pending = [list(oids)]
        result: dict[str, SnmpValue] = {}
        while pending:
            batch = pending.pop()
            if not batch:
                continue
            status, index, answer = await self._request(deadline, batch)
            if status == 0:
                result.update({oid: value for oid, value in answer if value is not None})
            elif status == _TOO_BIG and len(batch) > 1:
                half = len(batch) // 2
                pending += [batch[:half], batch[half:]]
            elif status == _NO_SUCH_NAME and 0 < index <= len(batch):
                pending.append(batch[: index - 1] + batch[index:])
            else:
                raise SnmpError(f"agent answered error-status {status} (index {index})")
        return result

    async def bulk_columns(
        self, columns: Mapping[str, int], deadline: Deadline
    ) -> dict[str, SnmpValue]:
        """Read up to `rows` cells of each table column with GETBULK (GETNEXT on v1).

        All columns go into one PDU with max-repetitions = the most rows wanted (capped by
        `max_repetitions`); more requests follow only for rows beyond that cap or if the
        agent's PDU limit cut the answer short. No subtree walk: a column ends at its row
        count or where its OIDs end.
        """
        result: dict[str, SnmpValue] = {}
        cursors = {col: col for col, rows in columns.items() if rows > 0}
        got = dict.fromkeys(cursors, 0)
        for _ in range(sum(columns.values()) + 1):  # every round reads at least one cell
            active = [c for c in cursors if got[c] < columns[c]]
            if not active:
                break
            asked = [cursors[c] for c in active]
            if self.settings.version == "1":
                status, index, answer = await self._request(deadline, asked, "next")
                if status == _NO_SUCH_NAME:  # v1 says "end of MIB view" this way
                    break
            else:
                missing = max(columns[c] - got[c] for c in active)
                repetitions = max(1, min(missing, self.settings.max_repetitions))
                status, index, answer = await self._request(deadline, asked, "bulk", repetitions)
            if status != 0:
                raise SnmpError(f"agent answered error-status {status} (index {index})")
            progressed = False
            for position, (oid, value) in enumerate(answer):
                col = active[position % len(active)]
                if col not in cursors or got[col] >= columns[col]:
                    continue
                if value is None or not oid.startswith(col + "."):
                    del cursors[col]
                    continue
                result[oid] = value
                got[col] += 1
                cursors[col] = oid
                progressed = True
            if not progressed:
                break
        return result


class _Datagrams:
    """Hands each answer to the request waiting for its request-id; drops the rest (late
    answers to an attempt that timed out, garbage, other PDU types).

    An asyncio datagram protocol by its methods, without subclassing: asyncio is imported
    only when a session runs on the event loop."""

    def __init__(self, session: CommunitySession) -> None:
        self.session = session

    def connection_made(self, transport: Any) -> None:
        pass

    def connection_lost(self, exc: Exception | None) -> None:
        pass

    def pause_writing(self) -> None:
        pass

    def resume_writing(self) -> None:
        pass

    def datagram_received(self, data: bytes, addr: Any) -> None:
        try:
            version, community, request_id, status, index, bindings = ber.decode_response(data)
        except ber.BerError as exc:
            log.debug("SNMP answer dropped", extra={"err": str(exc)})
            return
        waiting = self.session._pending.pop(request_id, None)
        if waiting is None or waiting.done():
            return
        if version != self.session._version or community != self.session._community:
            waiting.set_exception(SnmpError("answer with another version or community"))
            return
        waiting.set_result((status, index, bindings))

    def error_received(self, exc: Exception) -> None:
        # ICMP port unreachable (an agent still starting or restarting): the request is
        # lost; its attempt times out and the next one is sent, as with pysnmp
        log.debug("SNMP send failed", extra={"err": str(exc)})


class CommunitySession(SessionBase):
    """SNMP v1/v2c over one connected UDP socket, messages by `exporters.core.snmp.ber`."""

    def __init__(self, host: str, port: int, settings: SnmpSettings, max_wait: float) -> None:
        super().__init__(host, port, settings, max_wait)
        assert settings.community is not None  # by SnmpSettings' validator
        self._community = settings.community.get_secret_value().encode()
        self._version = ber.VERSIONS[settings.version]
        self._transport: asyncio.DatagramTransport | None = None
        self._pending: dict[int, asyncio.Future[Answer]] = {}
        self._sock: socket.socket | None = None
        self._waiting: dict[int, tuple[int, _Wait]] = {}
        self._driver = 0
        """Thread id while `drive` runs the requests (then `_request` awaits `_Wait`)."""
        self._drive_lock = threading.Lock()

    async def _open(self) -> asyncio.DatagramTransport:
        import asyncio

        if self._transport is None or self._transport.is_closing():
            address = await self._resolve()
            family = socket.AF_INET6 if ":" in address else socket.AF_INET
            protocol = cast("Callable[[], asyncio.DatagramProtocol]", lambda: _Datagrams(self))
            transport, _ = await asyncio.get_running_loop().create_datagram_endpoint(
                protocol, remote_addr=(address, self.port), family=family
            )
            self._transport = transport
        return self._transport

    def _message(
        self, oids: Sequence[str], kind: str, repetitions: int, taken: Mapping[int, Any]
    ) -> tuple[int, bytes]:
        """A fresh request-id (not in `taken`) and the encoded request."""
        pdu = _PDUS[kind]
        request_id = _request_id()
        while request_id in taken:
            request_id = _request_id()
        try:
            message = ber.encode_request(
                self.settings.version, self._community, pdu, request_id, oids, repetitions
            )
        except ber.BerError as exc:
            raise SnmpError(str(exc)) from None
        return request_id, message

    async def _request(
        self, deadline: Deadline, oids: Sequence[str], kind: str = "get", repetitions: int = 0
    ) -> Answer:
        if self._driver != threading.get_ident():
            return await super()._request(deadline, oids, kind, repetitions)
        # under `drive`: the same pacing of attempts, the waiting done by `drive`
        attempts = self.settings.retries + 1
        for attempt in range(attempts):
            now = time.monotonic()
            left = deadline.expires_at - now
            if left <= 0:
                break
            request_id, message = self._message(oids, kind, repetitions, self._waiting)
            answer = await _Wait(request_id, message, now + left / (attempts - attempt))
            if answer is not _TIMED_OUT:
                return answer  # type: ignore[no-any-return]
        raise SnmpError(f"no answer before the deadline ({attempts} attempt(s))")

    def drive(self, coros: list[Coroutine[Any, Any, Any]], deadline: Deadline) -> list[Any]:
        """Run request coroutines of this session in the calling thread, their packets
        over one blocking UDP socket; the results in order. Garbage, answers to other
        requests (e.g. late ones to an attempt that timed out) and ICMP errors are
        dropped; an answer with another version or community is an error."""
        if not self._drive_lock.acquire(timeout=max(0.0, deadline.remaining())):
            for coro in coros:
                coro.close()
            raise SnmpError("no answer before the deadline (session busy)")
        self._waiting = {}
        results: list[Any] = [None] * len(coros)
        try:
            self._driver = threading.get_ident()
            sock = self._socket()
            waiting = self._waiting
            for i in range(len(coros)):
                self._step(sock, coros, i, None, results)
            while waiting:
                now = time.monotonic()
                earliest = min(w.expires for _, w in waiting.values())
                if earliest <= now:
                    for request_id, (i, w) in list(waiting.items()):
                        if w.expires <= now:
                            del waiting[request_id]
                            self._step(sock, coros, i, _TIMED_OUT, results)
                    continue
                sock.settimeout(earliest - now)
                try:
                    data = sock.recv(65535)
                except TimeoutError:
                    continue
                except OSError as exc:  # ICMP port unreachable: that attempt is lost
                    log.debug("SNMP receive failed", extra={"err": str(exc)})
                    continue
                try:
                    version, community, request_id, status, index, bindings = ber.decode_response(
                        data
                    )
                except ber.BerError as exc:
                    log.debug("SNMP answer dropped", extra={"err": str(exc)})
                    continue
                entry = waiting.pop(request_id, None)
                if entry is None:
                    continue
                if version != self._version or community != self._community:
                    raise SnmpError("answer with another version or community")
                self._step(sock, coros, entry[0], (status, index, bindings), results)
            return results
        finally:
            self._driver = 0
            self._waiting = {}
            for coro in coros:
                coro.close()  # a no-op for the finished ones
            self._drive_lock.release()

    def _step(
        self,
        sock: socket.socket,
        coros: list[Coroutine[Any, Any, Any]],
        i: int,
        value: Any,
        results: list[Any],
    ) -> None:
        """Resume coroutine `i` with `value`; send the request it then waits for."""
        try:
            wait = coros[i].send(value)
        except StopIteration as stop:
            results[i] = stop.value
            return
        if not isinstance(wait, _Wait):
            raise TypeError(f"a request awaited {wait!r}, not an SNMP answer")
        self._waiting[wait.request_id] = (i, wait)
        try:
            sock.send(wait.message)
        except OSError as exc:  # e.g. ICMP error of an earlier packet: this one is lost
            log.debug("SNMP send failed", extra={"err": str(exc)})
        self._sent += 1

    def _socket(self) -> socket.socket:
        """The connected UDP socket of `drive` (the agent's name looked up once)."""
        if self._sock is None:
            address = self.host
            try:
                ipaddress.ip_address(address)
            except ValueError:
                try:
                    infos = socket.getaddrinfo(self.host, self.port, type=socket.SOCK_DGRAM)
                except OSError as exc:
                    raise SnmpError(f"cannot resolve {self.host}: {exc.strerror or exc}") from None
                ipv4 = [info[4][0] for info in infos if info[0] == socket.AF_INET]
                address = str(ipv4[0] if ipv4 else infos[0][4][0])
            family = socket.AF_INET6 if ":" in address else socket.AF_INET
            sock = socket.socket(family, socket.SOCK_DGRAM)
            try:
                sock.connect((address, self.port))
            except OSError as exc:
                sock.close()
                raise SnmpError(f"cannot reach {address}: {exc.strerror or exc}") from None
            self._sock = sock
        return self._sock

    async def _send(self, oids: Sequence[str], kind: str, repetitions: int) -> Answer:
        transport = await self._open()
        request_id, message = self._message(oids, kind, repetitions, self._pending)
        import asyncio

        waiting: asyncio.Future[Answer] = asyncio.get_running_loop().create_future()
        self._pending[request_id] = waiting
        try:
            transport.sendto(message)
            self._sent += 1
            return await waiting
        finally:
            self._pending.pop(request_id, None)

    def close(self) -> None:
        if self._transport is not None:
            self._transport.close()
            self._transport = None
        if self._sock is not None:
            self._sock.close()
            self._sock = None


def open_session(host: str, port: int, settings: SnmpSettings, max_wait: float) -> SessionBase:
    """v1/v2c: our own BER over UDP; v3: pysnmp (imported here, only when a target uses it)."""
    if settings.version in ber.VERSIONS:
        return CommunitySession(host, port, settings, max_wait)
    from exporters.core.snmp.client import SnmpSession

    return SnmpSession(host, port, settings, max_wait)
