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

from mixin.promql import Rewrite, RewriteError, Token, replace_numbers, rewrite, tokenize
from mixin.thresholds import BoardPlace, ThresholdChange, literal, phrase_pairs, replace_phrases

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


def rewrite_dashboard(
    text: str, name: str, rw: Rewrite, changes: list[ThresholdChange] | None = None
) -> str:
    """The dashboard `text` with every query rewritten and the thresholds changed."""
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
    mine = [c for c in changes or [] if isinstance(c.place, BoardPlace) and c.place.board == name]
    thresholds_changed = apply_thresholds(data, name, mine)
    if not changed and not thresholds_changed:
        return text
    layout = _layout(text)
    if layout is not None:
        return json.dumps(data, indent=layout, ensure_ascii=False) + "\n"
    if thresholds_changed:
        raise RewriteError(f"{name}: unusual JSON layout, cannot write threshold changes")
    out = _STRING.sub(_replacer(changed), text)
    if json.loads(out) != data:
        raise RewriteError(f"{name}: the rewritten dashboard does not load as expected")
    return out


def _layout(text: str) -> int | None:
    """The indent with which json.dumps reproduces `text` exactly, if any."""
    data = json.loads(text)
    for indent in (2, 1, 4):
        if json.dumps(data, indent=indent, ensure_ascii=False) + "\n" == text:
            return indent
    return None


def apply_thresholds(data: dict[str, Any], name: str, changes: list[ThresholdChange]) -> bool:
    """Change queries, title/description phrases and colour steps of the changes' panels,
    each panel in one go (so 90->30 and 30->10 do not chain). True if anything changed."""
    by_panel: dict[int, list[ThresholdChange]] = {}
    for change in changes:
        assert isinstance(change.place, BoardPlace)
        by_panel.setdefault(change.place.panel_id, []).append(change)
    found = {p.get("id"): p for p in panels(data)}
    touched = False
    for panel_id, mine in by_panel.items():
        panel = found.get(panel_id)
        if panel is None:
            raise RewriteError(f"{name}: no panel id {panel_id} for a threshold")
        touched |= _panel_thresholds(panel, name, mine)
    return touched


def _place(change: ThresholdChange) -> BoardPlace:
    assert isinstance(change.place, BoardPlace)
    return change.place


def _panel_thresholds(panel: dict[str, Any], name: str, changes: list[ThresholdChange]) -> bool:
    where = f"{name} panel {panel.get('id')}"
    before = json.dumps(panel, sort_keys=True)
    numbers = {c.old: literal(c.new) for c in changes if _place(c).in_expr}
    hit: set[float] = set()
    for target in panel.get("targets", []):
        present = {
            old: new
            for old, new in numbers.items()
            if any(t.kind == "number" and _number(t.text) == old for t in _tokens(target["expr"]))
        }
        if present:
            target["expr"] = replace_numbers(target["expr"], present, grafana=True)
            hit |= set(present)
    if set(numbers) - hit:
        raise RewriteError(f"{where}: no query has the number(s) {sorted(set(numbers) - hit)}")
    pairs = phrase_pairs(changes)
    said: set[str] = set()
    for key in ("title", "description"):
        if isinstance(panel.get(key), str):
            panel[key], found = replace_phrases(panel[key], pairs)
            said |= found
    if missing := [old for old, _new in pairs if old not in said]:
        raise RewriteError(f"{where}: title/description do not say {missing}")
    steps = {c.old * _place(c).steps: c.new * _place(c).steps for c in changes if _place(c).steps}
    stepped: set[float] = set()
    for step in _steps(panel):
        value = step.get("value")
        if isinstance(value, int | float) and value in steps:
            stepped.add(value)
            new = steps[value]
            step["value"] = int(new) if float(new).is_integer() else new
    if set(steps) - stepped:
        raise RewriteError(f"{where}: no colour step at {sorted(set(steps) - stepped)}")
    return json.dumps(panel, sort_keys=True) != before


def _steps(panel: dict[str, Any]) -> Iterator[dict[str, Any]]:
    config = panel.get("fieldConfig", {})
    yield from config.get("defaults", {}).get("thresholds", {}).get("steps", [])
    for override in config.get("overrides", []):
        for prop in override.get("properties", []):
            if prop.get("id") == "thresholds" and isinstance(prop.get("value"), dict):
                yield from prop["value"].get("steps", [])


def _tokens(expr: str) -> list[Token]:
    return tokenize(expr, grafana=True)


def _number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


def _replacer(changed: dict[str, str]) -> Callable[[re.Match[str]], str]:
    def sub(match: re.Match[str]) -> str:
        token = match.group(0)
        value = json.loads(token)
        if value not in changed:
            return token
        ascii_only = token == json.dumps(value)
        return json.dumps(changed[value], ensure_ascii=ascii_only)

    return sub
