"""The single-process mode (`python -m exporters --config.dir DIR`) against a real process:
each exporter on its own port, and one exporter's hung target or failed reload never stops
the others."""

from __future__ import annotations

import signal
import sys
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from devkit.exporter import REPO, parse_samples
from devkit.listeners import BlackHole
from devkit.ports import free_port
from devkit.procs import ServiceProcess, http_ok
from exporters.core import multi


def get(url: str, timeout: float = 30.0, data: bytes | None = None) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, data=data, timeout=timeout) as resp:
            return resp.status, resp.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


def write_backup(conf: Path, *targets: str) -> None:
    (conf / "data").mkdir(exist_ok=True)
    (conf / "data" / "nightly.bak").write_text("backup\n")
    body = "".join(f"  {t}:\n    type: files\n    path: data/*.bak\n" for t in targets)
    (conf / "backup.yml").write_text(f"targets:\n{body}")


@pytest.fixture
def black_hole() -> Iterator[BlackHole]:
    with BlackHole() as hole:
        yield hole


def start(conf: Path, tmp_path: Path) -> tuple[ServiceProcess, dict[str, str]]:
    ports = {"backup": free_port(), "certs": free_port()}
    proc = ServiceProcess(
        "praxis-exporters",
        [
            sys.executable,
            "-m",
            "exporters",
            f"--config.dir={conf}",
            *(f"--web.listen-address.{n}=127.0.0.1:{p}" for n, p in ports.items()),
            "--log.level=debug",
        ],
        tmp_path / "multi.log",
        env={"PYTHONPATH": str(REPO)},
        cwd=REPO,
    )
    urls = {n: f"http://127.0.0.1:{p}" for n, p in ports.items()}
    for url in urls.values():
        proc.wait_until(lambda u=url: http_ok(f"{u}/-/healthy"), timeout=60, what="healthy")
    return proc, urls


def test_a_hung_target_and_a_broken_reload_of_one_exporter_leave_the_other(
    tmp_path: Path, black_hole: BlackHole
) -> None:
    conf = tmp_path / "conf"
    conf.mkdir()
    write_backup(conf, "nightly")
    # the TLS handshake with a black hole hangs until the 10 min deadline
    (conf / "certs.yml").write_text(
        f"timeout: 10m\ntargets:\n  hung:\n    address: {black_hole.address}\n"
    )
    proc, urls = start(conf, tmp_path)
    try:
        hung: list[tuple[int, str]] = []

        def scrape_certs() -> None:
            try:
                hung.append(get(f"{urls['certs']}/metrics", timeout=900))
            except OSError:
                pass  # the process was stopped while the scrape hung

        scraping = threading.Thread(target=scrape_certs, daemon=True)
        scraping.start()
        proc.wait_until(lambda: black_hole.connections >= 1, what="probing the black hole")

        status, body = get(f"{urls['backup']}/metrics")
        assert status == 200
        assert parse_samples(body)[("backup_up", frozenset({("target", "nightly")}))] == 1
        assert get(f"{urls['certs']}/-/healthy")[0] == 200  # its own server answers too
        assert scraping.is_alive() and not hung  # the certs scrape is still hanging

        # a broken certs config: its reload fails, the old config stays, backup unaffected
        (conf / "certs.yml").write_text("targets:\n  hung:\n    adress: typo\n")
        status, message = get(f"{urls['certs']}/-/reload", data=b"")
        assert status == 500
        assert "adress" in message
        status, body = get(f"{urls['backup']}/metrics")
        assert status == 200

        # SIGHUP reloads every exporter: backup takes its new target, certs keeps its old one
        write_backup(conf, "nightly", "weekly")
        proc.send_signal(signal.SIGHUP)

        def backup_reloaded() -> bool:
            samples = parse_samples(get(f"{urls['backup']}/metrics")[1])
            return ("backup_up", frozenset({("target", "weekly")})) in samples

        proc.wait_until(backup_reloaded, timeout=60, what="backup reloaded")
        landing = get(f"{urls['certs']}/")[1]
        assert "probe?target=hung" in landing  # the previous certs config still serves
        refused = [
            line for line in proc.log_text().splitlines() if "keeping the previous config" in line
        ]
        assert refused and all("exporter=certs" in line for line in refused)
        assert scraping.is_alive() and not hung
    finally:
        proc.stop(timeout=30)
    assert proc.proc.returncode == 0  # SIGTERM ended it although a scrape still hung


def test_a_config_error_in_one_file_stops_the_start_naming_that_file(tmp_path: Path) -> None:
    conf = tmp_path / "conf"
    conf.mkdir()
    write_backup(conf, "nightly")
    (conf / "certs.yml").write_text("targets:\n  x:\n    adress: typo\n")
    out = ServiceProcess(
        "check",
        [sys.executable, "-m", "exporters", f"--config.dir={conf}", "--config.check"],
        tmp_path / "check.log",
        env={"PYTHONPATH": str(REPO)},
        cwd=REPO,
    )
    assert out.proc.wait(timeout=60) == 2
    assert "certs.yml" in out.log_text() and "adress" in out.log_text()
    out.stop()


def test_only_the_configured_exporters_are_loaded(tmp_path: Path) -> None:
    write_backup(tmp_path, "nightly")
    (tmp_path / "unrelated.yml").write_text("x: 1\n")
    assert multi.configured(tmp_path) == ["backup"]
    assert multi.configured(tmp_path / "missing") == []


def test_the_accept_loop_serves_again_after_it_failed() -> None:
    calls: list[int] = []
    stop = threading.Event()

    class Flaky:
        def serve_forever(self, poll_interval: float) -> None:
            calls.append(1)
            if len(calls) == 1:
                raise RuntimeError("boom")

    spec = multi.load_spec("backup")
    one = multi.Served(spec, Path("backup.yml"), ":0", runtime=None)  # type: ignore[arg-type]
    one.server = Flaky()  # type: ignore[assignment]
    multi._serve(one, stop)
    assert len(calls) == 2
