"""Shared runtime of every praxis exporter.

An exporter is a config model plus a collector; everything else (flags, config loading and
reload, HTTP with TLS and basic auth, deadlines, per-target `_up`, logging, redaction of
secrets) lives here so that each exporter stays small.
"""

from exporters.core.app import ExporterSpec, run_exporter
from exporters.core.config import ConfigError, ConfigModel, ExporterConfig, TargetBase
from exporters.core.deadline import Deadline
from exporters.core.durations import Duration, parse_duration
from exporters.core.metrics import MetricSink
from exporters.core.scrape import TargetCollector

__all__ = [
    "ConfigError",
    "ConfigModel",
    "Deadline",
    "Duration",
    "ExporterConfig",
    "ExporterSpec",
    "MetricSink",
    "TargetBase",
    "TargetCollector",
    "parse_duration",
    "run_exporter",
]
