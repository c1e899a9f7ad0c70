"""The demo practice as the unit of a fleet: its exporters' real exposition, the series a
central store keeps per practice, and copies of it relabelled per site.

`python -m devkit.fleet capture` starts the demo, scrapes every exporter once and writes
the expositions to `tests/ops/fixtures/demo-practice/<exporter>.prom` (the central-stack
test serves them; the fleet benchmark relabels them per site)."""

from __future__ import annotations

import sys
import tempfile
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from prometheus_client.parser import text_string_to_metric_families

from devkit.prometheus import REPO

FIXTURE_DIR = REPO / "tests" / "ops" / "fixtures" / "demo-practice"
SCRAPE_SERIES = (
    "up",
    "scrape_duration_seconds",
    "scrape_samples_scraped",
    "scrape_samples_post_metric_relabeling",
    "scrape_series_added",
)
"""What Prometheus (and vmagent) add per scrape target: stored centrally like any series."""

SERIES_BUDGET = 2000
"""Series per practice a central store must hold at most (docs/deployment.md, "Series
budget"): the demo practice's exporters plus the scrape series Prometheus adds per job."""


@dataclass(frozen=True)
class Sample:
    name: str
    labels: tuple[tuple[str, str], ...]
    value: float


def samples(text: str) -> list[Sample]:
    """Every sample of an exposition (each is one series once scraped)."""
    out = []
    for family in text_string_to_metric_families(text):
        for s in family.samples:
            out.append(Sample(s.name, tuple(sorted(s.labels.items())), float(s.value)))
    return out


def series_per_job(expositions: Mapping[str, str]) -> dict[str, int]:
    """Series each scrape job adds to a central store: its samples plus the scrape series."""
    return {job: len(samples(text)) + len(SCRAPE_SERIES) for job, text in expositions.items()}


def load_fixture(directory: Path = FIXTURE_DIR) -> dict[str, str]:
    """{exporter name: exposition} as captured from the demo."""
    return {p.stem: p.read_text() for p in sorted(directory.glob("*.prom"))}


def capture_demo(workdir: Path, parts: list[str] | None = None) -> dict[str, str]:
    """Start the demo practice, scrape each exporter once it answers, stop the demo."""
    from demo.runner import Demo

    with Demo(workdir, parts=parts, with_alertmanager=False) as demo:
        out = {}
        for name, proc in demo.exporters.items():
            out[name] = _scrape_when_up(proc, name)
        return out


def _scrape_when_up(proc: object, name: str, timeout: float = 120.0) -> str:
    """The exporter's exposition once it reports more than its process metrics (ours
    report `<prefix>_up` per target; a stand-in such as the windows part has no `_up`)."""
    get = proc.get  # type: ignore[attr-defined]
    end = time.monotonic() + timeout
    text = ""
    while time.monotonic() < end:
        text = str(get("/metrics", timeout=60))
        own = [s for s in samples(text) if not s.name.startswith(("python_", "process_"))]
        if own:
            return text
        time.sleep(1)
    raise TimeoutError(f"{name}: only process metrics after {timeout}s")


def fleet_series(
    expositions: Mapping[str, str], site: str
) -> Iterator[tuple[tuple[tuple[str, str], ...], float]]:
    """The series one practice `site` sends to the centre: (sorted labels incl. __name__,
    value), with the job/instance/site labels the site agent adds and its scrape series."""
    for exporter, text in sorted(expositions.items()):
        job = f"praxis-{exporter}"
        target = {"job": job, "instance": f"{exporter}-exporter:9100", "site": site}
        got = samples(text)
        for s in got:
            labels = {**dict(s.labels), **target, "__name__": s.name}
            yield tuple(sorted(labels.items())), s.value
        scrape = {
            "up": 1.0,
            "scrape_duration_seconds": 0.05,
            "scrape_samples_scraped": float(len(got)),
            "scrape_samples_post_metric_relabeling": float(len(got)),
            "scrape_series_added": 0.0,
        }
        for name, value in scrape.items():
            yield tuple(sorted({**target, "__name__": name}.items())), value


def main(argv: list[str]) -> int:
    if argv[:1] != ["capture"]:
        print("usage: python -m devkit.fleet capture", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="demo-capture-") as tmp:
        captured = capture_demo(Path(tmp))
    FIXTURE_DIR.mkdir(parents=True, exist_ok=True)
    for old in FIXTURE_DIR.glob("*.prom"):
        old.unlink()
    for name, text in captured.items():
        (FIXTURE_DIR / f"{name}.prom").write_text(text)
    counts = series_per_job(captured)
    print(f"captured {sum(counts.values())} series: {counts}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
