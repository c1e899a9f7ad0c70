"""Config loading: shape, validation messages with key paths, secrets from env and files."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

import pytest

from exporters.core import redaction
from exporters.core.config import (
    ConfigError,
    ConfigModel,
    ExporterConfig,
    TargetBase,
    load_config,
    parse_config,
)
from exporters.core.durations import format_duration, parse_duration
from exporters.core.model import SecretStr


class Auth(ConfigModel):
    user: str
    password: SecretStr | None = None
    secret_fields: ClassVar[tuple[str, ...]] = ("password",)


class DemoTarget(TargetBase):
    address: str
    port: int = 1
    auth: Auth | None = None
    ca_file: str | None = None
    path_fields: ClassVar[tuple[str, ...]] = ("ca_file",)


class DemoConfig(ExporterConfig):
    targets: dict[str, DemoTarget] = {}


def load(text: str, tmp_path: Path) -> DemoConfig:
    path = tmp_path / "demo.yml"
    path.write_text(text)
    return load_config(path, DemoConfig)


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("10s", 10), ("1m30s", 90), ("26h", 93600), ("500ms", 0.5), ("7d", 604800), ("1.5s", 1.5)],
)
def test_durations(text: str, seconds: float) -> None:
    assert parse_duration(text) == pytest.approx(seconds)


@pytest.mark.parametrize("text", ["", "10", "ten seconds", "10x", "s10", "-5s"])
def test_bad_durations(text: str) -> None:
    with pytest.raises(ValueError):
        parse_duration(text)


def test_format_duration() -> None:
    assert format_duration(93600) == "26h"
    assert format_duration(90) == "90s"
    assert format_duration(0.5) == "0.5s"


def test_valid_config_with_defaults(tmp_path: Path) -> None:
    config = load(
        "targets:\n  db-1:\n    address: a:1\n    timeout: 3s\n  b:\n    address: x\n", tmp_path
    )
    assert config.timeout == 10
    assert config.target_timeout("db-1") == 3
    assert config.target_timeout("b") == 10


@pytest.mark.parametrize("text", ["", "# nothing\n", "timeout: 5s\n", "targets:\n"])
def test_empty_config_is_refused(tmp_path: Path, text: str) -> None:
    # no targets means no `_up` series, so no `_up == 0` alert could ever fire (issue 18)
    with pytest.raises(ConfigError, match="targets: \\{\\}"):
        load(text, tmp_path)


def test_explicitly_empty_targets(tmp_path: Path) -> None:
    assert load("targets: {}\n", tmp_path).targets == {}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("targets:\n  a:\n    address: x\n    adress: y\n", "targets.a.adress: unknown key"),
        ("targets:\n  a:\n    address: x\n    port: eighty\n", "targets.a.port: "),
        ("targets:\n  a: {}\n", "targets.a.address: Field required"),
        ("timeout: soon\ntargets: {}\n", "timeout: not a duration"),
        ("timeout: 0s\ntargets: {}\n", "timeout: timeout must be a finite duration greater"),
        ("targets:\n  Bad Name:\n    address: x\n", "target name 'Bad Name' must match"),
        ("targets: [1, 2]\n", "targets: "),
        ("- just\n- a list\n", "top level must be a mapping"),
        ("targets:\n  a:\n    address: [unclosed\n", "line 4, column 1"),
    ],
)
def test_invalid_config_names_key_path(text: str, expected: str, tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as err:
        load(text, tmp_path)
    message = str(err.value)
    assert message.startswith(str(tmp_path / "demo.yml") + ": ")
    assert expected in message


def test_env_secret_is_expanded_and_registered(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    redaction.clear()
    monkeypatch.setenv("DEMO_PW", "s3cr3t-from-env")
    config = load(
        "targets:\n  a:\n    address: x\n    auth: {user: u, password: '${DEMO_PW}'}\n", tmp_path
    )
    auth = config.targets["a"].auth
    assert auth is not None and auth.password is not None
    assert auth.password.get_secret_value() == "s3cr3t-from-env"
    assert "s3cr3t-from-env" not in repr(config)
    assert redaction.redact("login with s3cr3t-from-env failed") == "login with <secret> failed"


def test_missing_env_var_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"targets\.a\.address: environment variable NOPE_X"):
        load("targets:\n  a:\n    address: ${NOPE_X}\n", tmp_path)


def test_dollar_escape(tmp_path: Path) -> None:
    assert load("targets:\n  a:\n    address: a$$b\n", tmp_path).targets["a"].address == "a$b"


def test_secret_file_relative_to_config(tmp_path: Path) -> None:
    (tmp_path / "pw.txt").write_text("file-secret-123\n")
    config = load(
        "targets:\n  a:\n    address: x\n    auth: {user: u, password_file: pw.txt}\n", tmp_path
    )
    auth = config.targets["a"].auth
    assert auth is not None and auth.password is not None
    assert auth.password.get_secret_value() == "file-secret-123"


def test_missing_secret_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as err:
        load(
            "targets:\n  a:\n    address: x\n    auth: {user: u, password_file: /no/pw}\n", tmp_path
        )
    assert "targets.a.auth: password_file: cannot read /no/pw" in str(err.value)


def test_secret_and_secret_file_conflict(tmp_path: Path) -> None:
    (tmp_path / "pw").write_text("x")
    with pytest.raises(ConfigError, match="either password or password_file"):
        load(
            "targets:\n  a:\n    address: x\n    auth: {user: u, password: y, password_file: pw}\n",
            tmp_path,
        )


def test_path_fields_resolve_against_config_dir(tmp_path: Path) -> None:
    config = load("targets:\n  a:\n    address: x\n    ca_file: certs/ca.pem\n", tmp_path)
    assert config.targets["a"].ca_file == str(tmp_path / "certs" / "ca.pem")


def test_wrongly_typed_secret_value_is_not_echoed(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as err:
        load(
            "targets:\n  a:\n    address: x\n    auth: {user: u, password: [hunter2-x]}\n", tmp_path
        )
    assert "hunter2-x" not in str(err.value)
    assert "targets.a.auth.password" in str(err.value)


def test_unreadable_config_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read config file"):
        load_config(tmp_path / "missing.yml", DemoConfig)


def test_parse_config_without_file() -> None:
    assert parse_config("targets: {a: {address: b}}", DemoConfig).targets["a"].address == "b"
