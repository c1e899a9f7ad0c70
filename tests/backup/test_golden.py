"""Golden exposition: one scrape of four kinds of targets, frozen in `golden/backup.prom`.

Files, a gbak log, a pushed result (a run in progress, with a schedule) and a Veeam server
(the REST simulator) with fixed timestamps, scraped through the core's runner with the
catalogue enforced. A renamed metric, label or help text shows up as a diff (regenerate with
`UPDATE_GOLDEN=1 .venv/bin/pytest tests/backup -k golden` and read the diff). It also shows
the one label set of the common series: `job_name` on every kind, empty except for Veeam
jobs.
"""

from __future__ import annotations

import os
import re
import threading
from pathlib import Path

import pytest

from devkit import pki
from devkit.golden import assert_golden, exposition
from devkit.ports import free_port
from exporters.backup import series
from exporters.backup.catalogue import CATALOGUE
from exporters.backup.collector import BackupCollector
from exporters.backup.push import PushState, StateStore
from exporters.core.scrape import ScrapeRunner
from simulators.veeam.server import SimJob, SimState, serve
from tests.backup.helpers import load

pytestmark = pytest.mark.integration
GOLDEN = Path(__file__).parent / "golden"
_NOW_DEPENDENT = re.compile(
    r'^(backup_(?:expected_start|next_run)_timestamp_seconds\{job_name="",target="wsb"\}) \S+$',
    re.MULTILINE,
)
T = 1_764_000_000.0  # 2025-11-24 16:00 UTC
PASSWORD = "Veeam-Monitoring-2024!"


def test_golden_four_kinds(tmp_path: Path) -> None:
    (tmp_path / "nas").mkdir()
    for day, size in ((2, 5000), (1, 6000)):
        path = tmp_path / "nas" / f"praxis-{day}.bak"
        path.write_bytes(b"x" * size)
        os.utime(path, (T - day * 86400, T - day * 86400))
    log = tmp_path / "gbak.log"
    log.write_text("gbak:closing file, committing, and finishing. 123456 bytes written\n")
    os.utime(log, (T - 3600, T - 3600))
    (tmp_path / "token").write_text("push-token-0123456789abcdef\n")
    StateStore(tmp_path / "state").save(
        "wsb",
        PushState(
            T - 7200,
            True,
            T - 7200,
            4096.0,
            61.5,
            "",
            runs=3,
            failures=1,
            started=T - 600,
            running=True,
        ),
    )
    ca = pki.make_ca("Golden CA")
    leaf = pki.make_cert("veeam.praxis.local", issuer=ca, sans=["127.0.0.1"])
    pki.write_pem(tmp_path / "ca.pem", ca)
    pki.write_pem(tmp_path / "server.pem", leaf)
    pki.write_key(tmp_path / "server.key", leaf)
    (tmp_path / "pw").write_text(PASSWORD + "\n")
    jobs = [
        SimJob("PVS Server", "Success", T - 3600, T + 20 * 3600, status="running", id="1"),
        SimJob("Fileserver", "Failed", T - 7200, None, status="disabled", id="2"),
    ]
    server = serve(
        "127.0.0.1",
        free_port(),
        SimState("praxis\\monitoring", PASSWORD, jobs),
        str(tmp_path / "server.pem"),
        str(tmp_path / "server.key"),
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    config = load(
        f"""
targets:
  nas: {{type: files, path: nas/*.bak, max_age: 2d}}
  fb: {{type: gbak_log, path: gbak.log}}
  wsb:
    type: push
    token_file: token
    max_duration: 2h
    schedule: {{at: "01:30", weekdays: [mon, tue, wed, thu, fri], timezone: Europe/Berlin}}
  v:
    type: veeam
    url: https://127.0.0.1:{server.server_address[1]}
    username: praxis\\monitoring
    password_file: pw
    ca_file: ca.pem
push: {{state_dir: state}}
""",
        tmp_path,
    )
    runner = ScrapeRunner("backup", config, BackupCollector(config), catalogue=CATALOGUE)
    try:
        sink = runner.scrape(list(config.targets))
    finally:
        runner.close()
        server.shutdown()
        server.server_close()
    series.push_requests(sink, {"200": 3, "403": 1})
    # where the schedule puts the last and next start depends on today (tests/backup/
    # test_push_start.py checks them with a fixed clock)
    text = _NOW_DEPENDENT.sub(r"\1 <depends on now>", exposition(sink))
    assert_golden(text, GOLDEN / "backup.prom")
