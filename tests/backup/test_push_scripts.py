"""The PowerShell push scripts in docs/backup-push/, parsed with a real PowerShell grammar.

PowerShell cannot run here; tree-sitter-powershell catches syntax errors, and the parse tree
shows that each script does what the docs say (start signal and result, two tasks).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from devkit.powershell import commands, parse, problems, walk

DOCS = Path(__file__).resolve().parents[2] / "docs" / "backup-push"
SCRIPTS = sorted(DOCS.glob("*.ps1"))
SENDERS = [p for p in SCRIPTS if p.name.startswith("Send-")]


def test_all_scripts_are_found() -> None:
    assert {p.name for p in SCRIPTS} == {
        "Register-BackupPushTask.ps1",
        "Send-VeeamAgentResult.ps1",
        "Send-WindowsServerBackupResult.ps1",
    }


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.name)
def test_script_parses_without_errors(script: Path) -> None:
    assert problems(parse(script.read_bytes())) == []


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.name)
def test_script_is_ascii(script: Path) -> None:
    """Windows PowerShell 5.1 reads a .ps1 without BOM as ANSI: non-ASCII would break it."""
    script.read_bytes().decode("ascii")


def test_the_grammar_catches_a_broken_script() -> None:
    source = SENDERS[0].read_text()
    broken = source.replace("if ($Start) {", "if ($Start) {{ (", 1)
    assert broken != source and problems(parse(broken.encode())) != []


@pytest.mark.parametrize("script", SENDERS, ids=lambda p: p.name)
def test_senders_signal_the_start_and_report_the_result(script: Path) -> None:
    tree = parse(script.read_bytes())
    text = script.read_text()
    params = [n for n in walk(tree.root_node) if n.type == "param_block"]
    assert params and "[switch] $Start" in (params[0].text or b"").decode()
    posts = [c for name, c in commands(tree) if name == "Invoke-RestMethod"]
    assert len(posts) == 2  # the start signal and the result
    assert "\"$($Url.TrimEnd('/'))/start\"" in posts[0] and "-Method Post" in posts[0]
    assert "-Uri $Url" in posts[1] and "application/json" in posts[1]
    assert 'Authorization = "Bearer $token"' in text


def test_register_creates_a_start_task_and_a_result_task() -> None:
    script = DOCS / "Register-BackupPushTask.ps1"
    calls = [c for name, c in commands(parse(script.read_bytes())) if name == "Register-PushTask"]
    assert len(calls) == 2
    assert "-Extra ' -Start'" in calls[0] and "-EventQuery $startQuery" in calls[0]
    assert "-EventQuery $query" in calls[1]
    text = script.read_text()
    assert "EventID=1)" in text and "EventID=110)" in text  # WSB and Veeam Agent starts
