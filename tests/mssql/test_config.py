"""Config validation and the ODBC connection strings built from it."""

from __future__ import annotations

from pathlib import Path

import pytest

from exporters.core import ConfigError
from exporters.core.config import load_config, parse_config
from exporters.core.model import SecretStr
from exporters.mssql.config import MssqlConfig
from exporters.mssql.dsn import DriverNotFound, UnquotableValue, connection_string, pick_driver
from tests.mssql.helpers import target


def test_server_forms() -> None:
    for server in ("db.praxis.local", "10.0.0.5,1433", r"PRAXIS-SRV\M1PRO", "[::1],1433"):
        text = f"targets:\n  a:\n    server: '{server}'\n    user: u\n    password: p\n"
        assert parse_config(text, MssqlConfig).targets["a"].server == server


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("server: 'db;UID=sa'\n    user: u", "targets.a.server: server must be host"),
        ("server: 'db,70000'\n    user: u", "port must be between"),
        ("server: db", "user (and password) are required"),
        ("server: db\n    user: u\n    integrated_auth: true", "either integrated_auth"),
        ("server: db\n    user: u\n    expected_compatibility_level: 151", "like 110"),
        ("server: db\n    user: u\n    wait_types_top: 1000", "wait_types_top"),
        ("server: db\n    user: u\n    databses: {}", "databses: unknown key"),
    ],
)
def test_bad_config_names_the_key(body: str, message: str) -> None:
    with pytest.raises(ConfigError) as err:
        parse_config(f"targets:\n  a:\n    {body}\n", MssqlConfig, source="mssql.yml")
    assert message in str(err.value)
    assert str(err.value).startswith("mssql.yml: ")


def test_password_file_relative_to_config(tmp_path: Path) -> None:
    (tmp_path / "pw").write_text("s3cr3t;}x\n")
    cfg = tmp_path / "mssql.yml"
    cfg.write_text("targets:\n  a:\n    server: db\n    user: monitor\n    password_file: pw\n")
    tgt = load_config(cfg, MssqlConfig).targets["a"]
    assert tgt.password is not None and tgt.password.get_secret_value() == "s3cr3t;}x"
    assert "PWD={s3cr3t;}}x};" in connection_string(tgt, "ODBC Driver 18 for SQL Server")
    assert "PWD={s3cr3t;}x};" in connection_string(tgt, "FreeTDS")  # FreeTDS: no doubling
    assert "s3cr3t" not in repr(tgt)


def test_freetds_cannot_take_brace_semicolon() -> None:
    tgt = target().model_copy(update={"password": SecretStr("ab};DRIVER=x")})
    with pytest.raises(UnquotableValue, match="PWD contains") as err:
        connection_string(tgt, "FreeTDS")
    assert "DRIVER=x" not in str(err.value)


def test_pick_driver() -> None:
    assert pick_driver(None, ["FreeTDS", "ODBC Driver 18 for SQL Server"]) == (
        "ODBC Driver 18 for SQL Server"
    )
    assert pick_driver(None, ["PostgreSQL", "FreeTDS"]) == "FreeTDS"
    assert pick_driver("FreeTDS", ["FreeTDS"]) == "FreeTDS"
    with pytest.raises(DriverNotFound, match="not installed"):
        pick_driver("ODBC Driver 17 for SQL Server", ["FreeTDS"])
    with pytest.raises(DriverNotFound, match="tdsodbc"):
        pick_driver(None, ["PostgreSQL Unicode"])


def test_connection_string_dialects() -> None:
    tgt = target("trust_server_certificate: true")
    ms = connection_string(tgt, "ODBC Driver 18 for SQL Server")
    assert "Encrypt=yes;TrustServerCertificate=yes;ApplicationIntent=ReadOnly;" in ms
    assert "UID={monitor};PWD={geheim123};" in ms
    tds = connection_string(target("encrypt: false"), "FreeTDS")
    assert "TDS_Version=7.4;Encryption=off;" in tds
    assert "Encrypt=" not in tds
    sspi = parse_config(
        "targets:\n  a:\n    server: 'srv\\M1PRO'\n    integrated_auth: true\n", MssqlConfig
    ).targets["a"]
    win = connection_string(sspi, "ODBC Driver 17 for SQL Server")
    assert "Trusted_Connection=yes" in win and "UID=" not in win
    assert "SERVER={srv\\M1PRO};" in win


def test_reference_docs_name_every_metric_and_key() -> None:
    from exporters.mssql.config import DatabaseSelection, MssqlTarget
    from tests.mssql.helpers import run_collect

    doc = (Path(__file__).resolve().parents[2] / "docs/exporters/mssql.md").read_text()
    names = {"mssql_up", "mssql_scrape_duration_seconds"}
    for scenario in ("standard", "express"):
        sink, _ = run_collect(target(), scenario=scenario)
        names |= {s.name for family in sink.families() for s in family.samples}
    assert sorted(n for n in names if f"`{n}`" not in doc) == []
    keys = set(MssqlTarget.model_fields) | {"password_file"}
    keys |= {f"databases.{k}" for k in DatabaseSelection.model_fields}
    assert sorted(k for k in keys if f"`{k}`" not in doc) == []
