"""Thin SNMP I/O on pysnmp 7: GET and GETBULK with raw OIDs, bounded by a deadline.

pysnmp 7 is asyncio-only while the core runs each target in its own thread. One event
loop runs in a background thread per collector; threads hand it coroutines with
`run_coroutine_threadsafe` and wait at most until their deadline. No MIB files are loaded
(OIDs are sent as numbers), which keeps memory and start-up small. Each target gets its own
SnmpEngine, so v3 engine discovery is cached per agent and sent packets can be counted.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
import threading
import time
from collections.abc import Callable, Coroutine, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from pyasn1.type import univ
from pysnmp.carrier.asyncio.dgram import udp, udp6
from pysnmp.entity import config
from pysnmp.entity.engine import SnmpEngine
from pysnmp.entity.rfc3413 import cmdgen
from pysnmp.proto import rfc1902, rfc1905

from exporters.core.deadline import Deadline
from exporters.core.snmp.settings import SnmpSettings
from exporters.core.snmp.values import Oid, SnmpValue

T = TypeVar("T")

_AUTH = {
    "MD5": config.USM_AUTH_HMAC96_MD5,
    "SHA": config.USM_AUTH_HMAC96_SHA,
    "SHA-224": config.USM_AUTH_HMAC128_SHA224,
    "SHA-256": config.USM_AUTH_HMAC192_SHA256,
    "SHA-384": config.USM_AUTH_HMAC256_SHA384,
    "SHA-512": config.USM_AUTH_HMAC384_SHA512,
}
_PRIV = {
    "DES": config.USM_PRIV_CBC56_DES,
    "AES": config.USM_PRIV_CFB128_AES,
    "AES-192": config.USM_PRIV_CFB192_AES,
    "AES-256": config.USM_PRIV_CFB256_AES,
}
_SECURITY_NAME = "praxis"
_TOO_BIG = 1
_NO_SUCH_NAME = 2


class SnmpError(Exception):
    """The agent did not answer usably (timeout, auth failure, error status)."""


def decode(value: Any) -> SnmpValue | None:
    """pysnmp value -> plain Python; None for NoSuchObject/Instance, EndOfMibView, Null."""
    if isinstance(value, rfc1905.NoSuchObject | rfc1905.NoSuchInstance | rfc1905.EndOfMibView):
        return None
    if isinstance(value, univ.Null):
        return None
    if isinstance(value, univ.ObjectIdentifier):
        return Oid(str(value))
    if isinstance(value, univ.Integer):
        return int(value)
    if isinstance(value, univ.OctetString):
        return bytes(value.asOctets())
    return None


def configure_engine(
    engine: SnmpEngine, host: str, port: int, settings: SnmpSettings, max_wait: float
) -> str:
    """Register credentials, transport and target on `engine`; returns the target name.

    Uses pysnmp's low-level config API: the high-level API would pull in the MIB compiler
    (several MiB of memory) and keys its target cache by timeout.
    """
    if settings.version in ("1", "2c"):
        assert settings.community is not None
        config.add_v1_system(
            engine, "praxis", settings.community.get_secret_value(), securityName=_SECURITY_NAME
        )
        level = "noAuthNoPriv"
        mp_model = 0 if settings.version == "1" else 1
    else:
        level = settings.security_level
        auth_key = settings.auth_password.get_secret_value() if settings.auth_password else None
        priv_key = settings.priv_password.get_secret_value() if settings.priv_password else None
        with_auth = level != "noAuthNoPriv"
        with_priv = level == "authPriv"
        config.add_v3_user(
            engine,
            settings.username,
            _AUTH[settings.auth_protocol] if with_auth else config.USM_AUTH_NONE,
            auth_key if with_auth else None,
            _PRIV[settings.priv_protocol] if with_priv else config.USM_PRIV_NONE,
            priv_key if with_priv else None,
        )
        mp_model = 3
    security_name = _SECURITY_NAME if mp_model < 3 else settings.username
    config.add_target_parameters(engine, "praxis-params", security_name, level, mp_model)
    if ":" in host:  # IPv6 literal
        domain, transport = udp6.DOMAIN_NAME, udp6.Udp6AsyncioTransport()
    else:
        domain, transport = udp.DOMAIN_NAME, udp.UdpAsyncioTransport()
    config.add_transport(engine, domain, transport.open_client_mode())
    config.add_target_address(
        engine,
        "praxis-target",
        domain,
        (host, port),
        "praxis-params",
        timeout=max_wait * 100,  # hundredths of a second; retries are paced by the caller
        retryCount=0,
    )
    return "praxis-target"


class EventLoopThread:
    """One asyncio loop in a daemon thread; `run` executes a coroutine with a deadline."""

    def __init__(self, name: str = "snmp") -> None:
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, name=name, daemon=True)
        self._thread.start()

    def run(self, coro: Coroutine[Any, Any, T], deadline: Deadline) -> T:
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

        try:
            asyncio.run_coroutine_threadsafe(finish(), self.loop).result(timeout=2)
        except Exception:  # noqa: S110 (closing anyway)
            pass
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(timeout=2)
        if not self._thread.is_alive():
            self.loop.close()


@dataclass
class _Counter:
    sent: int = 0


class SnmpSession:
    """One agent: its engine, credentials and a count of packets sent to it."""

    def __init__(self, host: str, port: int, settings: SnmpSettings, max_wait: float) -> None:
        self.host = host
        self.port = port
        self.settings = settings
        self.max_wait = max(0.1, max_wait)
        self.engine = SnmpEngine()
        self._counter = _Counter()
        self._addr_name: str | None = None

    @property
    def packets_sent(self) -> int:
        return self._counter.sent

    async def _configure(self) -> str:
        # Configured once, inside the loop (the transport binds to it). pysnmp's own
        # timeout is only a backstop (`max_wait`); `_request` paces attempts by deadline.
        if self._addr_name is None:
            address = await self._resolve()
            self._addr_name = configure_engine(
                self.engine, address, self.port, self.settings, self.max_wait
            )
            self._count_packets()
        return self._addr_name

    async def _resolve(self) -> str:
        """The agent's IP address (a host name is looked up once, without blocking the loop)."""
        try:
            ipaddress.ip_address(self.host)
            return self.host
        except ValueError:
            pass
        try:
            infos = await asyncio.get_running_loop().getaddrinfo(
                self.host, self.port, type=socket.SOCK_DGRAM
            )
        except OSError as exc:
            raise SnmpError(f"cannot resolve {self.host}: {exc.strerror or exc}") from None
        ipv4 = [info[4][0] for info in infos if info[0] == socket.AF_INET]
        return str(ipv4[0] if ipv4 else infos[0][4][0])

    def _count_packets(self) -> None:
        dispatcher = self.engine.transport_dispatcher
        original = dispatcher.send_message
        counter = self._counter

        def counting_send(*args: Any, **kwargs: Any) -> Any:
            counter.sent += 1
            return original(*args, **kwargs)

        dispatcher.send_message = counting_send

    async def _request(
        self, deadline: Deadline, oids: Sequence[str], kind: str = "get", repetitions: int = 0
    ) -> tuple[int, int, list[tuple[str, SnmpValue | None]]]:
        """One request (`get`, `next` or `bulk`) with up to `retries` more attempts.

        The time left until the deadline is shared out between the attempts still allowed,
        so a retry happens even when Prometheus' scrape timeout is short.
        """
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

    async def _send(
        self, oids: Sequence[str], kind: str, repetitions: int
    ) -> tuple[int, int, list[tuple[str, SnmpValue | None]]]:
        """One request PDU; returns error-status, error-index and the varbinds."""
        addr_name = await self._configure()
        future: asyncio.Future[tuple[Any, int, int, Any]] = (
            asyncio.get_running_loop().create_future()
        )

        def done(
            engine: Any, handle: Any, error: Any, status: Any, index: Any, varbinds: Any, _: Any
        ) -> None:
            if not future.done():
                future.set_result((error, int(status), int(index), varbinds))

        varbinds = [(rfc1902.ObjectName(oid), univ.Null("")) for oid in oids]
        context = rfc1902.OctetString(self.settings.context_name)
        if kind == "bulk":
            cmdgen.BulkCommandGenerator().send_varbinds(
                self.engine, addr_name, None, context, 0, repetitions, varbinds, done, None
            )
        else:
            generator = (
                cmdgen.NextCommandGenerator if kind == "next" else cmdgen.GetCommandGenerator
            )
            generator().send_varbinds(self.engine, addr_name, None, context, varbinds, done, None)
        error, status, index, answer = await future
        if error:
            raise SnmpError(str(error))
        return status, index, [(str(oid), decode(value)) for oid, value in answer]

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

    def close(self) -> None:
        if self._addr_name is not None:
            self.engine.close_dispatcher()
