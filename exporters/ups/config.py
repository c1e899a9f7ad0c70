"""Config schema of the UPS exporter: where each UPS is and how to speak SNMP to it."""

from __future__ import annotations

from typing import Literal

from pydantic import field_validator

from exporters.core import Duration, ExporterConfig, TargetBase
from exporters.core.snmp.settings import SnmpSettings

MibChoice = Literal["auto", "rfc1628", "apc", "eaton-xups"]


class UpsTarget(TargetBase):
    """One UPS network card."""

    address: str
    snmp: SnmpSettings
    mib: MibChoice = "auto"
    shutdown_margin: Duration = 300.0
    """Run time the servers on this UPS need to shut down cleanly; exported for the alert."""

    @field_validator("address")
    @classmethod
    def _host_port(cls, value: str) -> str:
        host, sep, port = value.rpartition(":")
        if not sep or (":" in host and not host.endswith("]")):
            return value  # no port, or a bare IPv6 address
        if not host or not port.isdigit() or not 0 < int(port) < 65536:
            raise ValueError("address must be host or host:port with a port 1-65535")
        return value

    def host_port(self) -> tuple[str, int]:
        host, sep, port = self.address.rpartition(":")
        if not sep or not port.isdigit() or (":" in host and not host.endswith("]")):
            return self.address.strip("[]"), 161  # no port, or a bare IPv6 address
        return host.strip("[]"), int(port)


class UpsConfig(ExporterConfig):
    targets: dict[str, UpsTarget] = {}  # type: ignore[assignment]
