"""The Prometheus text format 0.0.4, written here instead of importing prometheus_client.

The exporters need three things from a client library: a metric family, a sample and the
text renderer. prometheus_client brings those with its registry, default collectors, HTTP
servers, OpenMetrics and multiprocess support: about 2-5 MiB per process that is never
used. What is rendered here is byte-identical to `prometheus_client.generate_latest` for
the families a `MetricSink` holds (proved by `tests/core/test_exposition.py`), including
the escaping of help texts and label values and `+Inf`/`-Inf`/`NaN`.

The Go exporters answer in the text format unless OpenMetrics is switched on; so do these
(Prometheus asks for OpenMetrics first and accepts the text format).

`process_families()` gives the `process_*` and `python_*` series that prometheus_client's
default registry exported, with the same names, help texts and values.
"""

from __future__ import annotations

import gc
import os
import platform
from collections.abc import Iterable
from typing import Any, NamedTuple

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"


class Sample(NamedTuple):
    """One sample; the same fields as `prometheus_client.samples.Sample`."""

    name: str
    labels: dict[str, str]
    value: float
    timestamp: float | None = None
    exemplar: Any = None
    native_histogram: Any = None


class Metric:
    """One metric family: name (a counter's without `_total`), help, type, samples."""

    __slots__ = ("documentation", "name", "samples", "type", "unit")

    def __init__(self, name: str, documentation: str, typ: str, unit: str = "") -> None:
        self.name = name
        self.documentation = documentation
        self.type = typ
        self.unit = unit
        self.samples: list[Sample] = []

    def add_sample(self, name: str, labels: dict[str, str], value: float) -> None:
        self.samples.append(Sample(name, labels, value))

    def __repr__(self) -> str:
        return f"Metric({self.name!r}, {self.type!r}, {len(self.samples)} samples)"


_INF = float("inf")


def format_value(value: float) -> str:
    """A sample value as Go's client writes it (`+Inf`, `-Inf`, `NaN`, exponent from 1e+07)."""
    if -_INF < value < _INF:  # finite (NaN compares false)
        text = repr(float(value))
        if value > 0:
            dot = text.find(".")
            if dot > 6:
                mantissa = f"{text[0]}.{text[1:dot]}{text[dot + 1 :]}".rstrip("0.")
                return f"{mantissa}e+{dot - 1:02d}"
        return text
    if value == _INF:
        return "+Inf"
    if value == -_INF:
        return "-Inf"
    return "NaN"


def _label_value(value: str) -> str:
    if "\\" in value or "\n" in value or '"' in value:
        return value.replace("\\", r"\\").replace("\n", r"\n").replace('"', r"\"")
    return value


def _help(text: str) -> str:
    return text.replace("\\", r"\\").replace("\n", r"\n")


def _exposed(family: Metric) -> tuple[str, str]:
    """Name and type in `# HELP`/`# TYPE` (OpenMetrics-style families munged as the
    Python client does)."""
    name, kind = family.name, family.type
    if kind == "counter":
        return name + "_total", kind
    if kind == "info":
        return name + "_info", "gauge"
    if kind == "stateset":
        return name, "gauge"
    if kind == "gaugehistogram":
        return name, "histogram"
    if kind == "unknown":
        return name, "untyped"
    return name, kind


_HEADERS_LIMIT = 4096
_headers: dict[tuple[str, str, str], str] = {}
"""`# HELP`/`# TYPE` of each family seen: the same few hundred every scrape."""


def render(families: Iterable[Metric]) -> bytes:
    """The text format 0.0.4 of `families` (names and label names are valid by catalogue)."""
    out: list[str] = []
    append = out.append
    headers = _headers
    for family in families:
        key = (family.name, family.documentation, family.type)
        header = headers.get(key)
        if header is None:
            name, kind = _exposed(family)
            header = f"# HELP {name} {_help(family.documentation)}\n# TYPE {name} {kind}"
            if len(headers) < _HEADERS_LIMIT:
                headers[key] = header
        append(header)
        for sample in family.samples:
            labels = sample.labels
            if labels:
                inner = ",".join([f'{key}="{_label_value(labels[key])}"' for key in sorted(labels)])
                line = f"{sample.name}{{{inner}}} {format_value(sample.value)}"
            else:
                line = f"{sample.name} {format_value(sample.value)}"
            if sample.timestamp is not None:
                line += f" {int(float(sample.timestamp) * 1000):d}"
            append(line)
    out.append("")  # the last line ends with a newline too
    return "\n".join(out).encode("utf-8")


