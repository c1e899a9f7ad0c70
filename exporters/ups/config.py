"""Config schema of the UPS exporter: where each UPS is and which protocol reads it.

A target has exactly one source: `snmp:` (a network card, with `address:` beside it),
`nut:` (a NUT `upsd`, e.g. with a USB UPS) or `apcupsd:` (apcupsd's Network Information
Server). The shutdown-chain keys (`shutdown_margin`, `shutdown_seconds_needed`,
`expected_shutdown_clients`) are the same for every source.
"""

from __future__ import annotations

import ipaddress
import re
from typing import ClassVar, Literal

from exporters.core import ConfigModel, Duration, ExporterConfig, TargetBase
from exporters.core.hostport import check_host_port, host_port
from exporters.core.model import Field, SecretStr, field_validator, model_validator
from exporters.core.snmp.settings import SnmpSettings

MibChoice = Literal["auto", "rfc1628", "apc", "eaton-xups"]
SNMP_PORT = 161
NUT_PORT = 3493
APCUPSD_PORT = 3551
_NUT_NAME = re.compile(r"^[A-Za-z0-9_.:-]{1,64}$")
_NUT_TOKEN = re.compile(r"^[^\s\"\\]{1,128}$")


class NutSettings(ConfigModel):
    """A NUT `upsd` and the UPS name it serves (as in `upsc <ups>@<address>`)."""

    address: str
    ups: str
    username: str | None = None
    password: SecretStr | None = None
    tls: Literal["none", "starttls"] = "none"
    ca_file: str | None = None

    secret_fields: ClassVar[tuple[str, ...]] = ("password",)
    path_fields: ClassVar[tuple[str, ...]] = ("ca_file",)

    @field_validator("address")
    @classmethod
    def _address(cls, value: str) -> str:
        return check_host_port(value)

    @field_validator("ups")
    @classmethod
    def _ups_name(cls, value: str) -> str:
        if not _NUT_NAME.match(value):
            raise ValueError("ups must be a NUT UPS name (letters, digits, _ . : -)")
        return value

    @model_validator(mode="after")
    def _credentials(self) -> NutSettings:
        if (self.username is None) != (self.password is None):
            raise ValueError("give both username and password (or password_file), or neither")
        if self.username is not None and not _NUT_TOKEN.match(self.username):
            raise ValueError("username must not contain spaces, quotes or backslashes")
        if self.password is not None and not _NUT_TOKEN.match(self.password.get_secret_value()):
            raise ValueError("password must not contain spaces, quotes or backslashes")
        if self.ca_file is not None and self.tls != "starttls":
            raise ValueError("ca_file needs tls: starttls")
        return self

    def host_port(self) -> tuple[str, int]:
        return host_port(self.address, NUT_PORT)


class ApcupsdSettings(ConfigModel):
    """apcupsd's Network Information Server (`NETSERVER on`, `NISPORT`)."""

    address: str

    @field_validator("address")
    @classmethod
    def _address(cls, value: str) -> str:
        return check_host_port(value)

    def host_port(self) -> tuple[str, int]:
        return host_port(self.address, APCUPSD_PORT)


class UpsTarget(TargetBase):
    """One UPS: an SNMP card, a UPS behind NUT's upsd, or one behind apcupsd."""

    address: str | None = None
    """SNMP only: the network card (`host[:161]`)."""
    snmp: SnmpSettings | None = None
    nut: NutSettings | None = None
    apcupsd: ApcupsdSettings | None = None
    mib: MibChoice = "auto"
    shutdown_margin: Duration = 300.0
    """Reserve of run time on top of `shutdown_seconds_needed` (alone: what the servers need)."""
    shutdown_seconds_needed: Duration | None = None
    """How long the servers on this UPS need to shut down cleanly."""
    expected_shutdown_clients: list[str] = Field(default_factory=list, max_length=64)
    """NUT only: hosts (addresses or names) whose upsmon must be attached to this UPS."""

    @field_validator("address")
    @classmethod
    def _host_port(cls, value: str | None) -> str | None:
        return None if value is None else check_host_port(value)

    @field_validator("shutdown_margin", "shutdown_seconds_needed")
    @classmethod
    def _not_negative(cls, value: float | None) -> float | None:
        if value is not None and not 0 <= value <= 86400:
            raise ValueError("must be between 0s and 24h")
        return value

    @field_validator("expected_shutdown_clients")
    @classmethod
    def _clients(cls, value: list[str]) -> list[str]:
        for entry in value:
            if not entry or len(entry) > 253 or any(c.isspace() for c in entry):
                raise ValueError("each entry must be a host name or address without spaces")
        if len(set(value)) != len(value):
            raise ValueError("an entry is listed twice")
        return value

    @model_validator(mode="after")
    def _one_source(self) -> UpsTarget:
        given = [k for k in ("snmp", "nut", "apcupsd") if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError("give exactly one of snmp (with address), nut or apcupsd")
        if self.snmp is not None and self.address is None:
            raise ValueError("snmp needs address (the network card's host[:port])")
        if self.snmp is None and self.address is not None:
            raise ValueError(f"address belongs to snmp targets; {given[0]} has its own address")
        if self.snmp is None and self.mib != "auto":
            raise ValueError("mib is for snmp targets only")
        if self.expected_shutdown_clients and self.nut is None:
            raise ValueError(
                "expected_shutdown_clients needs a nut target (only upsd lists its clients)"
            )
        return self

    @property
    def source(self) -> str:
        """`snmp`, `nut` or `apcupsd`."""
        return "nut" if self.nut else "apcupsd" if self.apcupsd else "snmp"

    def host_port(self) -> tuple[str, int]:
        """SNMP card's (host, port)."""
        return host_port(self.address or "", SNMP_PORT)


def is_address(text: str) -> bool:
    """True for an IPv4/IPv6 literal (no name resolution needed)."""
    try:
        ipaddress.ip_address(text.strip("[]"))
    except ValueError:
        return False
    return True


class UpsConfig(ExporterConfig[UpsTarget]):
    """The UPS exporter's config: targets are `UpsTarget`s."""
