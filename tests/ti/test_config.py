"""Config errors name the key and never the value; secrets from files; sane defaults."""

from __future__ import annotations

from pathlib import Path

import pytest

from exporters.core.config import ConfigError, load_config, parse_config
from exporters.ti.config import TiConfig

BASE = """
targets:
  praxis:
    connector:
      base_url: https://konnektor.praxis.local/
      mandant_id: m1
      client_system_id: cs1
      workplace_id: ws1
"""


def test_minimal_connector_defaults() -> None:
    cfg = parse_config(BASE, TiConfig).targets["praxis"].connector
    assert cfg is not None
    assert cfg.base_url == "https://konnektor.praxis.local"
    assert cfg.auth == "none" and cfg.rewrite_endpoints and not cfg.insecure_skip_verify


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ("      auth: basic\n      username: u\n", "auth: basic needs username and password"),
        ("      auth: certificate\n      cert_file: c.pem\n", "either cert_file and key_file"),
        ("      password: x\n", "only used with auth: basic"),
        ("      insecure_skip_verify: true\n      ca_file: ca.pem\n", "not both"),
        ("      auth: kerberos\n", "auth"),
        ("      colour: blue\n", "unknown key"),
        ("      max_response_bytes: 10\n", "at least 16384"),
    ],
)
def test_invalid_connector_configs(extra: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        parse_config(BASE + extra, TiConfig)


def test_bad_url_and_long_context_id() -> None:
    with pytest.raises(ConfigError, match=r"praxis\.connector\.base_url"):
        parse_config(BASE.replace("https://konnektor.praxis.local/", "ftp://x"), TiConfig)
    with pytest.raises(ConfigError, match="1 to 64"):
        parse_config(BASE.replace("m1", "m" * 65), TiConfig)


def test_password_file_and_no_value_in_errors(tmp_path: Path) -> None:
    (tmp_path / "pw").write_text("sehr-geheim-42\n")
    path = tmp_path / "ti.yml"
    path.write_text(BASE + "      auth: basic\n      username: mon\n      password_file: pw\n")
    cfg = load_config(path, TiConfig).targets["praxis"].connector
    assert cfg is not None and cfg.password is not None
    assert cfg.password.get_secret_value() == "sehr-geheim-42"
    path.write_text(BASE + "      auth: basic\n      password: sehr-geheim-42\n")
    with pytest.raises(ConfigError) as info:
        load_config(path, TiConfig)
    assert "sehr-geheim-42" not in str(info.value)


def test_kim_and_ti_status_shapes() -> None:
    cfg = parse_config(
        "targets:\n  k:\n    kim:\n      smtp: {address: '127.0.0.1:465'}\n    ti_status: true\n",
        TiConfig,
    ).targets["k"]
    assert cfg.kim is not None and cfg.kim.smtp is not None and cfg.kim.smtp.tls == "implicit"
    assert cfg.ti_status is not None and cfg.ti_status.interval == 300
    with pytest.raises(ConfigError, match="host:port"):
        parse_config("targets: {k: {kim: {smtp: {address: nohost}}}}", TiConfig)
    with pytest.raises(ConfigError, match="smtp and/or pop3"):
        parse_config("targets: {k: {kim: {}}}", TiConfig)
    with pytest.raises(ConfigError, match="needs connector, kim and/or ti_status"):
        parse_config("targets: {k: {}}", TiConfig)


def test_process_refuses_bad_config_with_exit_2(tmp_path: Path) -> None:
    import subprocess
    import sys

    path = tmp_path / "ti.yml"
    path.write_text(
        BASE + "      auth: basic\n      username: mon\n      password: s3cr3t-value\n"
        "      insecure_skip_verify: true\n      ca_file: x.pem\n"
    )
    result = subprocess.run(
        [sys.executable, "-m", "exporters.ti", f"--config.file={path}", "--config.check"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert "praxis.connector" in result.stderr and "not both" in result.stderr
    assert "s3cr3t-value" not in result.stderr + result.stdout


def test_insecure_skip_verify_is_warned(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level("WARNING"):
        parse_config(BASE + "      insecure_skip_verify: true\n", TiConfig)
    assert "insecure_skip_verify" in caplog.text


def test_basic_auth_over_plain_http_is_warned(caplog: pytest.LogCaptureFixture) -> None:
    text = BASE.replace("https://", "http://") + "      auth: basic\n      username: u\n"
    with caplog.at_level("WARNING"):
        parse_config(text + "      password: pw-123\n", TiConfig)
    assert "unencrypted" in caplog.text and "pw-123" not in caplog.text
