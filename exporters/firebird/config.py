"""Configuration of the Firebird exporter: one target per database."""

from __future__ import annotations

from typing import ClassVar, Literal

from exporters.core import Duration, ExporterConfig, TargetBase
from exporters.core.model import SecretStr, field_validator


class FirebirdTarget(TargetBase):
    """One database, reached through libfbclient."""

    dsn: str
    """`host[/port]:path-or-alias` (as isql-fb takes it)."""
    user: str = "SYSDBA"
    password: SecretStr
    role: str | None = None
    """E.g. `RDB$ADMIN`: needed on Firebird 3+ to see other users' attachments in MON$."""
    driver: Literal["firebird-driver", "fdb"] = "firebird-driver"
    """firebird-driver for Firebird 3-5; fdb (legacy) for Firebird 2.5 servers and clients."""
    log_file: str | None = None
    """firebird.log of this server, when the exporter runs on the database server."""
    monitoring_min_interval: Duration = 0.0
    """MON$ snapshots cost the server work per attachment: reuse the last one for this long."""

    secret_fields: ClassVar[tuple[str, ...]] = ("password",)
    path_fields: ClassVar[tuple[str, ...]] = ("log_file",)

    @field_validator("dsn")
    @classmethod
    def _dsn_not_empty(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("dsn must not be empty")
        return value.strip()

    @field_validator("monitoring_min_interval")
    @classmethod
    def _not_negative(cls, value: float) -> float:
        if value < 0:
            raise ValueError("monitoring_min_interval must not be negative")
        return value


class FirebirdConfig(ExporterConfig[FirebirdTarget]):
    """Top level; `connect_timeout` bounds libfbclient's connect (process-wide)."""

    connect_timeout: Duration = 5.0
    """Written as `ConnectionTimeout` (whole seconds, at least 1) into the firebird.conf the
    exporter gives libfbclient at start; a reload does not change it."""
    client_library: str | None = None
    """Path of the libfbclient (fbclient.dll) to load instead of the system's; process-wide,
    read at the first connect (a reload does not change it)."""
    path_fields: ClassVar[tuple[str, ...]] = ("client_library",)

    @field_validator("connect_timeout")
    @classmethod
    def _positive(cls, value: float) -> float:
        if value <= 0:
            raise ValueError("connect_timeout must be greater than 0")
        return value
