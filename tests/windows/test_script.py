"""Write-PraxisWindowsStatus.ps1 cannot run here (no PowerShell): its syntax is checked with a
real PowerShell grammar (tree-sitter-powershell), its samples of output are checked against
what the script writes and against what windows_exporter's textfile collector accepts, and
the scheduled task definition against the Task Scheduler schema's structure."""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import pytest
import tree_sitter
import tree_sitter_powershell

from devkit.prometheus import REPO, promtool_check_metrics

SCRIPTS = REPO / "scripts" / "windows"
STATUS_SCRIPT = SCRIPTS / "Write-PraxisWindowsStatus.ps1"
REGISTER_SCRIPT = SCRIPTS / "Register-PraxisWindowsStatusTask.ps1"
TASK_XML = SCRIPTS / "Praxis-WindowsStatus.task.xml"
FIXTURES = REPO / "tests" / "windows" / "fixtures"
SAMPLES = sorted(FIXTURES.glob("praxis_windows_status*.prom"))
TASK_NS = {"t": "http://schemas.microsoft.com/windows/2004/02/mit/task"}
SAMPLE_LINE = re.compile(
    r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?:[^"}]|"(?:[^"\\]|\\.)*")*\})? (\S+)(?: (\S+))?$'
)
PARSER = tree_sitter.Parser(tree_sitter.Language(tree_sitter_powershell.language()))


def parse(source: bytes) -> tree_sitter.Tree:
    return PARSER.parse(source)


def walk(node: tree_sitter.Node) -> Iterator[tree_sitter.Node]:
    yield node
    for child in node.children:
        yield from walk(child)


def problems(tree: tree_sitter.Tree) -> list[str]:
    """ERROR and MISSING nodes, as 'line: text'."""
    return [
        f"{n.start_point[0] + 1}: {n.type} {(n.text or b'').decode(errors='replace')[:60]!r}"
        for n in walk(tree.root_node)
        if n.type == "ERROR" or n.is_missing
    ]


@pytest.mark.parametrize("script", [STATUS_SCRIPT, REGISTER_SCRIPT], ids=lambda p: p.name)
def test_scripts_parse_without_errors(script: Path) -> None:
    tree = parse(script.read_bytes())
    assert problems(tree) == []
    functions = [n for n in walk(tree.root_node) if n.type == "function_statement"]
    if script == STATUS_SCRIPT:
        # the grammar saw the structure, not one opaque blob
        names = {
            (c.text or b"").decode()
            for f in functions
            for c in f.children
            if c.type == "function_name"
        }
        assert {"Add-DefenderStatus", "Add-RebootPendingStatus", "Write-Exposition"} <= names


def test_the_grammar_catches_a_broken_script() -> None:
    source = STATUS_SCRIPT.read_text()
    broken = source.replace("function Get-Exposition {", "function Get-Exposition {{ (", 1)
    assert problems(parse(broken.encode())) != []


@pytest.mark.parametrize("script", [STATUS_SCRIPT, REGISTER_SCRIPT], ids=lambda p: p.name)
def test_scripts_are_ascii(script: Path) -> None:
    """Windows PowerShell 5.1 reads a .ps1 without BOM as ANSI: non-ASCII text would break."""
    script.read_bytes().decode("ascii")


def script_metrics() -> dict[str, str]:
    """{metric name: HELP text} of every Add-Sample call in the status script."""
    tree = parse(STATUS_SCRIPT.read_bytes())
    found: dict[str, str] = {}
    for node in walk(tree.root_node):
        if node.type != "command":
            continue
        text = (node.text or b"").decode()
        if not text.startswith("Add-Sample"):
            continue
        name = re.search(r"-Name\s+'([a-z_]+)'", text)
        help_text = re.search(r"-Help\s+'([^']*)'", text)
        assert name and help_text, text
        found[name.group(1)] = help_text.group(1)
    return found