def _ticks() -> float:
    try:
        return float(os.sysconf("SC_CLK_TCK"))
    except (ValueError, OSError, AttributeError):
        return 100.0


_TICKS = _ticks()
_PAGESIZE = os.sysconf("SC_PAGESIZE") if hasattr(os, "sysconf") else 4096


def _boot_time() -> float:
    try:
        with open("/proc/stat", "rb") as stat:
            for line in stat:
                if line.startswith(b"btime "):
                    return float(line.split()[1])
    except OSError:
        pass
    return 0.0


_BTIME = _boot_time()
_CPYTHON = platform.python_implementation() == "CPython"


def _python_info() -> Sample:
    major, minor, patch = platform.python_version_tuple()
    labels = {
        "version": platform.python_version(),
        "implementation": platform.python_implementation(),
        "major": major,
        "minor": minor,
        "patchlevel": patch,
    }
    return Sample("python_info", labels, 1.0)


_PYTHON_INFO = _python_info()


def _gauge(name: str, help_text: str, value: float) -> Metric:
    family = Metric(name, help_text, "gauge")
    family.add_sample(name, {}, float(value))
    return family


def process_families() -> list[Metric]:
    """`python_gc_*`, `python_info` and `process_*` of this process, as the Python client's
    default registry exported them (Linux `/proc`; elsewhere only the `python_*` ones)."""
    result: list[Metric] = []
    if _CPYTHON:
        names = (
            ("python_gc_objects_collected", "Objects collected during gc", "collected"),
            (
                "python_gc_objects_uncollectable",
                "Uncollectable objects found during GC",
                "uncollectable",
            ),
            (
                "python_gc_collections",
                "Number of times this generation was collected",
                "collections",
            ),
        )
        stats = gc.get_stats()
        for name, help_text, key in names:
            family = Metric(name, help_text, "counter")
            for generation, numbers in enumerate(stats):
                family.add_sample(name + "_total", {"generation": str(generation)}, numbers[key])
            result.append(family)
    info = Metric("python_info", "Python platform information", "gauge")
    info.samples.append(_PYTHON_INFO)
    result.append(info)
    if not _BTIME:
        return result
    try:
        with open("/proc/self/stat", "rb") as stat:
            parts = stat.read().split(b")")[-1].split()
        cpu = Metric(
            "process_cpu_seconds", "Total user and system CPU time spent in seconds.", "counter"
        )
        cpu.add_sample(
            "process_cpu_seconds_total", {}, float(parts[11]) / _TICKS + float(parts[12]) / _TICKS
        )
        result += [
            _gauge(
                "process_virtual_memory_bytes", "Virtual memory size in bytes.", float(parts[20])
            ),
            _gauge(
                "process_resident_memory_bytes",
                "Resident memory size in bytes.",
                float(parts[21]) * _PAGESIZE,
            ),
            _gauge(
                "process_start_time_seconds",
                "Start time of the process since unix epoch in seconds.",
                float(parts[19]) / _TICKS + _BTIME,
            ),
            cpu,
        ]
    except OSError:
        pass
    try:
        max_fds = None
        with open("/proc/self/limits", "rb") as limits:
            for line in limits:
                if line.startswith(b"Max open file"):
                    max_fds = _gauge(
                        "process_max_fds",
                        "Maximum number of open file descriptors.",
                        float(line.split()[3]),
                    )
                    break
        result.append(
            _gauge(
                "process_open_fds",
                "Number of open file descriptors.",
                len(os.listdir("/proc/self/fd")),
            )
        )
        if max_fds is not None:
            result.append(max_fds)
    except OSError:
        pass
    return result


__all__ = ["CONTENT_TYPE", "Metric", "Sample", "format_value", "process_families", "render"]
