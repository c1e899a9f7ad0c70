"""YAML configuration in the one shape every exporter shares, with validation and secrets.

```yaml
timeout: 10s
targets:
  <name>:          # [a-z0-9_-]+
    ...            # the exporter's own keys (its TargetBase subclass)
```

Secrets: any field listed in a model's `secret_fields` may be given inline (also as
`${ENV_VAR}`) or as `<field>_file: /path`; relative paths are resolved against the config
file's directory. Errors name the file, the key path and the problem, never the value.
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any, ClassVar, Generic, TypeVar

import yaml

from exporters.core import redaction
from exporters.core.durations import Duration
from exporters.core.files import read_text_bounded
from exporters.core.model import (
    BaseModel,
    ConfigDict,
    SecretStr,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

TARGET_NAME = re.compile(r"^[a-z0-9_-]+$")
_ENV_REF = re.compile(r"\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
CONFIG_FILE_LIMIT = 4 * 1024 * 1024
"""Config files above this size are refused (a real one is a few KiB)."""
SECRET_FILE_LIMIT = 64 * 1024
"""`*_file` secrets above this size are refused (a password or token is short)."""
MAX_CONFIG_VALUES = 200_000
MAX_CONFIG_DEPTH = 64
MAX_TIMEOUT = 86400.0


class ConfigError(Exception):
    """An invalid configuration; the message is safe to print (names keys, not values)."""

    exit_code = 2


class ConfigModel(BaseModel):
    """Base of every config section: unknown keys are errors, secrets may come from files."""

    model_config = ConfigDict(extra="forbid", frozen=True, hide_input_in_errors=True)

    secret_fields: ClassVar[tuple[str, ...]] = ()
    """Fields that hold secrets; each also accepts `<field>_file`."""

    path_fields: ClassVar[tuple[str, ...]] = ()
    """Fields holding file paths, resolved against the config file's directory."""

    @model_validator(mode="before")
    @classmethod
    def _resolve_files(cls, data: Any, info: ValidationInfo) -> Any:
        if not isinstance(data, Mapping):
            return data
        base_dir = _base_dir(info)
        out = dict(data)
        for name in cls.path_fields:
            value = out.get(name)
            if isinstance(value, str) and value:
                out[name] = str(_resolve(base_dir, value))
        for name in cls.secret_fields:
            file_key = f"{name}_file"
            if file_key not in out:
                continue
            if out.get(name) not in (None, ""):
                raise ValueError(f"give either {name} or {file_key}, not both")
            path = out.pop(file_key)
            if not isinstance(path, str) or not path:
                raise ValueError(f"{file_key}: expected a file path")
            out[name] = read_secret_file(_resolve(base_dir, path), file_key)
        return out

    @model_validator(mode="after")
    def _register_secrets(self) -> ConfigModel:
        for name in self.secret_fields:
            value = getattr(self, name, None)
            if isinstance(value, SecretStr):
                redaction.register(value.get_secret_value())
        return self


def check_timeout(value: float) -> float:
    """A usable deadline: finite, above 0, at most `MAX_TIMEOUT`."""
    if not math.isfinite(value) or value <= 0:
        raise ValueError("timeout must be a finite duration greater than 0")
    if value > MAX_TIMEOUT:
        raise ValueError("timeout must be at most 24h")
    return value


class TargetBase(ConfigModel):
    """Keys every target has; exporters subclass this with their own."""

    timeout: Duration | None = None
    """Per-target deadline; overrides the top-level `timeout`."""

    @field_validator("timeout")
    @classmethod
    def _usable_timeout(cls, value: float | None) -> float | None:
        return None if value is None else check_timeout(value)


TargetT = TypeVar("TargetT", bound=TargetBase)


class ExporterConfig(ConfigModel, Generic[TargetT]):
    """Top level of an exporter's config, generic over its target model:
    `class UpsConfig(ExporterConfig[UpsTarget])` makes `targets` a `dict[str, UpsTarget]`
    for validation and for mypy (no narrowing in the collector)."""

    timeout: Duration = 10.0
    targets: dict[str, TargetT] = {}

    @field_validator("targets", mode="before")
    @classmethod
    def _check_target_names(cls, value: Any) -> Any:
        if value is None:
            return {}
        if isinstance(value, Mapping):
            for name in value:
                if not isinstance(name, str) or not TARGET_NAME.match(name):
                    raise ValueError(
                        f"target name {name!r} must match [a-z0-9_-]+ (it becomes a label value)"
                    )
        return value

    @field_validator("timeout")
    @classmethod
    def _positive_timeout(cls, value: float) -> float:
        return check_timeout(value)

    def target_timeout(self, name: str) -> float:
        target = self.targets[name]
        return target.timeout if target.timeout is not None else self.timeout


