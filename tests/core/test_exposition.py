"""Our text-format renderer is byte-identical to prometheus_client's `generate_latest`, and
the process/python series keep the names, help texts and types of its default registry."""

from __future__ import annotations

import math
import os
import subprocess
import sys

from prometheus_client import REGISTRY, generate_latest
from prometheus_client.parser import text_string_to_metric_families

from exporters.core.catalogue import Catalogue, counter, gauge, info, state_set
from exporters.core.exposition import format_value, process_families, render
from exporters.core.metrics import MetricSink

SIZE = gauge("demo_size_bytes", "Size in bytes.\nSecond line with a \\ backslash.", "path")
READS = counter("demo_reads_total", 'Reads "quoted".', "kind")
INFO = info("demo_info", "Identity (value 1).", "model", "firmware")
STATE = state_set("demo_state", "Current state.", "state", ("ok", "failed", "unknown"))
TEMP = gauge("demo_temperature_celsius", "Temperature.", unit="celsius")
CATALOGUE = Catalogue("demo", [SIZE, READS, INFO, STATE, TEMP])

VALUES = [
    0,
    1,
    -1,
    0.5,
    1e-9,
    123456.0,
    1234567.0,  # Go switches to exponents here
    1.7961138472497418e09,
    12345678901234567890.0,
    -1234567.5,
    math.inf,
    -math.inf,
    2**53,
    True,
]


def varied_sink() -> MetricSink:
    """Every kind, awkward label values (quotes, backslashes, newlines, UTF-8, empty),
    awkward numbers, several targets merged."""
    total = MetricSink(catalogue=CATALOGUE)
    for t, target in enumerate(["srv-1", 'we"ird\\tar\nget', "äöü-ß"]):
        sink = MetricSink({"target": target}, CATALOGUE)
        for i, value in enumerate(VALUES):
            sink.put(SIZE, value, {"path": f'C:\\Backup\\{i}\n"x"'})
        sink.put(READS, 10**t, {"kind": ""})
        sink.put(READS, 0.25, {"kind": "zeilen\u2028umbruch"})
        sink.put_info(INFO, {"model": "Smart-UPS 1500", "firmware": 'v1 "beta"'})
        sink.put_state(STATE, "failed" if t else "ok")
        sink.put(TEMP, None)  # left out, family stays
        sink.touch(TEMP)
        total.merge(sink)
    return total


def test_render_is_byte_identical_to_prometheus_client() -> None:
    sink = varied_sink()
    ours = render(sink.families())
    theirs = generate_latest(sink)  # type: ignore[arg-type]
    assert ours == theirs
    assert b"+Inf" in ours and b"-Inf" in ours
    assert b"\\\\Backup" in ours and b'\\n\\"x\\"' in ours
    assert b"# HELP demo_size_bytes Size in bytes.\\nSecond line with a \\\\ backslash." in ours


def test_render_of_an_empty_sink_and_of_one_family() -> None:
    empty = MetricSink()
    assert render(empty.families()) == generate_latest(empty) == b""  # type: ignore[arg-type]
    one = MetricSink({"target": "a"})
    one.put(gauge("x_up", "Up."), 1)
    assert render(one.families()) == generate_latest(one)  # type: ignore[arg-type]


def test_values_are_formatted_as_the_go_client_does() -> None:
    assert format_value(math.nan) == "NaN"
    assert format_value(math.inf) == "+Inf"
    assert format_value(-math.inf) == "-Inf"
    assert format_value(1234567.0) == "1.234567e+06"
    assert format_value(12345678.0) == "1.2345678e+07"
    assert format_value(1.0) == "1.0"


def test_process_series_keep_the_python_clients_names_help_and_types() -> None:
    theirs = {
        f.name: (f.documentation, f.type, sorted(s.name for s in f.samples))
        for f in text_string_to_metric_families(generate_latest(REGISTRY).decode())
    }
    ours = {
        f.name: (f.documentation, f.type, sorted(s.name for s in f.samples))
        for f in text_string_to_metric_families(render(process_families()).decode())
    }
    assert ours == theirs
    assert set(ours) >= {"process_resident_memory_bytes", "process_cpu_seconds", "python_info"}


def test_process_values_are_this_processs() -> None:
    families = {f.name: f for f in process_families()}
    rss = families["process_resident_memory_bytes"].samples[0].value
    with open("/proc/self/status") as status:
        kib = next(int(line.split()[1]) for line in status if line.startswith("VmRSS"))
    assert 0.5 < rss / (kib * 1024) < 2
    open_fds = families["process_open_fds"].samples[0].value
    assert abs(open_fds - len(os.listdir("/proc/self/fd"))) <= 3


def test_an_exporter_process_never_imports_prometheus_client() -> None:
    code = (
        "import sys, exporters.core.app, exporters.core.multi\n"
        "print('prometheus_client' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert out.stdout.strip() == "False"
