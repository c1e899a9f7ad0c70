"""Where the CPU of one scrape goes, per exporter of the demo practice (cProfile).

Starts the demo parts' targets, loads each exporter's config and collector in this process
as the exporter does, warms it up with a few scrapes (connections, caches, imports), then
profiles `--scrapes` more: every target collected in the calling thread (the exporter runs
them in parallel worker threads, which cProfile would not see), plus the exposition.
Prints CPU ms per scrape and the top functions by own time and by cumulative time.

Run: `python -m bench.profile_scrape [--parts ups,certs] [--scrapes 20] [--top 12]`.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import gc
import io
import pstats
import sys
import sysconfig
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from bench.footprint_bench import exporter_parts, start_parts
from exporters import __version__
from exporters.core.exposition import process_families, render
from exporters.core.multi import load_spec
from exporters.core.runtime import Runtime
from exporters.core.scrape import ScrapeRunner


def one_scrape(runtime: Runtime) -> bytes:
    """What `/metrics` does, with the targets one after another in this thread."""
    runner: ScrapeRunner = runtime.runner  # type: ignore[type-arg]
    sink = runner._sink_for("")
    for name in runner.target_names():
        target_sink = runner._sink_for(name)
        deadline = runner.deadline_for(name, None)
        try:
            runner.collector.collect_target(
                name, runner.config.targets[name], deadline, target_sink
            )
        except Exception:  # noqa: S112 (a down target costs CPU too; _up 0 in the exporter)
            continue
        sink.merge(target_sink)
    runner.collect_global(sink)
    runtime.self_metrics(sink, __version__)
    return render([*sink.families(), *process_families()])


def _loop_profilers() -> list[tuple[asyncio.AbstractEventLoop, cProfile.Profile]]:
    """A profiler switched on inside every running asyncio loop thread (collectors such as
    the SNMP client run pysnmp there; a profiler only sees its own thread)."""
    out = []
    for obj in gc.get_objects():
        if isinstance(obj, asyncio.AbstractEventLoop) and obj.is_running():
            loop_profiler = cProfile.Profile()
            asyncio.run_coroutine_threadsafe(_call(loop_profiler.enable), obj).result(5)
            out.append((obj, loop_profiler))
    return out


def _stop(loops: list[tuple[asyncio.AbstractEventLoop, cProfile.Profile]]) -> None:
    for loop, loop_profiler in loops:
        asyncio.run_coroutine_threadsafe(_call(loop_profiler.disable), loop).result(5)


async def _call(action: Callable[[], None]) -> None:
    action()


def profile(name: str, config: Path, scrapes: int, top: int) -> None:
    spec = load_spec(name)
    runtime = Runtime(
        spec.prefix, str(config), spec.config_model, spec.collector_factory, 0.5, spec.catalogue
    )
    try:
        for _ in range(3):
            one_scrape(runtime)
        profiler = cProfile.Profile()
        loops = _loop_profilers()
        cpu0, wall0 = time.process_time(), time.perf_counter()
        profiler.enable()
        for _ in range(scrapes):
            body = one_scrape(runtime)
        profiler.disable()
        _stop(loops)
        cpu = (time.process_time() - cpu0) / scrapes * 1000
        wall = (time.perf_counter() - wall0) / scrapes * 1000
    finally:
        runtime.close()
    targets = len(runtime.config.targets)
    print(
        f"\n== {name}: {targets} targets, {len(body)} bytes; per scrape (targets one after "
        f"another, profiler on) CPU {cpu:.1f} ms, wall {wall:.1f} ms"
    )
    if loops:
        print(f"   (with {len(loops)} asyncio loop thread(s) of the collector profiled too)")
    for order in ("tottime", "cumulative"):
        out = io.StringIO()
        stats = pstats.Stats(profiler, stream=out)
        for _, loop_profiler in loops:
            stats.add(loop_profiler)
        stats.sort_stats(order).print_stats(top)
        lines = out.getvalue().splitlines()
        start = next(i for i, line in enumerate(lines) if line.lstrip().startswith("ncalls"))
        print(f"-- top {top} by {order} (times for {scrapes} scrapes)")
        for line in lines[start : start + top + 1]:
            print("  " + _short(line))


def _short(line: str) -> str:
    """Paths without the venv, stdlib and repository prefixes."""
    for prefix in _PREFIXES:
        line = line.replace(prefix, "")
    return line


_PREFIXES = sorted(
    {
        str(Path(p)) + "/"
        for p in (
            *sys.path,
            sysconfig.get_paths()["stdlib"],
            sysconfig.get_paths()["purelib"],
            Path(__file__).resolve().parents[1],
        )
        if p
    },
    key=len,
    reverse=True,
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--parts", default="", help="comma-separated demo parts (default: all)")
    parser.add_argument("--scrapes", type=int, default=20)
    parser.add_argument("--top", type=int, default=12)
    args = parser.parse_args()
    names = args.parts.split(",") if args.parts else exporter_parts()
    with tempfile.TemporaryDirectory(prefix="profile-scrape-") as tmp:
        parts, contexts = start_parts(Path(tmp) / "demo", names)
        try:
            for part in parts:
                profile(part.exporter, part.config_file, args.scrapes, args.top)
        finally:
            for ctx in contexts:
                for service in reversed(ctx.services):
                    service.stop()


if __name__ == "__main__":
    main()
