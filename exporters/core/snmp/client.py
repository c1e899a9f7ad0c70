"""SNMPv3 through pysnmp 7: the transport of `exporters.core.snmp.session` for v3 targets.

Imported only when a target uses v3 (`session.open_session`); v1/v2c need no pysnmp. No
MIB files are loaded (OIDs are sent as numbers), which keeps memory and start-up small.
Each target gets its own SnmpEngine, so v3 engine discovery is cached per agent and sent
packets can be counted.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any

from pyasn1.type import univ
from pysnmp.carrier.asyncio.dgram import udp, udp6
from pysnmp.entity import config
from pysnmp.entity.engine import SnmpEngine
from pysnmp.entity.rfc3413 import cmdgen
from pysnmp.proto import rfc1902, rfc1905

from exporters.core.snmp.session import EventLoopThread, SessionBase, SnmpError
from exporters.core.snmp.settings import SnmpSettings
from exporters.core.snmp.values import Oid, SnmpValue

__all__ = ["EventLoopThread", "SnmpError", "SnmpSession", "configure_engine", "decode"]

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


class SnmpSession(SessionBase):
    """One v3 agent: its engine, credentials and a count of packets sent to it."""

    def __init__(self, host: str, port: int, settings: SnmpSettings, max_wait: float) -> None:
        super().__init__(host, port, settings, max_wait)
        self.engine = SnmpEngine()
        self._addr_name: str | None = None

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

    def _count_packets(self) -> None:
        dispatcher = self.engine.transport_dispatcher
        original = dispatcher.send_message

        def counting_send(*args: Any, **kwargs: Any) -> Any:
            self._sent += 1
            return original(*args, **kwargs)

        dispatcher.send_message = counting_send

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

    def close(self) -> None:
        if self._addr_name is not None:
            self.engine.close_dispatcher()
