"""Shared bits of the backup tests: run the collector on one target like a scrape does."""

from __future__ import annotations

from pathlib import Path

from exporters.backup.catalogue import CATALOGUE
from exporters.backup.collector import BackupCollector
from exporters.backup.config import BackupConfig
from exporters.core import Deadline, MetricSink
from exporters.core.config import parse_config


def load(text: str, base: Path) -> BackupConfig:
    return parse_config(text, BackupConfig, base_dir=base)


def collect(collector: BackupCollector, name: str, timeout: float = 30.0) -> MetricSink:
    """One target's series, as the core's scrape runner would collect them."""
    sink = MetricSink({"target": name}, CATALOGUE)
    collector.collect_target(name, collector.config.targets[name], Deadline.after(timeout), sink)
    return sink
