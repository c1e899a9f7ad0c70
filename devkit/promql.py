"""Which metrics a PromQL expression reads, from a real parser (GreptimeTeam's
`promql-parser`, the Rust port of Prometheus' own grammar), not from regular expressions.

Used by `tests/suite/test_catalogues.py` to check that every metric a dashboard panel or a
rule reads is declared by an exporter's catalogue (or is a known series of Prometheus,
Alertmanager, windows_exporter, ...). Grafana variables are replaced first
(`devkit.dashboards.expand_variables`), so dashboard queries parse as well.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import promql_parser

from devkit.dashboards import expand_variables


@dataclass(frozen=True)
class Selector:
    """One vector selector: a metric name, or a `__name__` matcher (`=`, `=~`)."""

    name: str | None
    name_regex: str | None = None


def selectors(expr: str) -> list[Selector]:
    """Every vector selector of `expr` (raises ValueError if it does not parse)."""
    tree = promql_parser.parse(expand_variables(expr))
    return list(_walk(tree))


def _walk(node: Any) -> Iterator[Selector]:
    if isinstance(node, promql_parser.VectorSelector):
        yield _selector(node)
    elif isinstance(node, promql_parser.MatrixSelector):
        yield _selector(node.vector_selector)
    elif isinstance(node, promql_parser.BinaryExpr):
        yield from _walk(node.lhs)
        yield from _walk(node.rhs)
    elif isinstance(node, promql_parser.AggregateExpr):
        yield from _walk(node.expr)
        if node.param is not None:
            yield from _walk(node.param)
    elif isinstance(node, promql_parser.Call):
        for arg in node.args:
            yield from _walk(arg)
    elif isinstance(
        node, promql_parser.ParenExpr | promql_parser.UnaryExpr | promql_parser.SubqueryExpr
    ):
        yield from _walk(node.expr)


def _selector(node: Any) -> Selector:
    if node.name:
        return Selector(str(node.name))
    for matcher in node.matchers.matchers:
        if matcher.name == "__name__":
            if matcher.op == promql_parser.MatchOp.Equal:
                return Selector(str(matcher.value))
            if matcher.op == promql_parser.MatchOp.Re:
                return Selector(None, str(matcher.value))
    return Selector(None)


def label_values_selector(query: str) -> str | None:
    """The series selector of a Grafana `label_values(<selector>, <label>)` variable."""
    text = query.strip()
    if not text.startswith("label_values(") or not text.endswith(")"):
        return None
    inner = text[len("label_values(") : -1]
    selector, sep, _label = inner.rpartition(",")
    return selector.strip() if sep else None
