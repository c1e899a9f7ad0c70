"""Rewrite the `expr`s (and threshold sentences) of a Prometheus rule file, keeping its layout.

Only the scalars that change are re-rendered, in place, at the span YAML reports for them;
comments, order and quoting of everything else stay. The result is loaded again and must
equal the original data with exactly those values replaced.
"""

from __future__ import annotations

import json
import re
import textwrap
from collections.abc import Iterator
from typing import Any

import yaml

from mixin.promql import Rewrite, RewriteError, replace_numbers, rewrite
from mixin.thresholds import Place, ThresholdChange, literal, phrase_pairs, replace_phrases


def _get(node: yaml.MappingNode, key: str) -> yaml.Node | None:
    for k, v in node.value:
        if k.value == key:
            found: yaml.Node = v
            return found
    return None


def _rules(root: yaml.Node | None) -> Iterator[yaml.MappingNode]:
    groups = _get(root, "groups") if isinstance(root, yaml.MappingNode) else None
    for group in groups.value if isinstance(groups, yaml.SequenceNode) else []:
        rules = _get(group, "rules")
        yield from rules.value if isinstance(rules, yaml.SequenceNode) else []


def _label(rule: yaml.MappingNode, key: str) -> str | None:
    labels = _get(rule, "labels")
    node = _get(labels, key) if isinstance(labels, yaml.MappingNode) else None
    return str(node.value) if isinstance(node, yaml.ScalarNode) else None


def rewrite_rules(text: str, filename: str, rw: Rewrite, changes: list[ThresholdChange]) -> str:
    """The rule file `text` with every expr rewritten and the thresholds changed."""
    root = yaml.compose(text)
    if root is None:
        raise RewriteError(f"{filename}: empty rule file")
    edits: dict[int, tuple[yaml.ScalarNode, str]] = {}
    used: set[int] = set()
    places = [(i, c, c.place) for i, c in enumerate(changes) if isinstance(c.place, Place)]
    for rule in _rules(root):
        expr = _get(rule, "expr")
        if not isinstance(expr, yaml.ScalarNode):
            continue
        value = rewrite(str(expr.value), rw)
        alert = _get(rule, "alert")
        mine = [
            (i, c)
            for i, c, place in places
            if place.file == filename
            and alert is not None
            and alert.value == place.alert
            and _label(rule, "severity") == place.severity
        ]
        used |= {i for i, _c in mine}
        if mine and alert is not None:
            value = replace_numbers(value, {c.old: literal(c.new) for _i, c in mine})
            _change_phrases(rule, str(alert.value), [c for _i, c in mine], edits)
        if value != expr.value:
            edits[expr.start_mark.index] = (expr, value)
    for i, _change, place in places:
        if place.file == filename and i not in used:
            raise RewriteError(
                f"{filename}: no alert {place.alert} with severity {place.severity} for a threshold"
            )
    out = text
    for _start, (node, value) in sorted(edits.items(), reverse=True):
        start, end = node.start_mark.index, node.end_mark.index
        out = out[:start] + render(node, text[start:end], value) + out[end:]
    _check(text, out, filename, {id(n): v for n, v in edits.values()}, root)
    return out


def _change_phrases(
    rule: yaml.MappingNode,
    alert: str,
    changes: list[ThresholdChange],
    edits: dict[int, tuple[yaml.ScalarNode, str]],
) -> None:
    annotations = _get(rule, "annotations")
    nodes = [v for _k, v in annotations.value] if isinstance(annotations, yaml.MappingNode) else []
    pairs = phrase_pairs(changes)
    hit: set[str] = set()
    for node in nodes:
        new, found = replace_phrases(str(node.value), pairs)
        hit |= found
        if new != node.value:
            edits[node.start_mark.index] = (node, new)
    missing = [old for old, _new in pairs if old not in hit]
    if missing:
        raise RewriteError(f"{alert}: no annotation says {missing}")


def render(node: yaml.ScalarNode, source: str, value: str) -> str:
    """New source text for a scalar: block scalars stay block scalars at their indent."""
    if node.style in ("|", ">"):
        header, _, body = source.partition("\n")
        lines = body.split("\n")
        content = [line for line in lines if line.strip()]
        indent = " " * (len(content[0]) - len(content[0].lstrip(" "))) if content else "  "
        last = max(i for i, line in enumerate(lines) if line.strip())
        rest = "\n".join(lines[last + 1 :])
        text = value[:-1] if value.endswith("\n") else value
        if node.style == ">" and "\n" not in text and "  " not in text:
            width = max(len(line) for line in content)
            # never break inside a {{ template action }}
            glued = re.sub(r"\{\{.*?\}\}", lambda m: m.group(0).replace(" ", "\x00"), text)
            wrapped = textwrap.wrap(glued, width=width - len(indent), break_long_words=False)
            new_lines = [line.replace("\x00", " ") for line in wrapped] or [""]
        else:
            header = header.replace(">", "|")
            new_lines = text.split("\n")
        block = "\n".join(indent + line if line else "" for line in new_lines)
        return f"{header}\n{block}\n{rest}"
    if "\n" not in value and _plain_ok(value) and node.style is None:
        return value
    return json.dumps(value, ensure_ascii=False)


def _plain_ok(value: str) -> bool:
    try:
        return bool(yaml.safe_load(f"k: {value}") == {"k": value})
    except yaml.YAMLError:
        return False


def _check(
    before: str, after: str, filename: str, new_values: dict[int, str], root: yaml.Node
) -> None:
    expected = _replace(yaml.safe_load(before), root, new_values)
    if yaml.safe_load(after) != expected:
        raise RewriteError(f"{filename}: the rewritten file does not load as expected")


def _replace(data: Any, node: yaml.Node, new_values: dict[int, str]) -> Any:
    """`data` (loaded from the composed `node`) with the scalars of `new_values` replaced."""
    if id(node) in new_values:
        return new_values[id(node)]
    if isinstance(node, yaml.MappingNode):
        values = [v for _, v in node.value]
        return {k: _replace(data[k], v, new_values) for k, v in zip(data, values, strict=True)}
    if isinstance(node, yaml.SequenceNode):
        return [_replace(d, n, new_values) for d, n in zip(data, node.value, strict=True)]
    return data
