"""SNMP credentials and tuning, the same config keys for every exporter that speaks SNMP."""

from __future__ import annotations

from typing import ClassVar, Literal

from exporters.core.config import ConfigModel
from exporters.core.hostport import host_port
from exporters.core.model import Field, SecretStr, field_validator, model_validator

AuthProtocol = Literal["MD5", "SHA", "SHA-224", "SHA-256", "SHA-384", "SHA-512"]
PrivProtocol = Literal["DES", "AES", "AES-192", "AES-256"]


class SnmpSettings(ConfigModel):
    """SNMP credentials; v1/v2c use `community`, v3 the USM keys."""

    version: Literal["1", "2c", "3"] = "2c"
    community: SecretStr | None = None
    username: str | None = None
    security_level: Literal["noAuthNoPriv", "authNoPriv", "authPriv"] = "authPriv"
    auth_protocol: AuthProtocol = "SHA"
    auth_password: SecretStr | None = None
    priv_protocol: PrivProtocol = "AES"
    priv_password: SecretStr | None = None
    context_name: str = ""
    retries: int = Field(default=1, ge=0, le=5)
    max_repetitions: int = Field(default=8, ge=1, le=64)

    secret_fields: ClassVar[tuple[str, ...]] = ("community", "auth_password", "priv_password")

    @field_validator("version", mode="before")
    @classmethod
    def _version_as_text(cls, value: object) -> object:
        # YAML reads `version: 1` and `version: 3` as integers.
        return str(value) if isinstance(value, int) else value

    @model_validator(mode="after")
    def _credentials_fit_version(self) -> SnmpSettings:
        if self.version in ("1", "2c"):
            if self.community is None:
                raise ValueError(f"SNMP v{self.version} needs community (or community_file)")
            return self
        if not self.username:
            raise ValueError("SNMP v3 needs username")
        if self.security_level != "noAuthNoPriv" and self.auth_password is None:
            raise ValueError(f"security_level {self.security_level} needs auth_password")
        if self.security_level == "authPriv" and self.priv_password is None:
            raise ValueError("security_level authPriv needs priv_password")
        for key in ("auth_password", "priv_password"):
            secret = getattr(self, key)
            if secret is not None and len(secret.get_secret_value()) < 8:
                raise ValueError(f"{key} must be at least 8 characters (RFC 3414)")
        return self


def split_address(address: str, default_port: int = 161) -> tuple[str, int]:
    """An SNMP agent's address -> (host, port), by the one parser (`core.hostport`)."""
    return host_port(address, default_port)
