"""PowerShell scripts checked with a real grammar (tree-sitter-powershell): PowerShell itself
cannot run here, so a syntax error in a shipped .ps1 is caught by parsing it."""

from __future__ import annotations

from collections.abc import Iterator

import tree_sitter
import tree_sitter_powershell

PARSER = tree_sitter.Parser(tree_sitter.Language(tree_sitter_powershell.language()))


def parse(source: bytes) -> tree_sitter.Tree:
    return PARSER.parse(source)


def walk(node: tree_sitter.Node) -> Iterator[tree_sitter.Node]:
    yield node
    for child in node.children:
        yield from walk(child)


def problems(tree: tree_sitter.Tree) -> list[str]:
    """ERROR and MISSING nodes, as 'line: type text'."""
    return [
        f"{n.start_point[0] + 1}: {n.type} {(n.text or b'').decode(errors='replace')[:60]!r}"
        for n in walk(tree.root_node)
        if n.type == "ERROR" or n.is_missing
    ]


def commands(tree: tree_sitter.Tree) -> list[tuple[str, str]]:
    """(command name, whole command text) of every command invocation, in order."""
    found = []
    for node in walk(tree.root_node):
        if node.type != "command":
            continue
        names = [c for c in node.children if c.type == "command_name"]
        if names:
            text = (node.text or b"").decode(errors="replace")
            found.append(((names[0].text or b"").decode(), text))
    return found
