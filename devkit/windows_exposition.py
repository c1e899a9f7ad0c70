"""The practice server's windows_exporter exposition for tests and the demo, built from the
fixtures in tests/windows/fixtures/ (windows_exporter 0.31 names, see the fixture's header)
and moved to "now": every timestamp-valued sample is shifted by (now - capture time), so the
server booted 12 days ago, its status script ran 5 minutes ago and so on.

Scenarios change single samples (`set`, `drop`) or tell a story (`reboot`,
`stop_service`, `start_service`). `write` replaces the file atomically, which is how the
static exporter (devkit.static_exporter) switches what windows_exporter "reports".

CLI for the demo: `python -m devkit.windows_exposition FILE --scenario power-cut`.
"""

from __future__ import annotations

import argparse
import os
import re
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "tests" / "windows" / "fixtures"
EXPORTER_FIXTURE = FIXTURES / "windows_exporter.prom"
STATUS_FIXTURE = FIXTURES / "praxis_windows_status.prom"
# the script's output on a server with problems (real-time protection off, old signatures,
# a reboot pending for 8 days, the update history part failing)
DEGRADED_STATUS_FIXTURE = FIXTURES / "praxis_windows_status.degraded.prom"
CAPTURE_TIME_METRIC = "windows_time_current_timestamp_seconds"
SERVICE_STATES = (
    "continue pending",
    "pause pending",
    "paused",
    "running",
    "start pending",
    "stop pending",
    "stopped",
)
_SAMPLE = re.compile(r"^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{.*\})? (\S+)$")
_LABEL = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"')


def is_timestamp(name: str) -> bool:
    """Samples whose value is a Unix time (moved with the clock)."""
    return (
        name.endswith(("_timestamp", "_timestamp_seconds", "_mtime_seconds"))
        or name == "windows_service_process"
    )


def parse_labels(text: str | None) -> dict[str, str]:
    if not text:
        return {}
    return {k: v.replace('\\"', '"').replace("\\\\", "\\") for k, v in _LABEL.findall(text)}


@dataclass
class Sample:
    name: str
    labels_text: str
    value: float

    @property
    def labels(self) -> dict[str, str]:
        return parse_labels(self.labels_text)

    def matches(self, name: str, labels: dict[str, str]) -> bool:
        own = self.labels
        return self.name == name and all(own.get(k) == v for k, v in labels.items())

    def line(self) -> str:
        value = repr(float(self.value)) if self.value != int(self.value) else str(int(self.value))
        return f"{self.name}{self.labels_text} {value}"


class WindowsExposition:
    """windows_exporter's /metrics of the fixture server, as of `now`."""

    def __init__(self, now: float | None = None, status: Path | None = STATUS_FIXTURE) -> None:
        """`status`: the status script's output read by the textfile collector (None: no
        script deployed)."""
        self.now = time.time() if now is None else now
        paths = [EXPORTER_FIXTURE] + ([status] if status is not None else [])
        self.lines: list[str | Sample] = []
        for path in paths:
            for raw in path.read_text(encoding="utf-8").splitlines():
                match = _SAMPLE.match(raw)
                if raw.startswith("#") or not match:
                    self.lines.append(raw)
                else:
                    name, labels, value = match.groups()
                    self.lines.append(Sample(name, labels or "", float(value)))
        (captured,) = [s.value for s in self.samples(CAPTURE_TIME_METRIC)]
        shift = self.now - captured
        for sample in self.samples():
            if is_timestamp(sample.name):
                sample.value = round(sample.value + shift)
        if status is None:
            self.drop("windows_textfile_mtime_seconds")

    def samples(self, metric: str | None = None, /, **labels: str) -> list[Sample]:
        return [
            s
            for s in self.lines
            if isinstance(s, Sample) and (metric is None or s.matches(metric, labels))
        ]

    def value(self, metric: str, /, **labels: str) -> float:
        (sample,) = self.samples(metric, **labels)
        return sample.value

    def set(self, metric: str, value: float, /, **labels: str) -> None:
        found = self.samples(metric, **labels)
        if not found:
            raise KeyError(f"no sample {metric} {labels} in the fixture")
        for sample in found:
            sample.value = value

    def drop(self, metric: str, /, **labels: str) -> None:
        gone = {id(s) for s in self.samples(metric, **labels)}
        self.lines = [s for s in self.lines if id(s) not in gone]

    # --- stories -------------------------------------------------------------------------

    def reboot(self, at: float, services_delay: float = 30.0) -> None:
        """The server booted at `at`; every running service started `services_delay` later."""
        self.set("windows_system_boot_time_timestamp", round(at))
        for sample in self.samples("windows_service_process"):
            sample.value = round(at + services_delay)

    def stop_service(self, name: str) -> None:
        for state in SERVICE_STATES:
            self.set("windows_service_state", int(state == "stopped"), name=name, state=state)
        self.drop("windows_service_process", name=name)

    def start_service(self, name: str, at: float, process_id: str = "4711") -> None:
        for state in SERVICE_STATES:
            self.set("windows_service_state", int(state == "running"), name=name, state=state)
        self.drop("windows_service_process", name=name)
        labels = f'{{name="{name}",process_id="{process_id}"}}'
        index = max(
            i
            for i, s in enumerate(self.lines)
            if s == "# TYPE windows_service_process gauge"
            or (isinstance(s, Sample) and s.name == "windows_service_process")
        )
        self.lines.insert(index + 1, Sample("windows_service_process", labels, round(at)))

    def text(self) -> str:
        return "\n".join(s.line() if isinstance(s, Sample) else s for s in self.lines) + "\n"

    def write(self, path: Path) -> None:
        """Replace `path` atomically (a scrape never sees half a file)."""
        temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        temporary.write_text(self.text(), encoding="utf-8")
        temporary.replace(path)


