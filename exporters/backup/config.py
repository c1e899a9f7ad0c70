"""Config schema of the backup exporter: one target per backup job, `type` picks the kind."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, ClassVar, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from exporters.backup.schedule import WEEKDAYS, Schedule, Weekday, parse_at
from exporters.core import ConfigModel, Duration, ExporterConfig, TargetBase, redaction
from exporters.core.model import Field, SecretStr, field_validator

DEFAULT_MAX_AGE = 26 * 3600.0
_ENV_NAME = re.compile(r"^[A-Z_][A-Z0-9_]*$")


class BackupTarget(TargetBase):
    """Keys shared by every kind of backup target."""

    max_age: Duration = DEFAULT_MAX_AGE
    """Age after which the last success counts as too old (exported for the alert rule)."""


class FilesTarget(BackupTarget):
    type: Literal["files"]
    path: str
    """Glob; `**` matches any number of directories. Relative paths: config file's dir."""
    min_size_bytes: int = Field(default=1, ge=0)
    path_fields: ClassVar[tuple[str, ...]] = ("path",)


class GbakLogTarget(BackupTarget):
    type: Literal["gbak_log"]
    path: str
    """The log written by `gbak -b -v -y <path>`."""
    path_fields: ClassVar[tuple[str, ...]] = ("path",)


class _RepositoryTarget(BackupTarget):
    repository: str
    binary: str | None = None
    env: dict[str, str] = {}
    """Extra environment for remote backends (e.g. AWS_ACCESS_KEY_ID); values are secrets."""
    refresh_interval: Duration = 300.0
    """How long listing results (snapshots, sizes, locks) are cached."""
    check_interval: Duration | None = None
    """Run the repository check at most this often (off when unset)."""
    stale_lock_after: Duration = 3600.0
    """A lock older than this counts as stale."""
    cache_dir: str | None = None
    path_fields: ClassVar[tuple[str, ...]] = ("cache_dir",)

    @field_validator("env")
    @classmethod
    def _env_names(cls, value: dict[str, str]) -> dict[str, str]:
        for key, item in value.items():
            if not _ENV_NAME.match(key):
                raise ValueError(f"env: {key!r} is not an environment variable name")
            redaction.register(item)
        return value


class ResticTarget(_RepositoryTarget):
    type: Literal["restic"]
    password: SecretStr
    host: str | None = None
    paths: list[str] = []
    tags: list[str] = []
    secret_fields: ClassVar[tuple[str, ...]] = ("password",)


class BorgTarget(_RepositoryTarget):
    type: Literal["borg"]
    passphrase: SecretStr | None = None
    archive_prefix: str | None = None
    """Only archives whose name starts with this (borg `--prefix`)."""
    secret_fields: ClassVar[tuple[str, ...]] = ("passphrase",)


class VeeamTarget(BackupTarget):
    type: Literal["veeam"]
    url: str
    username: str
    password: SecretStr
    ca_file: str | None = None
    insecure_skip_verify: bool = False
    api_version: str = "1.1-rev0"
    jobs: list[str] = []
    """Only these job names (all jobs when empty)."""
    refresh_interval: Duration = 60.0
    secret_fields: ClassVar[tuple[str, ...]] = ("password",)
    path_fields: ClassVar[tuple[str, ...]] = ("ca_file",)

    @field_validator("url")
    @classmethod
    def _https(cls, value: str) -> str:
        if not value.startswith("https://"):
            raise ValueError("url must start with https:// (credentials never go in clear)")
        return value.rstrip("/")


class PushSchedule(ConfigModel):
    """When the job should start: `at` (HH:MM) on `weekdays`, local time of `timezone`."""

    at: str
    weekdays: list[Weekday] = Field(default_factory=lambda: list(WEEKDAYS))
    timezone: str = "Europe/Berlin"
    grace: Duration = 1800.0
    """How late the start (or, without start signals, the result) may come."""

    @field_validator("at")
    @classmethod
    def _time_of_day(cls, value: str) -> str:
        parse_at(value)
        return value

    @field_validator("weekdays")
    @classmethod
    def _some_day(cls, value: list[str]) -> list[str]:
        if not value:
            raise ValueError("weekdays must name at least one day")
        return value

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r} (e.g. Europe/Berlin)") from None
        return value

    @field_validator("grace")
    @classmethod
    def _grace_positive(cls, value: float) -> float:
        if not 0 < value < 86400:
            raise ValueError("grace must be more than 0 and less than a day")
        return value

    def plan(self) -> Schedule:
        return Schedule(
            parse_at(self.at),
            frozenset(WEEKDAYS.index(day) for day in self.weekdays),
            ZoneInfo(self.timezone),
        )


class PushTarget(BackupTarget):
    type: Literal["push"]
    token: SecretStr
    """Bearer token the job must send; give it as `token_file:`."""
    max_duration: Duration | None = None
    """A run started with `POST /push/<target>/start` and not finished after this hangs."""
    schedule: PushSchedule | None = None
    """When the job should start, so that a missed start alerts on the night itself."""
    secret_fields: ClassVar[tuple[str, ...]] = ("token",)

    @field_validator("max_duration")
    @classmethod
    def _duration_positive(cls, value: float | None) -> float | None:
        if value is not None and value <= 0:
            raise ValueError("max_duration must be greater than 0")
        return value

    @field_validator("token")
    @classmethod
    def _long_enough(cls, value: SecretStr) -> SecretStr:
        if len(value.get_secret_value()) < 16:
            raise ValueError("token must be at least 16 characters")
        return value


AnyTarget = Annotated[
    FilesTarget | GbakLogTarget | ResticTarget | BorgTarget | VeeamTarget | PushTarget,
    Field(discriminator="type"),
]


class PushSettings(ConfigModel):
    state_dir: str = "/var/lib/praxis-backup-exporter"
    """Where pushed results are persisted (one JSON file per target)."""
    path_fields: ClassVar[tuple[str, ...]] = ("state_dir",)

    @field_validator("state_dir")
    @classmethod
    def _a_directory(cls, value: str) -> str:
        """It may not exist yet (created on the first push), but it cannot be a file or lie
        below one: every push would fail only at run time."""
        path = Path(value)
        for candidate in (path, *path.parents):
            if candidate.exists():
                if not candidate.is_dir():
                    raise ValueError(f"{candidate} is not a directory")
                break
        return value


class BackupConfig(ExporterConfig[AnyTarget]):
    push: PushSettings = PushSettings()
