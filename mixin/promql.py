"""Rewrite the label matchers of every vector selector in a PromQL expression, in place.

The expression keeps its layout (line breaks, comments, Grafana variables): a tokenizer
finds each selector's span, the edits touch only the inside of `{...}` (or add braces after
a bare metric name), and the result is then checked against a real PromQL parser
(`promql-parser`, the Rust port of Prometheus' grammar): the rewritten expression must
parse to the same tree with exactly the expected matchers in each selector. A rewrite that
would change anything else raises instead of writing a wrong rule.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import promql_parser

# Series that rule evaluation produces: their labels are what the rules kept, so a matcher
# on a scrape label (cluster="...") would not find them. They are computed from selectors
# that carry the matchers already.
RULE_OUTPUT_SERIES = frozenset({"ALERTS", "ALERTS_FOR_STATE"})

_KEYWORDS = frozenset(
    {"and", "or", "unless", "atan2", "bool", "offset", "by", "without", "on", "ignoring"}
    | {"group_left", "group_right"}
)
_LABEL_LISTS = frozenset({"by", "without", "on", "ignoring", "group_left", "group_right"})
_AGGREGATIONS = frozenset(
    {"sum", "min", "max", "avg", "group", "stddev", "stdvar", "count", "count_values"}
    | {"bottomk", "topk", "quantile", "limitk", "limit_ratio"}
)
_OPERATORS = ("==", "!=", ">=", "<=", "=~", "!~", "=", ">", "<", "+", "-", "*", "/", "%", "^")
_PUNCT = {"@": "op", ",": "comma", "(": "lparen", ")": "rparen", "{": "lbrace", "}": "rbrace"}
_NUMBER = re.compile(
    r"0[xX][0-9a-fA-F]+|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?[a-zA-Z0-9_]*", re.ASCII
)
_IDENT = re.compile(r"[a-zA-Z_:][a-zA-Z0-9_:]*", re.ASCII)
_VAR = re.compile(r"\$\{[^}]*\}|\$\w+")
_MATCH_OPS = {"=": "Equal", "!=": "NotEqual", "=~": "Re", "!~": "NotRe"}


class RewriteError(ValueError):
    """The expression could not be rewritten safely (names the expression and why)."""


@dataclass(frozen=True)
class Token:
    kind: str  # ws comment string number ident var range op comma lparen rparen lbrace rbrace
    text: str
    start: int
    end: int


@dataclass(frozen=True)
class Matcher:
    label: str
    op: str  # = != =~ !~
    value: str

    def render(self) -> str:
        return f"{self.label}{self.op}{quote(self.value)}"


@dataclass(frozen=True)
class MatcherSpan:
    matcher: Matcher
    start: int
    end: int


@dataclass(frozen=True)
class SelectorSpan:
    """Where one vector selector sits in the text."""

    name: str | None
    name_end: int  # insertion point for `{...}` after a bare metric name
    brace_open: int | None  # offset of `{`
    brace_close: int | None  # offset of `}`
    matchers: tuple[MatcherSpan, ...]
    trailing_comma: bool

    def metric(self) -> str | None:
        if self.name:
            return self.name
        for span in self.matchers:
            if span.matcher.label == "__name__" and span.matcher.op == "=":
                return span.matcher.value
        return None


def quote(value: str) -> str:
    """A PromQL double-quoted string literal."""
    escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{escaped}"'


def unquote(literal: str) -> str:
    """The value of a PromQL string literal (double, single or back quotes)."""
    if literal.startswith("`"):
        return literal[1:-1]
    body = literal[1:-1]
    out: list[str] = []
    i = 0
    simple = {"n": "\n", "t": "\t", "r": "\r", "\\": "\\", '"': '"', "'": "'", "a": "\a"}
    simple |= {"b": "\b", "f": "\f", "v": "\v"}
    while i < len(body):
        ch = body[i]
        if ch == "\\" and i + 1 < len(body):
            nxt = body[i + 1]
            if nxt in simple:
                out.append(simple[nxt])
                i += 2
                continue
            raise RewriteError(f"unsupported escape \\{nxt} in {literal}")
        out.append(ch)
        i += 1
    return "".join(out)


def tokenize(expr: str, grafana: bool = False) -> list[Token]:
    """PromQL tokens; with `grafana`, `$var`/`${var}` outside strings are tokens too."""
    tokens: list[Token] = []
    i = 0
    n = len(expr)
    while i < n:
        ch = expr[i]
        start = i
        if ch.isspace():
            while i < n and expr[i].isspace():
                i += 1
            kind = "ws"
        elif ch == "#":
            while i < n and expr[i] != "\n":
                i += 1
            kind = "comment"
        elif ch in "\"'`":
            i += 1
            while i < n and expr[i] != ch:
                i += 2 if expr[i] == "\\" and ch != "`" else 1
            if i >= n:
                raise RewriteError(f"unterminated string in {expr!r}")
            i += 1
            kind = "string"
        elif ch == "[":
            close = expr.find("]", i)
            if close < 0:
                raise RewriteError(f"unterminated range in {expr!r}")
            i = close + 1
            kind = "range"
        elif ch == "$":
            if not grafana:
                raise RewriteError(f"'$' outside a string in {expr!r}")
            match = _VAR.match(expr, i)
            if not match:
                raise RewriteError(f"lone '$' in {expr!r}")
            i = match.end()
            kind = "var"
        elif (number := _NUMBER.match(expr, i)) and (ch.isdigit() or ch == "."):
            i = number.end()
            kind = "number"
        elif ident := _IDENT.match(expr, i):
            i = ident.end()
            kind = "ident"
        elif ch in _PUNCT:
            i += 1
            kind = _PUNCT[ch]
        else:
            op = next((o for o in _OPERATORS if expr.startswith(o, i)), None)
            if op is None:
                raise RewriteError(f"unexpected {ch!r} at {i} in {expr!r}")
            i += len(op)
            kind = "op"
        tokens.append(Token(kind, expr[start:i], start, i))
    return tokens


def _significant(tokens: Sequence[Token]) -> list[Token]:
    return [t for t in tokens if t.kind not in ("ws", "comment")]


def find_selectors(expr: str, grafana: bool = False) -> list[SelectorSpan]:
    """Every vector selector of `expr` in textual order, from its tokens."""
    toks = _significant(tokenize(expr, grafana))
    found: list[SelectorSpan] = []
    i = 0
    while i < len(toks):
        tok = toks[i]
        nxt = toks[i + 1] if i + 1 < len(toks) else None
        if tok.kind == "lbrace":
            span, i = _braces(expr, toks, i, None, tok.start)
            found.append(span)
            continue
        if tok.kind == "ident":
            word = tok.text
            lower = word.lower()
            if word in _LABEL_LISTS and nxt is not None and nxt.kind == "lparen":
                i = _skip_parens(toks, i + 1)
                continue
            if (
                word in _KEYWORDS
                or lower in ("inf", "nan")
                or (nxt is not None and nxt.kind == "lparen")
                or (word in _AGGREGATIONS and nxt is not None and nxt.text in ("by", "without"))
            ):
                i += 1
                continue
            if nxt is not None and nxt.kind == "lbrace":
                span, i = _braces(expr, toks, i + 1, word, tok.end)
                found.append(span)
                continue
            found.append(SelectorSpan(word, tok.end, None, None, (), False))
        i += 1
    return found


def _skip_parens(toks: Sequence[Token], i: int) -> int:
    depth = 0
    while i < len(toks):
        if toks[i].kind == "lparen":
            depth += 1
        elif toks[i].kind == "rparen":
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    raise RewriteError("unbalanced parentheses")


def _braces(
    expr: str, toks: Sequence[Token], i: int, name: str | None, name_end: int
) -> tuple[SelectorSpan, int]:
    """Parse `{label op "value", ...}` starting at toks[i] == '{'."""
    open_tok = toks[i]
    i += 1
    matchers: list[MatcherSpan] = []
    trailing_comma = False
    while True:
        if i >= len(toks):
            raise RewriteError(f"unterminated selector in {expr!r}")
        tok = toks[i]
        if tok.kind == "rbrace":
            break
        if i + 2 >= len(toks):
            raise RewriteError(f"unterminated selector in {expr!r}")
        label, op, value = tok, toks[i + 1], toks[i + 2]
        if (
            label.kind not in ("ident", "string")
            or op.text not in _MATCH_OPS
            or value.kind != "string"
        ):
            raise RewriteError(f"cannot read the matcher at {label.start} in {expr!r}")
        label_name = unquote(label.text) if label.kind == "string" else label.text
        matcher = Matcher(label_name, op.text, unquote(value.text))
        matchers.append(MatcherSpan(matcher, label.start, value.end))
        i += 3
        trailing_comma = False
        if toks[i].kind == "comma":
            trailing_comma = True
            i += 1
        elif toks[i].kind != "rbrace":
            raise RewriteError(f"expected ',' or '}}' at {toks[i].start} in {expr!r}")
    return (
        SelectorSpan(
            name, name_end, open_tok.start, toks[i].start, tuple(matchers), trailing_comma
        ),
        i + 1,
    )


MatcherMap = Callable[[Matcher], Matcher]


@dataclass(frozen=True)
class Rewrite:
    """What to do to every selector: map some matchers, add extra ones."""

    replace: MatcherMap
    extra: tuple[Matcher, ...] = ()

    def matchers_for(self, metric: str | None, existing: Sequence[Matcher]) -> list[Matcher]:
        """The full matcher list a selector gets (existing ones mapped, extras appended)."""
        out = [self.replace(m) for m in existing]
        if not takes_extra(metric):
            return out
        labels = {m.label for m in existing}
        return out + [m for m in self.extra if m.label not in labels]


def takes_extra(metric: str | None) -> bool:
    """Whether the extra matchers go into a selector of this metric (None: any name)."""
    return metric is None or (":" not in metric and metric not in RULE_OUTPUT_SERIES)


def rewrite(expr: str, rw: Rewrite, grafana: bool = False) -> str:
    """`expr` with every selector's matchers rewritten; layout kept; parser-checked."""
    edits: list[tuple[int, int, str]] = []
    for sel in find_selectors(expr, grafana):
        existing = [s.matcher for s in sel.matchers]
        wanted = rw.matchers_for(sel.metric(), existing)
        if wanted == existing:
            continue
        for span, new in zip(sel.matchers, wanted, strict=False):
            if new != span.matcher:
                edits.append((span.start, span.end, new.render()))
        added = ", ".join(m.render() for m in wanted[len(existing) :])
        if not added:
            continue
        if sel.brace_close is None:
            edits.append((sel.name_end, sel.name_end, "{" + added + "}"))
        elif not existing or sel.trailing_comma:
            edits.append((sel.brace_close, sel.brace_close, added))
        else:
            last_end = sel.matchers[-1].end
            edits.append((last_end, last_end, ", " + added))
    out = _apply(expr, edits)
    if out != expr:
        check_rewrite(expr, out, rw, grafana)
    return out


