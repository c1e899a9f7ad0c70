"""Rewrite every PromQL query of a Grafana dashboard, keeping the file's layout.

Queries sit in panel targets (`expr`), query variables (`query`, `definition`, also
`label_values(<selector>, label)` and `query_result(<expr>)`) and annotations (`expr`).
Each changed query is replaced as a whole JSON string token in the text; the result is
loaded again and must equal the original data with exactly those strings replaced.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from typing import Any

from mixin.promql import Rewrite, RewriteError, rewrite

_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')
_WRAPPED = re.compile(r"^(\s*(?:label_values|query_result)\()(.*?)(\)\s*)$", re.DOTALL)


def panels(dashboard: dict[str, Any]) -> Iterator[dict[str, Any]]:
    for panel in dashboard.get("panels", []):
        yield panel
        yield from panel.get("panels", [])


def _slots(dashboard: dict[str, Any]) -> Iterator[tuple[dict[str, Any], str, bool]]:
    """(holder, key, is_variable_query) of every string that holds PromQL."""
    for panel in panels(dashboard):
        for target in panel.get("targets", []):
            if isinstance(target.get("expr"), str):
                yield target, "expr", False
    for var in dashboard.get("templating", {}).get("list", []):
        if var.get("type") != "query":
            continue
        if isinstance(var.get("query"), str):
            yield var, "query", True
        elif isinstance(var.get("query"), dict) and isinstance(var["query"].get("query"), str):
            yield var["query"], "query", True
        if isinstance(var.get("definition"), str):
            yield var, "definition", True
    for annotation in dashboard.get("annotations", {}).get("list", []):
        if isinstance(annotation.get("expr"), str):
            yield annotation, "expr", False


def rewrite_query(query: str, rw: Rewrite, variable: bool) -> str:
    """A panel query, or a variable query (`label_values(sel, label)`, `query_result(e)`)."""
    if not variable:
        return rewrite(query, rw, grafana=True)
    wrapped = _WRAPPED.match(query)
    if not wrapped:
        return query  # label_names(), metrics(...): no selector to rewrite
    head, inner, tail = wrapped.groups()
    if head.strip() == "label_values(":
        selector, comma, label = inner.rpartition(",")
        if not comma:
            return query  # label_values(label): every series, nothing to select
        return head + rewrite(selector, rw, grafana=True) + comma + label + tail
    return head + rewrite(inner, rw, grafana=True) + tail


def rewrite_dashboard(text: str, name: str, rw: Rewrite) -> str:
    data = json.loads(text)
    changed: dict[str, str] = {}
    for holder, key, variable in _slots(data):
        old = holder[key]
        try:
            new = rewrite_query(old, rw, variable)
        except RewriteError as exc:
            raise RewriteError(f"{name}: {exc}") from exc
        if new != old:
            changed[old] = new
            holder[key] = new
    if not changed:
        return text
    out = _STRING.sub(_replacer(changed), text)
    if json.loads(out) != data:
        raise RewriteError(f"{name}: the rewritten dashboard does not load as expected")
    return out


def _replacer(changed: dict[str, str]) -> Callable[[re.Match[str]], str]:
    def sub(match: re.Match[str]) -> str:
        token = match.group(0)
        value = json.loads(token)
        if value not in changed:
            return token
        ascii_only = token == json.dumps(value)
        return json.dumps(changed[value], ensure_ascii=ascii_only)

    return sub
