"""Config validation: one kind per target, keys that belong to their kind, clear messages."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from exporters.certs.config import CertsConfig
from exporters.core.config import ConfigError, parse_config


def load(text: str, base: Path | None = None) -> CertsConfig:
    return parse_config(text, CertsConfig, source="certs.yml", base_dir=base)


def test_every_kind(tmp_path: Path) -> None:
    (tmp_path / "pw").write_text("Geheim\n")
    cfg = load(
        """
timeout: 5s
targets:
  client: {file: certs/k.p12, password_file: pw}
  web: {address: "pvs.praxis.local:443", server_name: pvs, ca_file: ca.pem}
  kim: {address: "[::1]:110", starttls: pop3}
  lic: {expires: 2027-03-31, description: Firewall-Lizenz}
""",
        tmp_path,
    )
    client = cfg.targets["client"]
    assert client.kind == "file" and client.file == str(tmp_path / "certs/k.p12")
    assert client.password is not None and client.password.get_secret_value() == "Geheim"
    assert cfg.targets["web"].ca_file == str(tmp_path / "ca.pem")
    assert cfg.targets["lic"].expires == dt.date(2027, 3, 31)
    assert cfg.targets["kim"].starttls == "pop3"


@pytest.mark.parametrize(
    ("target", "message"),
    [
        ("{}", "give exactly one of file, address, expires, windows_store"),
        ("{file: a.pem, address: 'h:1'}", "found file, address"),
        ("{address: 'h:1', password: x}", "password only applies to `file:`"),
        ("{file: a.pem, starttls: smtp}", "starttls only applies to `address:`"),
        ("{expires: 2027-01-01, ca_file: x}", "ca_file only applies"),
        ("{address: 'h:1', starttls: ftp}", "targets.t.starttls"),
        ("{address: 'nohost'}", "address needs a port"),
        ("{address: 'h:99999'}", "1-65535"),
        ("{address: '::1:443'}", "brackets"),
        ("{expires: 'next year'}", "targets.t.expires"),
        ("{windows_store: MY}", "only available on Windows"),
        ("{file: a.pem, color: red}", "targets.t.color: unknown key"),
    ],
)
def test_bad_targets(target: str, message: str) -> None:
    with pytest.raises(ConfigError) as info:
        load(f"targets:\n  t: {target}\n")
    assert message in str(info.value)
    assert str(info.value).startswith("certs.yml: targets.t")


def test_password_never_in_error() -> None:
    with pytest.raises(ConfigError) as info:
        load("targets:\n  t: {address: 'h:1', password: Sup3rGeheim}\n")
    assert "Sup3rGeheim" not in str(info.value)
