"""The TDS double through the real client stack (pyodbc + unixODBC + FreeTDS): it logs in
like SQL Server, and what arrives at the client has the documented column names and types."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from decimal import Decimal
from typing import Any

import pyodbc
import pytest

from exporters.core import Deadline, MetricSink
from exporters.core.config import parse_config
from exporters.mssql.collector import MssqlCollector
from exporters.mssql.config import MssqlConfig
from exporters.mssql.queries import all_queries
from simulators.tds.catalog import normalize
from simulators.tds.resultsets import COLUMNS
from simulators.tds.server import Settings, TdsServer

pytestmark = pytest.mark.integration

PYTHON_TYPES = {
    "tinyint": int, "smallint": int, "int": int, "bigint": int, "bit": bool,
    "datetime": datetime, "numeric": Decimal, "nvarchar": str, "char": str,
}  # fmt: skip


@pytest.fixture
def simulator() -> Iterator[TdsServer]:
    server = TdsServer(("127.0.0.1", 0), Settings(scenario="standard", password="pw;}x"))
    server.start()
    yield server
    server.shutdown()
    server.server_close()


def connect(port: int, password: str = "pw;}x") -> Any:  # noqa: S107 (test login)
    dsn = (
        f"DRIVER={{FreeTDS}};SERVER={{127.0.0.1,{port}}};DATABASE=master;UID={{monitor}};"
        f"PWD={{{password}}};TDS_Version=7.4;Encryption=off;"
    )
    return pyodbc.connect(dsn, autocommit=True, timeout=5)


def test_every_group_arrives_with_documented_names_and_types(simulator: TdsServer) -> None:
    conn = connect(simulator.port)
    try:
        for query in all_queries():
            cursor = conn.cursor()
            cursor.execute(query.sql)
            expected = COLUMNS[query.name]
            assert [d[0] for d in cursor.description] == [c[0] for c in expected]
            for desc, (_, sql_type) in zip(cursor.description, expected, strict=True):
                base = normalize(sql_type).split("(")[0]
                assert desc[1] is PYTHON_TYPES[base], (query.name, desc[0])
            assert cursor.fetchall(), query.name
    finally:
        conn.close()


def test_wrong_password_is_login_failed(simulator: TdsServer) -> None:
    with pytest.raises(pyodbc.Error, match="Login failed for user 'monitor'"):
        connect(simulator.port, password="falsch")


def test_unknown_select_is_an_error(simulator: TdsServer) -> None:
    conn = connect(simulator.port)
    try:
        with pytest.raises(pyodbc.ProgrammingError, match="Invalid object name"):
            conn.cursor().execute("SELECT p.name FROM dbo.Patienten AS p")
    finally:
        conn.close()


def config_for(port: int, password: str = "pw;}x") -> MssqlConfig:  # noqa: S107 (test login)
    return parse_config(
        f"""targets:
  m1:
    server: '127.0.0.1,{port}'
    driver: FreeTDS
    user: monitor
    password: '{password}'
    encrypt: false
""",
        MssqlConfig,
    )


def test_collector_over_the_wire_with_a_denied_group(simulator: TdsServer) -> None:
    simulator.settings.denied = {"backups"}
    config = config_for(simulator.port)
    collector = MssqlCollector(config)
    sink = MetricSink({"target": "m1"})
    collector.collect_target("m1", config.targets["m1"], Deadline.after(10), sink)
    assert sink.sample_value("mssql_query_errors_total", {"query": "backups"}) == 1
    assert sink.sample_value("mssql_query_errors_total", {"query": "databases"}) == 0
    assert sink.samples("mssql_database_last_backup_timestamp_seconds") == []
    assert sink.sample_value("mssql_database_compatibility_level", {"database": "M1PRO"}) == 150
    assert sink.sample_value("mssql_agent_job_enabled", {"job_name": "M1PRO Vollsicherung"}) == 1


def test_wrong_password_fails_the_target_without_printing_it(simulator: TdsServer) -> None:
    config = config_for(simulator.port, password="Falsch-Passwort-42")
    with pytest.raises(pyodbc.Error) as err:
        MssqlCollector(config).collect_target(
            "m1", config.targets["m1"], Deadline.after(5), MetricSink({"target": "m1"})
        )
    assert "Login failed" in str(err.value)
    assert "Falsch-Passwort-42" not in str(err.value)


def test_a_hung_query_is_cut_by_the_query_timeout(simulator: TdsServer) -> None:
    """The server logs in and then never answers one statement: the ODBC query timeout,
    set from the deadline, ends it (the core would otherwise abandon the thread)."""
    simulator.settings.hang = {"databases"}
    config = config_for(simulator.port)
    with pytest.raises(pyodbc.OperationalError, match="HYT00"):  # the driver's timeout
        MssqlCollector(config).collect_target(
            "m1", config.targets["m1"], Deadline.after(3), MetricSink({"target": "m1"})
        )
