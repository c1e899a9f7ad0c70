"""Config schema of the firewall exporter: how to reach each firewall (SNMP and/or REST)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any, ClassVar, Literal
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from exporters.core import ConfigModel, Duration, ExporterConfig, TargetBase
from exporters.core.model import Field, SecretStr, ValidationInfo, field_validator, model_validator
from exporters.core.snmp.settings import SnmpSettings, split_address

Vendor = Literal["auto", "fortigate", "sophos", "opnsense", "watchguard", "lancom"]
SNMP_VENDORS = ("fortigate", "sophos", "watchguard", "lancom")
MAX_RESPONSE_LIMIT = 64 * 1024 * 1024
DEFAULT_STATE_FILE = "firewall-state.json"


class ApiSettings(ConfigModel):
    """A firewall's REST API (FortiGate: token; OPNsense: key and secret), HTTPS only."""

    url: str
    token: SecretStr | None = None
    key: SecretStr | None = None
    secret: SecretStr | None = None
    ca_file: str | None = None
    insecure_skip_verify: bool = False
    max_response_bytes: int = Field(default=1024 * 1024, ge=1024, le=MAX_RESPONSE_LIMIT)
    vdom: str | None = None

    secret_fields: ClassVar[tuple[str, ...]] = ("token", "key", "secret")
    path_fields: ClassVar[tuple[str, ...]] = ("ca_file",)

    @field_validator("url")
    @classmethod
    def _https(cls, value: str) -> str:
        parts = urlsplit(value)
        if parts.scheme not in ("https", "http") or not parts.hostname:
            raise ValueError("url must be https://host[:port]")
        if parts.username or parts.password or parts.query or parts.fragment:
            raise ValueError("url must not carry credentials, a query or a fragment")
        return value.rstrip("/")


class FirewallTarget(TargetBase):
    """One firewall."""

    vendor: Vendor = "auto"
    address: str | None = None
    snmp: SnmpSettings | None = None
    api: ApiSettings | None = None
    timezone: str = "UTC"
    """The firewall's time zone, for dates it writes without one (FortiGate, OPNsense)."""
    expected_firmware: str | None = None
    licence_warning: Duration = 30 * 86400.0
    vpn_tunnels: list[str] = []
    wan_links: list[str] = []

    @field_validator("address")
    @classmethod
    def _address(cls, value: str | None) -> str | None:
        if value is not None:
            split_address(value)
        return value

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r}") from None
        return value

    @model_validator(mode="after")
    def _sources(self) -> FirewallTarget:
        if self.vendor == "lancom":
            raise ValueError(
                "vendor lancom is not implemented yet: its licence table could not be "
                "verified from the LCOS-MIB (see docs/exporters/firewall.md)"
            )
        if self.snmp is not None and self.address is None:
            raise ValueError("snmp needs address (host or host:port)")
        if self.vendor == "opnsense":
            if self.api is None or self.api.key is None or self.api.secret is None:
                raise ValueError("vendor opnsense needs api with url, key and secret")
        elif self.vendor == "fortigate":
            if self.snmp is None and self.api is None:
                raise ValueError("vendor fortigate needs snmp, api or both")
            if self.api is not None and self.api.token is None:
                raise ValueError("the FortiGate api needs token (or token_file)")
        elif self.snmp is None:
            raise ValueError(f"vendor {self.vendor} needs snmp (and address)")
        if self.vendor == "auto" and self.api is not None:
            raise ValueError("api needs an explicit vendor (fortigate or opnsense)")
        return self

    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


class FirewallConfig(ExporterConfig[FirewallTarget]):
    state_file: str | None = None
    """Where first sightings of signature versions are kept (relative to the config file;
    default `firewall-state.json` beside it; `null` keeps them in memory only)."""

    path_fields: ClassVar[tuple[str, ...]] = ("state_file",)

    @model_validator(mode="before")
    @classmethod
    def _default_state_file(cls, data: Any, info: ValidationInfo) -> Any:
        """The default lies beside the config file, not in the working directory."""
        if isinstance(data, Mapping) and "state_file" not in data:
            context = info.context if isinstance(info.context, Mapping) else {}
            base = context.get("base_dir")
            if base:
                return {**data, "state_file": str(Path(base) / DEFAULT_STATE_FILE)}
        return data