def families(text: str) -> dict[str, dict[str, list[str]]]:
    """{name: {'help': [...], 'type': [...], 'samples': [lines]}} of an exposition."""
    out: dict[str, dict[str, list[str]]] = {}
    for line in text.splitlines():
        if line.startswith("# HELP ") or line.startswith("# TYPE "):
            kind, name, rest = line[2:6].lower(), *line[7:].split(" ", 1)
            out.setdefault(name, {"help": [], "type": [], "samples": []})[kind].append(rest)
        elif line and not line.startswith("#"):
            name = re.split(r"[{ ]", line, maxsplit=1)[0]
            out.setdefault(name, {"help": [], "type": [], "samples": []})["samples"].append(line)
    return out


def test_script_and_samples_agree() -> None:
    """Every family in the output samples is written by the script with the same HELP, and
    every family the script writes shows up in a sample."""
    declared = script_metrics()
    seen: set[str] = set()
    for sample in SAMPLES:
        for name, family in families(sample.read_text()).items():
            assert name in declared, f"{sample.name}: {name} is not written by the script"
            assert family["help"] == [declared[name]], f"{sample.name}: HELP of {name}"
            seen.add(name)
    assert seen == set(declared)


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.name)
def test_samples_are_what_the_textfile_collector_accepts(sample: Path) -> None:
    raw = sample.read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf"), "UTF-8 BOM"
    assert b"\r" not in raw and raw.endswith(b"\n")
    text = raw.decode("utf-8")
    assert promtool_check_metrics(text) == ""
    series: set[str] = set()
    for name, family in families(text).items():
        assert family["type"] == ["gauge"], name
        assert len(family["help"]) == 1, name
        for line in family["samples"]:
            match = SAMPLE_LINE.match(line)
            assert match, line
            key = match.group(1) + (match.group(2) or "")
            value, timestamp = match.group(3), match.group(4)
            assert timestamp is None, f"timestamp in {line!r}"
            assert not math.isnan(float(value)), line
            assert key not in series, f"duplicate series {key}"
            series.add(key)


def test_script_writes_like_the_textfile_collector_demands() -> None:
    """UTF-8 without BOM, invariant number format, a temporary file that is not *.prom,
    swapped in with File.Replace; no sample timestamps."""
    source = STATUS_SCRIPT.read_text()
    assert "New-Object System.Text.UTF8Encoding -ArgumentList $false" in source
    assert "[System.IO.File]::Replace($temporary, $target, [NullString]::Value)" in source
    assert re.search(r"'\{0\}\.\{1\}\.tmp' -f \$OutputFileName", source)
    assert "ToString('R', $Invariant)" in source
    assert "Out-File" not in source and "Set-Content" not in source  # UTF-16 / BOM writers
    assert "'{0}{1} {2}' -f $name, $labels, $value" in source  # name, labels, value: no timestamp


def test_scheduled_task_definition() -> None:
    root = ET.parse(TASK_XML).getroot()
    assert root.tag == f"{{{TASK_NS['t']}}}Task" and root.get("version") == "1.2"
    assert root.findtext("t:Principals/t:Principal/t:UserId", namespaces=TASK_NS) == "S-1-5-18"
    repetition = root.find("t:Triggers/t:TimeTrigger/t:Repetition/t:Interval", TASK_NS)
    assert repetition is not None and repetition.text == "PT15M"
    assert root.find("t:Triggers/t:BootTrigger", TASK_NS) is not None
    settings = root.find("t:Settings", TASK_NS)
    assert settings is not None
    assert settings.findtext("t:MultipleInstancesPolicy", namespaces=TASK_NS) == "IgnoreNew"
    assert settings.findtext("t:ExecutionTimeLimit", namespaces=TASK_NS) == "PT10M"
    command = root.findtext("t:Actions/t:Exec/t:Command", namespaces=TASK_NS) or ""
    arguments = root.findtext("t:Actions/t:Exec/t:Arguments", namespaces=TASK_NS) or ""
    assert command.endswith(r"WindowsPowerShell\v1.0\powershell.exe")
    assert "-NonInteractive" in arguments and STATUS_SCRIPT.name in arguments
    # the registration script edits exactly this element
    assert "/t:Task/t:Actions/t:Exec/t:Arguments" in REGISTER_SCRIPT.read_text()
