"""Every statement parses as T-SQL, references only documented columns, and the canned
result sets have exactly the column names and types the statements produce."""

from __future__ import annotations

import pytest
import sqlglot
from sqlglot import exp

from exporters.mssql.queries import Query, all_queries, waits
from simulators.tds.catalog import COLUMNS, FUNCTIONS, normalize
from simulators.tds.resultsets import COLUMNS as RESULT_COLUMNS
from simulators.tds.resultsets import SCENARIOS, result_sets

QUERIES = all_queries()


def parse(query: Query) -> exp.Select:
    tree = sqlglot.parse_one(query.sql, read="tsql", error_level=sqlglot.ErrorLevel.RAISE)
    assert isinstance(tree, exp.Select)
    return tree


def table_name(table: exp.Table) -> str:
    parts = [table.catalog, table.db, table.name]
    if isinstance(table.this, exp.Anonymous):  # table-valued function
        parts[-1] = table.this.name
    return ".".join(p for p in parts if p).lower()


def scope_tables(select: exp.Select) -> dict[str, exp.Table | exp.Select]:
    """Alias -> catalog table or derived table, for the FROM/JOIN/APPLY of one SELECT."""
    out: dict[str, exp.Table | exp.Select] = {}
    sources = [select.args.get("from_") or select.args.get("from")]
    sources += select.args.get("joins") or []
    for source in sources:
        assert source is not None
        node = source.this
        if isinstance(node, exp.Table):
            out[node.alias_or_name.lower()] = node
        elif isinstance(node, exp.Subquery):
            out[node.alias.lower()] = node.this
    for lateral in select.find_all(exp.Lateral):
        if lateral.parent_select is select or lateral.find_ancestor(exp.Select) is select:
            inner = lateral.this
            out[lateral.alias.lower()] = inner.this if isinstance(inner, exp.Subquery) else inner
    return out


def column_type(column: exp.Column, select: exp.Select) -> str:
    tables = scope_tables(select)
    source = tables[column.table.lower()]
    if isinstance(source, exp.Table):
        name = table_name(source)
        assert name in COLUMNS, f"{name} is not in the documented catalog"
        documented = COLUMNS[name]
        assert column.name in documented, f"{name}.{column.name} is not a documented column"
        return normalize(documented[column.name])
    inner = {e.alias_or_name: e for e in source.expressions}
    return expression_type(inner[column.name], source)


def expression_type(node: exp.Expression, select: exp.Select) -> str:
    node = node.this if isinstance(node, exp.Alias) else node
    if isinstance(node, exp.Column):
        return column_type(node, select)
    if isinstance(node, exp.Cast):
        return normalize(node.to.sql(dialect="tsql"))
    if isinstance(node, exp.Trim):  # RTRIM(nchar(n)) returns nvarchar(n)
        return expression_type(node.this, select).replace("nchar", "nvarchar")
    if isinstance(node, exp.Window) and isinstance(node.this, exp.RowNumber):
        return FUNCTIONS["ROW_NUMBER"]
    if isinstance(node, exp.DateDiff):
        return FUNCTIONS["DATEDIFF"]
    if isinstance(node, exp.Anonymous):
        return FUNCTIONS[node.name.upper()]
    raise AssertionError(f"no documented type for {node.sql('tsql')}")


@pytest.mark.parametrize("query", QUERIES, ids=lambda q: q.name)
def test_statement_parses_as_tsql(query: Query) -> None:
    parse(query)


@pytest.mark.parametrize("query", QUERIES, ids=lambda q: q.name)
def test_every_referenced_column_is_documented(query: Query) -> None:
    for select in parse(query).find_all(exp.Select):
        for column in select.find_all(exp.Column):
            if column.find_ancestor(exp.Select) is not select or not column.table:
                continue
            source = scope_tables(select).get(column.table.lower())
            if source is None:  # correlated reference to an outer alias
                continue
            column_type(column, select)


@pytest.mark.parametrize("query", QUERIES, ids=lambda q: q.name)
def test_result_shape_matches_statement(query: Query) -> None:
    select = parse(query)
    derived = [(e.alias_or_name, expression_type(e, select)) for e in select.expressions]
    declared = [(name, normalize(t)) for name, t in RESULT_COLUMNS[query.name]]
    assert declared == derived


@pytest.mark.parametrize("scenario", sorted(SCENARIOS))
def test_canned_rows_fit_their_columns(scenario: str) -> None:
    from datetime import datetime

    for name, result in result_sets(scenario, datetime(2026, 11, 25, 12, 0)).items():
        for row in result.rows:
            assert len(row) == len(result.columns), name


def test_unqualified_columns_are_not_used() -> None:
    """Qualified names make the catalog check above complete."""
    for query in QUERIES:
        for column in parse(query).find_all(exp.Column):
            assert column.table, f"{query.name}: {column.name} has no table alias"


def test_wait_types_top_is_bounded_in_the_statement() -> None:
    limit = parse(waits(7)).args["limit"]
    assert limit.sql(dialect="tsql").strip() in ("7", "(7)") or "7" in limit.sql("tsql")


def test_statements_read_no_user_tables() -> None:
    """Only the documented system objects: nothing that could hold patient data."""
    for query in QUERIES:
        for table in parse(query).find_all(exp.Table):
            name = table_name(table)
            assert name in COLUMNS, f"{query.name} reads {name}"
