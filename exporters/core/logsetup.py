"""Structured logging in the Go exporters' formats: logfmt (default) or JSON.

Call sites log a message plus fields: `log.warning("scrape failed", extra=fields(target=n))`.
Every rendered line passes through secret redaction.
"""

from __future__ import annotations

import json
import logging
import sys
import time
from typing import Any

from exporters.core import redaction

LEVELS = {
    "debug": logging.DEBUG,
    "info": logging.INFO,
    "warn": logging.WARNING,
    "error": logging.ERROR,
}
FORMATS = ("logfmt", "json")
_FIELDS_ATTR = "praxis_fields"


def fields(**kv: Any) -> dict[str, Any]:
    """Build the `extra=` argument that attaches key/value fields to a log record."""
    return {_FIELDS_ATTR: kv}


def _level_name(record: logging.LogRecord) -> str:
    return {"WARNING": "warn", "CRITICAL": "error"}.get(record.levelname, record.levelname.lower())


def _timestamp(record: logging.LogRecord) -> str:
    base = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created))
    return f"{base}.{int(record.msecs):03d}Z"


def _record_fields(record: logging.LogRecord) -> dict[str, Any]:
    out: dict[str, Any] = {
        "ts": _timestamp(record),
        "level": _level_name(record),
        "logger": record.name,
        "msg": record.getMessage(),
    }
    out.update(getattr(record, _FIELDS_ATTR, {}) or {})
    if record.exc_info and record.exc_info[1] is not None:
        exc = record.exc_info[1]
        out["err"] = f"{type(exc).__name__}: {exc}"
    return out


def _logfmt_value(value: Any) -> str:
    text = str(value)
    if text == "" or any(c in text for c in ' ="\\\n\t'):
        escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
        return f'"{escaped}"'
    return text


class LogfmtFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        pairs = (f"{k}={_logfmt_value(v)}" for k, v in _record_fields(record).items())
        return redaction.redact(" ".join(pairs))


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        data = {
            k: v if isinstance(v, int | float | bool) or v is None else str(v)
            for k, v in _record_fields(record).items()
        }
        return redaction.redact(json.dumps(data, ensure_ascii=False))


def setup_logging(level: str = "info", fmt: str = "logfmt") -> None:
    """Configure the root logger once, writing to stderr."""
    if level not in LEVELS:
        raise ValueError(f"unknown log level {level!r}; use one of {', '.join(LEVELS)}")
    if fmt not in FORMATS:
        raise ValueError(f"unknown log format {fmt!r}; use one of {', '.join(FORMATS)}")
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter() if fmt == "json" else LogfmtFormatter())
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(LEVELS[level])