def read_secret_file(path: Path, key: str) -> SecretStr:
    """Read a secret from a file; one trailing newline is dropped (as `echo` writes it)."""
    try:
        text = read_text_bounded(path, SECRET_FILE_LIMIT)
    except OSError as exc:
        raise ValueError(f"{key}: cannot read {path}: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise ValueError(f"{key}: {path} is not UTF-8 text") from None
    secret = text[:-1] if text.endswith("\n") else text
    secret = secret[:-1] if secret.endswith("\r") else secret
    redaction.register(secret)
    return SecretStr(secret)


def _base_dir(info: ValidationInfo) -> Path:
    context = info.context if isinstance(info.context, Mapping) else {}
    base = context.get("base_dir")
    return Path(base) if base else Path.cwd()


def _resolve(base_dir: Path, value: str) -> Path:
    path = Path(value).expanduser()
    return path if path.is_absolute() else base_dir / path


def expand_env(node: Any, path: str = "") -> Any:
    """Replace `${VAR}` in every string of a parsed YAML tree; `$$` is a literal `$`.

    The copy is bounded: YAML aliases share subtrees, so a few lines ("billion laughs")
    can stand for billions of values; more than `MAX_CONFIG_VALUES` values or nesting
    deeper than `MAX_CONFIG_DEPTH` are refused before anything is copied further.
    """
    return _expand(node, path, 0, [0])


def _expand(node: Any, path: str, depth: int, count: list[int]) -> Any:
    count[0] += 1
    if count[0] > MAX_CONFIG_VALUES:
        raise ConfigError(
            f"more than {MAX_CONFIG_VALUES} values after expanding YAML aliases "
            f"(at {path or 'the top level'}); is this an alias bomb?"
        )
    if depth > MAX_CONFIG_DEPTH:
        raise ConfigError(f"{path}: nested deeper than {MAX_CONFIG_DEPTH} levels")
    if isinstance(node, dict):
        return {
            k: _expand(v, f"{path}.{k}" if path else str(k), depth + 1, count)
            for k, v in node.items()
        }
    if isinstance(node, list):
        return [_expand(v, f"{path}[{i}]", depth + 1, count) for i, v in enumerate(node)]
    if isinstance(node, str) and "$" in node:

        def substitute(match: re.Match[str]) -> str:
            if match.group(0) == "$$":
                return "$"
            var = match.group(1)
            if var not in os.environ:
                raise ConfigError(f"{path}: environment variable {var} is not set")
            value = os.environ[var]
            redaction.register(value)
            return value

        return _ENV_REF.sub(substitute, node)
    return node


def format_validation_error(source: str, error: ValidationError) -> str:
    """One line per problem: `<file>: <key.path>: <message>` (values are never shown)."""
    lines = []
    for item in error.errors(include_input=False, include_url=False):
        loc = ".".join(str(p) for p in item["loc"] if p not in ("function-after",))
        msg = item["msg"]
        if item["type"] == "extra_forbidden":
            msg = "unknown key"
        elif msg.startswith("Value error, "):
            msg = msg[len("Value error, ") :]
        lines.append(f"{source}: {loc}: {msg}" if loc else f"{source}: {msg}")
    return redaction.redact("\n".join(lines))


class _Loader(yaml.SafeLoader):
    """SafeLoader that refuses duplicate keys and leaves date-like scalars as strings.

    A duplicate key silently replaced the first (e.g. a second target of the same name).
    Implicit timestamps made PyYAML raise a bare ValueError on `2026-02-31`; as strings,
    a field that wants a date gets a message naming the key, and a `str` field
    (a token that looks like a date) keeps its text.
    """

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                continue
            key = self.construct_object(key_node, deep=True)
            try:
                duplicate = key in seen
                seen.add(key)
            except TypeError:
                continue  # unhashable keys fail later with PyYAML's own message
            if duplicate:
                raise yaml.constructor.ConstructorError(
                    "while constructing a mapping",
                    node.start_mark,
                    f"duplicate key {str(key)[:60]!r}",
                    key_node.start_mark,
                )
        return super().construct_mapping(node, deep=deep)

    def construct_timestamp_text(self, node: yaml.Node) -> str:
        return str(self.construct_scalar(node))  # type: ignore[arg-type]


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_constructor("tag:yaml.org,2002:timestamp", _Loader.construct_timestamp_text)


def parse_yaml(text: str, source: str) -> Any:
    """Parse YAML, reporting position but not the offending line (it might hold a secret)."""
    try:
        return yaml.load(text, Loader=_Loader)  # noqa: S506 (a SafeLoader subclass)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or "invalid YAML"
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        raise ConfigError(f"{source}: {where}{problem}") from None
    except RecursionError:
        raise ConfigError(f"{source}: nested too deeply to parse") from None
    except (ValueError, OverflowError) as exc:
        # a constructor refusing a scalar (PyYAML does not wrap these in YAMLError)
        raise ConfigError(f"{source}: invalid value: {type(exc).__name__}") from None


ConfigT = TypeVar("ConfigT", bound="ExporterConfig[Any]")


def load_config(path: str | os.PathLike[str], model: type[ConfigT]) -> ConfigT:
    """Read, expand and validate a config file; raise ConfigError with a printable message."""
    source = str(path)
    try:
        text = read_text_bounded(path, CONFIG_FILE_LIMIT)
    except OSError as exc:
        raise ConfigError(f"{source}: cannot read config file: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{source}: config file is not UTF-8 text") from None
    return parse_config(text, model, source=source, base_dir=Path(path).resolve().parent)


def parse_config(
    text: str, model: type[ConfigT], source: str = "<config>", base_dir: Path | None = None
) -> ConfigT:
    """Validate config text (used by `load_config` and by tests)."""
    raw = parse_yaml(text, source)
    if raw is None:
        # empty (truncated?) file: no targets means no `_up` series and no alert can fire
        raise ConfigError(
            f"{source}: the config is empty; write `targets: {{}}` if the exporter really "
            "has no targets"
        )
    if not isinstance(raw, dict):
        raise ConfigError(f"{source}: the top level must be a mapping with `targets:`")
    if raw.get("targets") is None:
        raise ConfigError(
            f"{source}: targets: missing or empty; write `targets: {{}}` if the exporter "
            "really has no targets"
        )
    try:
        expanded = expand_env(raw)
    except ConfigError as exc:
        raise ConfigError(f"{source}: {exc}") from None
    try:
        return model.model_validate(expanded, context={"base_dir": base_dir or Path.cwd()})
    except ValidationError as exc:
        raise ConfigError(format_validation_error(source, exc)) from None
