"""`praxis-report` as a command: exit codes, messages and what is written on bad input
(a site without data, a period in the future, an API that is down, slow, refusing the
credentials, failing one query or answering garbage), --all-sites with bounded concurrency.
Every run passes --now: nothing depends on the wall clock."""

from __future__ import annotations

import base64
import os
import subprocess
import sys
import threading
import urllib.request
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from devkit import report_month as s
from devkit.listeners import BlackHole
from devkit.ports import free_port
from devkit.prometheus import REPO, Prometheus

pytestmark = pytest.mark.integration
NOW = "2026-11-05T08:00"


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run(
        [sys.executable, "-m", "exporters.report", "--now", NOW, "--pdf", "never", *args],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=cwd,
        env=env,
    )


class Proxy:
    """In front of the real Prometheus: optional auth, a failing or garbage answer for some
    requests, and the highest number of requests in flight at once."""

    def __init__(
        self,
        upstream: str,
        fail: Callable[[str, str], int | None] = lambda path, body: None,
        auth: str | None = None,
        garbage: bool = False,
    ) -> None:
        self.in_flight = 0
        self.max_in_flight = 0
        self.requests = 0
        lock = threading.Lock()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def _handle(self, body: bytes) -> None:
                # counted until the answer is ready, not until it is sent: the client may
                # start its next request as soon as it has read this one
                with lock:
                    outer.requests += 1
                    outer.in_flight += 1
                    outer.max_in_flight = max(outer.max_in_flight, outer.in_flight)
                try:
                    status, payload = self._answer(body)
                finally:
                    with lock:
                        outer.in_flight -= 1
                self._send(status, payload)

            def _answer(self, body: bytes) -> tuple[int, bytes]:
                if auth and self.headers.get("Authorization") != auth:
                    return 401, b'{"status":"error","error":"unauthorized"}'
                if garbage:
                    return 200, b"<html>login page</html>"
                status = fail(self.path, body.decode())
                if status:
                    return status, b'{"status":"error","error":"injected failure"}'
                req = urllib.request.Request(
                    upstream + self.path,
                    data=body if self.command == "POST" else None,
                    method=self.command,
                    headers={"Content-Type": "application/x-www-form-urlencoded"},
                )
                with urllib.request.urlopen(req, timeout=60) as resp:
                    return resp.status, resp.read()

            def _send(self, status: int, payload: bytes) -> None:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def do_GET(self) -> None:
                self._handle(b"")

            def do_POST(self) -> None:
                self._handle(self.rfile.read(int(self.headers.get("Content-Length", "0"))))

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def proxy(month_prometheus: Prometheus) -> Iterator[Callable[..., Proxy]]:
    made: list[Proxy] = []

    def make(**kw: Any) -> Proxy:
        p = Proxy(month_prometheus.url, **kw)
        made.append(p)
        return p

    yield make
    for p in made:
        p.close()


def no_traceback(result: subprocess.CompletedProcess[str]) -> None:
    assert "Traceback" not in result.stderr + result.stdout, result.stderr


def test_site_without_data_writes_a_report_that_says_so(month_prometheus, tmp_path) -> None:
    r = run(
        "--url", month_prometheus.url, "--site", "praxis-leer", "--month", "2026-10", cwd=tmp_path
    )
    no_traceback(r)
    assert r.returncode == 5, r.stderr
    assert "praxis-leer: no data in the period" in r.stderr
    html = (tmp_path / "praxis-report-praxis-leer-2026-10.html").read_text()
    assert "liegen im Zeitraum keine Messwerte vor" in html and "%" not in html.split("<body>")[1]


def test_future_period_is_refused(month_prometheus, tmp_path) -> None:
    r = run("--url", month_prometheus.url, "--site", s.NORD, "--month", "2026-12", cwd=tmp_path)
    no_traceback(r)
    assert r.returncode == 2
    assert "after now: there is nothing to report yet" in r.stderr
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    "args",
    [
        ["--month", "2026-13"],
        ["--from", "2026-10-05"],
        ["--month", "Oktober"],
        ["--from", "2026-10-09", "--to", "2026-10-01"],
        ["--practice-hours", "mo-fr 8-12"],
        ["--server-job", "(unclosed"],
    ],
)
def test_bad_arguments(month_prometheus, tmp_path, args) -> None:
    r = run("--url", month_prometheus.url, "--site", s.NORD, *args, cwd=tmp_path)
    no_traceback(r)
    assert r.returncode == 2 and r.stderr.startswith("praxis-report: "), r.stderr


def test_unreachable_api(tmp_path) -> None:
    url = f"http://report:hunter2-secret@127.0.0.1:{free_port()}"
    r = run("--url", url, "--site", s.NORD, "--month", "2026-10", cwd=tmp_path)
    no_traceback(r)
    assert r.returncode == 3
    assert "query API unusable" in r.stderr and "Connection refused" in r.stderr
    assert "hunter2" not in r.stderr + r.stdout
    assert list(tmp_path.iterdir()) == []