def _apply(text: str, edits: list[tuple[int, int, str]]) -> str:
    for start, end, new in sorted(edits, reverse=True):
        text = text[:start] + new + text[end:]
    return text


def parseable(expr: str, grafana: bool = False) -> str:
    """`expr` with Grafana variables replaced by something that parses (for checks only)."""
    if not grafana:
        return expr
    parts = []
    for tok in tokenize(expr, grafana=True):
        if tok.kind == "var":
            parts.append("0")
        elif tok.kind == "range":
            parts.append(_VAR.sub("5m", tok.text))
        elif tok.kind == "string":
            parts.append(_VAR.sub(".*", tok.text))
        else:
            parts.append(tok.text)
    return "".join(parts)


def parse(expr: str, grafana: bool = False) -> Any:
    try:
        return promql_parser.parse(parseable(expr, grafana))
    except ValueError as exc:
        raise RewriteError(f"does not parse: {expr!r}: {exc}") from exc


def ast_selectors(tree: Any) -> list[Any]:
    out: list[Any] = []

    def visit(node: Any) -> None:
        if isinstance(node, promql_parser.VectorSelector):
            out.append(node)

    promql_parser.walk(tree, pre_visit=visit)
    return out


def skeleton(tree: Any) -> str:
    """The tree printed with every selector replaced by one placeholder."""
    placeholder = promql_parser.parse("x")

    def visit(node: Any) -> Any:
        return placeholder if isinstance(node, promql_parser.VectorSelector) else None

    return str(promql_parser.transform(tree, post_visit=visit))


