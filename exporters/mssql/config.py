"""Configuration of the SQL Server exporter: one target per instance."""

from __future__ import annotations

import fnmatch
import re
from typing import ClassVar

from exporters.core import ConfigModel, Duration, ExporterConfig, TargetBase
from exporters.core.model import Field, SecretStr, field_validator, model_validator

# host, host,port or host\INSTANCE (an instance name is resolved by the SQL Browser service)
_SERVER = re.compile(r"^[A-Za-z0-9_.:\[\]-]+(,[0-9]{1,5}|\\[A-Za-z0-9_$#-]{1,16})?$")
DEFAULT_KEY = "*"


class DatabaseSelection(ConfigModel):
    """Which databases get per-database series; shell patterns, matched case-insensitively."""

    include: list[str] = ["*"]
    exclude: list[str] = []

    def selects(self, database: str) -> bool:
        name = database.lower()
        included = any(fnmatch.fnmatchcase(name, p.lower()) for p in self.include)
        return included and not any(fnmatch.fnmatchcase(name, p.lower()) for p in self.exclude)


class MssqlTarget(TargetBase):
    """One SQL Server instance."""

    server: str
    driver: str | None = None
    """ODBC driver name; default: the best one unixODBC/Windows has installed."""
    user: str | None = None
    password: SecretStr | None = None
    integrated_auth: bool = False
    """Windows integrated authentication (Kerberos with FreeTDS) instead of a SQL login."""
    encrypt: bool = True
    trust_server_certificate: bool = False
    databases: DatabaseSelection = DatabaseSelection()
    expected_compatibility_level: int | dict[str, int] | None = None
    """The level the PVS vendor requires: one number, or per database with `"*"` as default."""
    full_backup_max_age: Duration = 26 * 3600.0
    """Age after which the last full backup counts as too old (exported for the alert)."""
    wait_types_top: int = Field(default=20, ge=1, le=100)
    """How many wait types (largest total wait time) are exported."""

    secret_fields: ClassVar[tuple[str, ...]] = ("password",)

    @field_validator("server")
    @classmethod
    def _check_server(cls, value: str) -> str:
        if not _SERVER.match(value):
            raise ValueError(r"server must be host, host,port or host\INSTANCE")
        if "," in value and not 0 < int(value.rsplit(",", 1)[1]) < 65536:
            raise ValueError("server port must be between 1 and 65535")
        return value

    @field_validator("expected_compatibility_level")
    @classmethod
    def _check_levels(cls, value: int | dict[str, int] | None) -> int | dict[str, int] | None:
        levels = value.values() if isinstance(value, dict) else [value] if value else []
        for level in levels:
            if not 80 <= level <= 200 or level % 10:
                raise ValueError(f"compatibility level {level} is not one like 110, 150, 160")
        return value

    @model_validator(mode="after")
    def _check_auth(self) -> MssqlTarget:
        if self.integrated_auth and (self.user or self.password):
            raise ValueError("give either integrated_auth or user/password, not both")
        if not self.integrated_auth and not self.user:
            raise ValueError("user (and password) are required unless integrated_auth is true")
        return self

    def expected_level(self, database: str) -> int | None:
        """The configured level for `database`, falling back to the `"*"` default."""
        value = self.expected_compatibility_level
        if isinstance(value, dict):
            lowered = {k.lower(): v for k, v in value.items()}
            return lowered.get(database.lower(), lowered.get(DEFAULT_KEY))
        return value


class MssqlConfig(ExporterConfig[MssqlTarget]):
    """The SQL Server exporter's config: targets are `MssqlTarget`s."""
