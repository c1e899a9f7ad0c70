"""Every dashboard speaks German: titles, descriptions, legends, value texts, column names and
link titles. Metric and label names, API operations and product names stay as they are."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from devkit.dashboards import dashboard_files, load

# Proper names and established terms that look English but are what a German admin says.
ALLOWED = (
    "SQL Server",
    "SQL Agent",
    "Secure Internet Service",
    "Memory Grants Pending",
    "Page Life Expectancy",
    "Forced Writes",
    "Garbage Collection",
    "TI-Lage",
    "Windows Update",
    "windows_exporter",
)
# English words and phrases that must not appear (case-sensitive: German "Last" is load).
ENGLISH = re.compile(
    r"\b(?:"
    r"Certificates?|certificates?|[Ee]xpir\w*|Backups? age|[Rr]untime|[Bb]attery|Status of|"
    r"last|Last (?:run|backup|success|check|seen)|[Dd]atabases?|[Tt]ransactions?|"
    r"[Cc]onnector|[Rr]eachable|[Dd]ays? left|up|down|[Pp]er (?:second|target|day|hour)|"
    r"Overview|[Ss]ize|[Mm]emory|[Ee]rrors?|[Ff]ailed|[Ss]tates?|[Ii]nserted|[Ss]ervices?|"
    r"[Cc]ards?|[Ss]crape|[Cc]hain|[Hh]ost name|[Ff]iles?|[Rr]ead|[Tt]argets?|[Aa]ctivity|"
    r"Attachments|Statements|[Uu]sed|[Ff]ree|[Dd]isk|[Vv]olumes?|[Uu]pdates? pending|"
    r"[Ll]icen[cs]es?|[Ss]ignatures?|[Uu]ptime|[Rr]eboot\w*|[Ll]atency|[Ss]peed|"
    r"the|and|of|with|from|is|are|not|yes|no|or|only|since|until|when"
    r")\b"
)
# Code: label matchers and legend templates, quoted values, paths, flags, variables,
# metric/label/file names (with _ or .), CamelCase API names.
IDENTIFIER = re.compile(
    r"\{[^}]*\}\}?|\"[^\"]*\"|„[^“]*“|'[^']*'|`[^`]*`|<[^>]*>|(?<!\w)/[\w/<>.-]+|--[\w.-]+|\$\{?\w+\}?"
    r"|\b\w*[_.]\w*\b|\b[a-z]+[A-Z]\w*\b|\b[A-Z]+[a-z]+[A-Z]\w*\b"
)
TEXT_KEYS = ("title", "description", "legendFormat", "displayName", "text")


def display_strings(node: Any, path: str = "") -> Iterator[tuple[str, str]]:
    """(where, text) of every string a Grafana user reads on the board."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key in TEXT_KEYS and isinstance(value, str):
                yield f"{path}.{key}", value
            elif key == "renameByName" and isinstance(value, dict):
                yield from ((f"{path}.renameByName", v) for v in value.values())
            elif key not in ("targets", "templating", "datasource"):
                yield from display_strings(value, f"{path}.{key}")
    elif isinstance(node, list):
        for i, item in enumerate(node):
            yield from display_strings(item, f"{path}[{i}]")


def english(text: str) -> list[str]:
    for name in ALLOWED:
        text = text.replace(name, " ")
    return ENGLISH.findall(IDENTIFIER.sub(" ", text))


@pytest.mark.parametrize("path", dashboard_files(), ids=lambda p: p.name)
def test_dashboard_text_is_german(path: Path) -> None:
    found = [
        f"{where}: {text!r} ({', '.join(words)})"
        for where, text in display_strings(load(path))
        if (words := english(text))
    ]
    assert found == [], "\n".join(found)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("Certificates & expiry", ["Certificates", "expiry"]),
        ("Battery runtime of {{target}}", ["Battery", "runtime", "of"]),
        ("Last und Spannungen", []),
        ("ups_battery_runtime_seconds je Phase", []),
        ("Verbindungen im SQL Server (GetCards, connector.sds)", []),
        ("Status of the last backup", ["Status of", "the", "last"]),
        ('x{state="running"} (POST /push/<target>/start, "expired", „expiring“)', []),
    ],
)
def test_the_check_itself(text: str, words: list[str]) -> None:
    assert english(text) == words