def ast_matchers(node: Any) -> list[Matcher]:
    ops = [(getattr(promql_parser.MatchOp, v), k) for k, v in _MATCH_OPS.items()]
    return [
        Matcher(m.name, next(k for op, k in ops if op == m.op), m.value)
        for m in node.matchers.matchers
    ]


def check_rewrite(before: str, after: str, rw: Rewrite, grafana: bool) -> None:
    """The parser's view: same tree outside the selectors; each selector has the same
    name, offset and @, and exactly the matchers `rw` asks for."""
    old_tree, new_tree = parse(before, grafana), parse(after, grafana)
    if skeleton(old_tree) != skeleton(new_tree):
        raise RewriteError(f"rewrite changed the expression's structure: {before!r} -> {after!r}")
    old_sels, new_sels = ast_selectors(old_tree), ast_selectors(new_tree)
    if len(old_sels) != len(new_sels):
        raise RewriteError(f"selector count changed: {before!r} -> {after!r}")
    for old, new in zip(old_sels, new_sels, strict=True):
        name = old.name or next(
            (m.value for m in ast_matchers(old) if m.label == "__name__" and m.op == "="), None
        )
        expected = rw.matchers_for(name, ast_matchers(old))
        same_place = (old.name, str(old.offset), str(old.at)) == (
            new.name,
            str(new.offset),
            str(new.at),
        )
        if not same_place or ast_matchers(new) != expected:
            raise RewriteError(
                f"selector {old} became {new}, expected matchers {expected}: {after!r}"
            )