SCENARIOS = ("healthy", "power-cut", "firebird-started")


def scenario(
    name: str, now: float | None = None, boot_at: float | None = None
) -> WindowsExposition:
    """healthy: as captured; power-cut: booted a minute ago (or at `boot_at`), Firebird not
    (yet) running; firebird-started: the same boot, Firebird running since now."""
    exposition = WindowsExposition(now)
    if name in ("power-cut", "firebird-started"):
        exposition.reboot(exposition.now - 60 if boot_at is None else boot_at)
        exposition.stop_service("FirebirdServerDefaultInstance")
    if name == "firebird-started":
        exposition.start_service("FirebirdServerDefaultInstance", exposition.now)
    return exposition


# What moves on a live server by itself: its clock, the status script's file (every 15 min)
# and the update collector's search time.
LIVE_SAMPLES = {
    "windows_time_current_timestamp_seconds": 0,
    "windows_textfile_mtime_seconds": 300,
    "windows_update_scrape_timestamp_seconds": 6600,
}


def keep_current(text: str, now: float) -> str:
    """The exposition with the samples that move on a live server set for `now`."""
    out = []
    for line in text.splitlines():
        name = line.split("{", 1)[0].split(" ", 1)[0]
        if name in LIVE_SAMPLES and not line.startswith("#"):
            line = f"{line.rsplit(' ', 1)[0]} {round(now - LIVE_SAMPLES[name])}"
        out.append(line)
    return "\n".join(out) + "\n"


def _refresh_forever(path: Path, every: float) -> None:
    while True:
        time.sleep(every)
        try:
            seen = path.stat().st_mtime_ns
            text = path.read_text(encoding="utf-8")
        except OSError:
            continue
        temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        temporary.write_text(keep_current(text, time.time()), encoding="utf-8")
        if path.stat().st_mtime_ns == seen:  # a scenario written meanwhile wins
            temporary.replace(path)
        else:
            temporary.unlink()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Write the demo server's exposition.")
    parser.add_argument("file", type=Path)
    parser.add_argument("--scenario", choices=SCENARIOS, default="healthy")
    parser.add_argument(
        "--keep-current",
        type=float,
        metavar="SECONDS",
        help="do not write a scenario; every SECONDS move the clock, the status file's mtime "
        "and the update search time of FILE to now (the demo runs for hours)",
    )
    args = parser.parse_args(argv)
    if args.keep_current:
        _refresh_forever(args.file, args.keep_current)
        return
    boot_at = None
    if args.scenario == "firebird-started" and args.file.exists():
        # keep the boot of the power-cut scenario written before
        for line in args.file.read_text(encoding="utf-8").splitlines():
            if line.startswith("windows_system_boot_time_timestamp "):
                boot_at = float(line.split()[1])
    scenario(args.scenario, boot_at=boot_at).write(args.file)


if __name__ == "__main__":
    main()
