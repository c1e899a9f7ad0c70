"""Log formats and redaction of registered secrets."""

from __future__ import annotations

import json
import logging

import pytest

from exporters.core import redaction
from exporters.core.logsetup import JsonFormatter, LogfmtFormatter, fields, setup_logging


def record(msg: str, **kv: object) -> logging.LogRecord:
    rec = logging.LogRecord("t", logging.WARNING, __file__, 1, msg, (), None)
    for key, val in fields(**kv).items():
        setattr(rec, key, val)
    return rec


def test_logfmt_quotes_and_redacts() -> None:
    redaction.clear()
    redaction.register("hunter2-secret")
    line = LogfmtFormatter().format(record("login failed", target="db", err="pw hunter2-secret"))
    assert "level=warn" in line
    assert 'msg="login failed"' in line
    assert "target=db" in line
    assert 'err="pw <secret>"' in line
    assert "hunter2" not in line


def test_json_lines_parse() -> None:
    line = JsonFormatter().format(record("x", target="a", n=3))
    data = json.loads(line)
    assert data["msg"] == "x" and data["target"] == "a" and data["n"] == 3
    assert data["level"] == "warn"


def test_bad_level_and_format_rejected() -> None:
    with pytest.raises(ValueError):
        setup_logging("loud", "logfmt")
    with pytest.raises(ValueError):
        setup_logging("info", "xml")