def replace_numbers(expr: str, changes: dict[float, str], grafana: bool = False) -> str:
    """`expr` with each number literal of value `old` (each must occur exactly once) replaced
    by its new text, all at once (so 90->30 and 30->10 do not chain); parser-checked."""
    edits = []
    for old, new in changes.items():
        hits = [t for t in tokenize(expr, grafana) if t.kind == "number" and _value(t.text) == old]
        if len(hits) != 1:
            raise RewriteError(f"expected the number {old:g} once in {expr!r}, found {len(hits)}")
        edits.append((hits[0].start, hits[0].end, new))
    out = _apply(expr, edits)
    before, after = parse(expr, grafana), parse(out, grafana)
    expected = [float(changes[n]) if n in changes else n for n in _numbers(before)]
    if skeleton(_blank_numbers(before)) != skeleton(_blank_numbers(after)) or (
        _numbers(after) != expected
    ):
        raise RewriteError(f"replacing {changes} changed more: {expr!r} -> {out!r}")
    return out


def _value(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None  # a duration (5m) or hex


def _numbers(tree: Any) -> list[float]:
    out: list[float] = []

    def visit(node: Any) -> None:
        if isinstance(node, promql_parser.NumberLiteral):
            out.append(float(node.val))

    promql_parser.walk(tree, pre_visit=visit)
    return out


def _blank_numbers(tree: Any) -> Any:
    zero = promql_parser.parse("0")

    def visit(node: Any) -> Any:
        return zero if isinstance(node, promql_parser.NumberLiteral) else None

    return promql_parser.transform(tree, post_visit=visit)


def parse_matchers(text: str) -> list[Matcher]:
    """`cluster="a", env=~"prod.*"` -> matchers (checked by the parser)."""
    tree = parse("{" + text + "}")
    if not isinstance(tree, promql_parser.VectorSelector) or tree.name:
        raise RewriteError(f"not a list of label matchers: {text!r}")
    return ast_matchers(tree)
