"""All query groups against a real SQL Server, when one is at hand.

Set MSSQL_TEST_DSN to an ODBC connection string, e.g. `DRIVER={ODBC Driver 18 for SQL
Server};SERVER=srv,1433;UID=monitor;PWD=...;TrustServerCertificate=yes`
(the login should have exactly the grants of docs/exporters/mssql.md). Skipped otherwise.
"""

from __future__ import annotations

import os
from typing import Any

import pytest

from exporters.core import MetricSink
from exporters.mssql.collector import QueryErrors, collect
from exporters.mssql.queries import Query
from exporters.mssql.session import is_fatal
from simulators.tds.resultsets import COLUMNS
from tests.mssql.helpers import target

DSN = os.environ.get("MSSQL_TEST_DSN", "")
pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(not DSN, reason="MSSQL_TEST_DSN not set (no SQL Server here)"),
]


def test_every_group_runs_and_matches_the_documented_shape() -> None:
    import pyodbc

    conn = pyodbc.connect(DSN, autocommit=True, timeout=10)
    conn.timeout = 30
    shapes: dict[str, list[str]] = {}

    def run(query: Query) -> list[dict[str, Any]]:
        cursor = conn.cursor()
        cursor.execute(query.sql)
        names = [d[0] for d in cursor.description]
        shapes[query.name] = names
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]

    sink = MetricSink({"target": "real"})
    errors = QueryErrors()
    try:
        collect("real", target(), run, sink, errors, is_fatal)
    finally:
        conn.close()
    for name, names in shapes.items():
        assert names == [c[0] for c in COLUMNS[name]], name
        assert errors.get("real", name) == 0, f"{name} failed (grants?)"
    assert sink.samples("mssql_info")
    assert sink.samples("mssql_database_state")
