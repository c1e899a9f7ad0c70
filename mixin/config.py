"""The mixin config: job selectors, extra matchers, thresholds.

`mixin/config.yml` holds the defaults, i.e. what the committed rules and dashboards say. A
user's file overrides only what it names (a partial file is fine), the way jsonnet mixins
take `_config+::`.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from exporters.core.model import BaseModel, ConfigDict, ValidationError, field_validator
from mixin.promql import Matcher, RewriteError, parse_matchers
from mixin.thresholds import THRESHOLDS

DEFAULTS = Path(__file__).resolve().parent / "config.yml"
_NAME = re.compile(r"[A-Za-z0-9_-]+")
ALL_DEFAULT_JOBS = "praxis-.*"  # what the committed rules use for "every exporter of ours"


class MixinConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    jobs: dict[str, str]
    extra_matchers: list[str] = []
    thresholds: dict[str, float]

    @field_validator("jobs")
    @classmethod
    def _jobs(cls, jobs: dict[str, str]) -> dict[str, str]:
        for name, job in jobs.items():
            if not job:
                raise ValueError(f"jobs.{name} is empty")
            try:
                re.compile(job)
            except re.error as exc:
                raise ValueError(f"jobs.{name}: not a regular expression: {exc}") from exc
        return jobs

    @field_validator("extra_matchers")
    @classmethod
    def _matchers(cls, items: list[str]) -> list[str]:
        for item in items:
            try:
                matchers = parse_matchers(item)
            except RewriteError as exc:
                raise ValueError(f"extra_matchers: {item!r} is not a label matcher") from exc
            if any(m.label in ("__name__", "job") for m in matchers):
                raise ValueError(f"extra_matchers: {item!r}: use `jobs` for job, never __name__")
        return items

    def matchers(self) -> tuple[Matcher, ...]:
        return tuple(m for item in self.extra_matchers for m in parse_matchers(item))


class ConfigError(ValueError):
    """A config file that cannot be used (names the file and the key)."""


def _read(path: Path) -> dict[str, Any]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(f"{path}: {exc}") from exc
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: expected a mapping at the top")
    return data


def defaults() -> MixinConfig:
    return load(None)


def load(path: Path | None) -> MixinConfig:
    """The defaults, overridden by `path` (key by key for jobs and thresholds)."""
    merged = _read(DEFAULTS)
    known = {"jobs": set(merged["jobs"]), "thresholds": set(merged["thresholds"])}
    if path is not None:
        user = _read(path)
        for key, value in user.items():
            if key in known and isinstance(value, dict):
                unknown = set(value) - known[key]
                if unknown:
                    raise ConfigError(
                        f"{path}: {key}: unknown {', '.join(sorted(unknown))} "
                        f"(known: {', '.join(sorted(known[key]))})"
                    )
                merged[key] = {**merged[key], **value}
            else:
                merged[key] = value
    try:
        config = MixinConfig.model_validate(merged)
    except ValidationError as exc:
        raise ConfigError(f"{path or DEFAULTS}: {exc}") from exc
    missing = {t.key for t in THRESHOLDS} - set(config.thresholds)
    if missing:
        raise ConfigError(f"{DEFAULTS}: thresholds without a default: {sorted(missing)}")
    return config


def job_matcher(job: str) -> Matcher:
    """`job="name"` for a plain name, `job=~"regex"` otherwise."""
    return Matcher("job", "=" if _NAME.fullmatch(job) else "=~", job)