def test_slow_api_times_out(tmp_path) -> None:
    with BlackHole() as hole:
        r = run(
            "--url",
            f"http://{hole.address}",
            "--site",
            s.NORD,
            "--month",
            "2026-10",
            "--timeout",
            "1",
            cwd=tmp_path,
        )
    no_traceback(r)
    assert r.returncode == 3 and "no answer within 1 s" in r.stderr
    assert list(tmp_path.iterdir()) == []


def test_one_failing_query_leaves_a_report_that_names_the_gap(proxy, tmp_path) -> None:
    p = proxy(fail=lambda path, body: 503 if "ALERTS" in body else None)
    r = run("--url", p.url, "--site", s.NORD, "--month", "2026-10", cwd=tmp_path)
    no_traceback(r)
    assert r.returncode == 4, r.stderr
    assert "query alerts failed" in r.stderr and "HTTP 503" in r.stderr
    html = (tmp_path / "praxis-report-praxis-nord-2026-10.html").read_text()
    assert "Dieser Teil fehlt: die Abfrage „alerts“ ist fehlgeschlagen." in html
    assert "Störung 1" not in html  # no incidents invented
    assert "77,71 %" in html  # what could be asked is still there


def test_garbage_answers_are_named(proxy, tmp_path) -> None:
    p = proxy(garbage=True)
    r = run("--url", p.url, "--site", s.NORD, "--month", "2026-10", cwd=tmp_path)
    no_traceback(r)
    assert r.returncode == 4 and "answer is not JSON" in r.stderr
    html = (tmp_path / "praxis-report-praxis-nord-2026-10.html").read_text()
    assert html.count("fehlgeschlagen") >= 5 and " %" not in html


def test_basic_auth_and_bearer_token(proxy, tmp_path) -> None:
    secret = tmp_path / "pw"
    secret.write_text("s3cret-pw\n")
    basic = "Basic " + base64.b64encode(b"report:s3cret-pw").decode()
    p = proxy(auth=basic)
    ok = run(
        "--url",
        p.url,
        "--site",
        s.SUED,
        "--month",
        "2026-10",
        "--basic-auth-user",
        "report",
        "--basic-auth-password-file",
        str(secret),
        "--out",
        "a",
        cwd=tmp_path,
    )
    assert ok.returncode == 0, ok.stderr
    secret.write_text("wrong-pw")
    bad = run(
        "--url",
        p.url,
        "--site",
        s.SUED,
        "--month",
        "2026-10",
        "--basic-auth-user",
        "report",
        "--basic-auth-password-file",
        str(secret),
        "--out",
        "b",
        cwd=tmp_path,
    )
    no_traceback(bad)
    assert bad.returncode == 3 and "HTTP 401 (check the credentials)" in bad.stderr
    assert "wrong-pw" not in bad.stderr + bad.stdout
    token = proxy(auth="Bearer tok-123")
    env_run = run(
        "--url",
        token.url,
        "--site",
        s.SUED,
        "--month",
        "2026-10",
        "--bearer-token-file",
        str(_write(tmp_path / "tok", "tok-123")),
        "--out",
        "c",
        cwd=tmp_path,
    )
    assert env_run.returncode == 0, env_run.stderr


def _write(path: Path, text: str) -> Path:
    path.write_text(text)
    return path


def test_all_sites_with_an_index_and_bounded_concurrency(proxy, tmp_path) -> None:
    p = proxy()
    r = run(
        "--url",
        p.url,
        "--all-sites",
        "--month",
        "2026-10",
        "--concurrency",
        "2",
        "--lang",
        "en",
        cwd=tmp_path,
    )
    no_traceback(r)
    assert r.returncode == 0, r.stderr
    index = (tmp_path / "index-2026-10.html").read_text()
    for site in (s.NORD, s.SUED):
        assert f'<a href="praxis-report-{site}-2026-10.html">HTML</a>' in index
        assert (tmp_path / f"praxis-report-{site}-2026-10.html").exists()
    assert "praxis-leer" not in index
    # one traffic light per area the sites have (the firewall only at praxis-nord)
    nord = index.split(f'data-site="{s.NORD}"')[1].split("</tr>")[0]
    sued = index.split(f'data-site="{s.SUED}"')[1].split("</tr>")[0]
    assert nord.count('class="dot red"') == 4 and nord.count('class="dot green"') == 1
    assert sued.count('class="dot yellow"') == 5 and "<td class='area'>–</td>" in sued
    assert p.requests == 1 + 2 * 5  # site discovery + five queries per site
    assert 1 <= p.max_in_flight <= 2


def test_without_chromium_html_only_with_a_message(month_prometheus, tmp_path) -> None:
    args = (
        "--url",
        month_prometheus.url,
        "--site",
        s.SUED,
        "--month",
        "2026-10",
        "--chromium",
        str(tmp_path / "no-chromium"),
    )
    auto = subprocess.run(
        [sys.executable, "-m", "exporters.report", "--now", NOW, *args, "--out", "auto"],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    no_traceback(auto)
    assert auto.returncode == 0 and "nur HTML geschrieben" in auto.stderr
    assert [p.suffix for p in (tmp_path / "auto").iterdir()] == [".html"]
    always = subprocess.run(
        [
            sys.executable,
            "-m",
            "exporters.report",
            "--now",
            NOW,
            *args,
            "--pdf",
            "always",
            "--out",
            "always",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    assert always.returncode == 6, always.stderr
