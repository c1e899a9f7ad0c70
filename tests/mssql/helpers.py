"""Feeding canned result sets (documented shapes) to the collector without a server."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from exporters.core import MetricSink
from exporters.core.config import parse_config
from exporters.mssql.catalogue import CATALOGUE
from exporters.mssql.collector import QueryErrors, collect
from exporters.mssql.config import MssqlConfig, MssqlTarget
from exporters.mssql.queries import Query
from exporters.mssql.session import is_fatal
from simulators.tds.resultsets import result_sets

NOW = datetime(2026, 11, 25, 12, 0, 0)  # UTC, naive as GETUTCDATE() returns it
NOW_EPOCH = 1_795_608_000.0


def target(yaml_body: str = "") -> MssqlTarget:
    text = "targets:\n  praxis:\n    server: db.praxis.local\n    user: monitor\n"
    text += "    password: geheim123\n" + "".join(
        f"    {line}\n" for line in yaml_body.splitlines()
    )
    return parse_config(text, MssqlConfig).targets["praxis"]


def run_collect(
    tgt: MssqlTarget,
    scenario: str = "standard",
    failing: Mapping[str, BaseException] | None = None,
    edit: Callable[[dict[str, list[dict[str, Any]]]], None] | None = None,
    errors: QueryErrors | None = None,
    compat: dict[str, int] | None = None,
) -> tuple[MetricSink, list[str]]:
    """Collect once; returns the sink and the names of the groups that were run."""
    data = {k: v.dicts() for k, v in result_sets(scenario, NOW, compat).items()}
    if edit:
        edit(data)
    ran: list[str] = []

    def run(query: Query) -> list[dict[str, Any]]:
        ran.append(query.name)
        if failing and query.name in failing:
            raise failing[query.name]
        return data[query.name]

    sink = MetricSink({"target": "praxis"}, CATALOGUE)
    collect("praxis", tgt, run, sink, errors or QueryErrors(), is_fatal)
    return sink, ran
