"""Demo part: the practice's backups - one fresh, one stale, one failing, and the rest.

- `pvs-fbk` (files): last night's Firebird dump on the NAS folder, fresh;
- `usb-disk` (files): the weekly USB-disk image, last written 9 days ago: stale
  (BackupTooOld fires);
- `gbak-nightly` (gbak_log): last night's gbak run ended with `gbak: ERROR`: failing;
- `restic-nas` (restic): a real restic repository with two snapshots, checked hourly;
- `veeam` (veeam): the Veeam REST simulator with a successful and a failed job;
- `wsb` (push): Windows Server Backup reported failure (event 5) via `POST /push/wsb`;
- `robocopy` (push): a copy script that signalled its start 5 hours ago
  (`POST /push/robocopy/start`) and never finished: longer than its `max_duration` of 3
  hours (BackupRunTooLong fires); its `schedule` is the time it started.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from demo.context import DemoContext, DemoPart
from devkit import pki
from devkit.procs import port_open
from exporters.backup.push import PushState, StateStore

REPO = Path(__file__).resolve().parents[2]
RESTIC_PASSWORD = "demo-restic-passwort"
VEEAM_PASSWORD = "demo-veeam-passwort"
PUSH_TOKEN = "demo-push-token-0123456789"
ROBOCOPY_TOKEN = "demo-robocopy-token-0123456789"
GBAK_FAILED = """gbak:readied database /srv/medatixx/praxis.fdb for backup
gbak:creating file /mnt/nas/backup/praxis.fbk
gbak:starting transaction
gbak:writing domains
gbak:writing tables
gbak: ERROR:I/O error during "write" operation for file "/mnt/nas/backup/praxis.fbk"
gbak: ERROR:    Error while trying to write to file
gbak:Exiting before completion due to errors
"""


def _aged_file(path: Path, size: int, age_seconds: float) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as fh:
        fh.truncate(size)  # sparse: big enough to look real, costs no disk
    when = time.time() - age_seconds
    os.utime(path, (when, when))


def _secret(path: Path, value: str) -> Path:
    path.write_text(value + "\n")
    path.chmod(0o600)
    return path


def _restic_repo(d: Path) -> Path:
    env = {**os.environ, "RESTIC_PASSWORD": RESTIC_PASSWORD, "RESTIC_REPOSITORY": str(d / "restic")}
    src = d / "praxis-daten"
    src.mkdir(exist_ok=True)
    (src / "briefe.txt").write_bytes(os.urandom(64 * 1024))
    if not (d / "restic" / "config").exists():
        subprocess.run(["restic", "init", "-q"], env=env, check=True, capture_output=True)
    for tag in ("daily", "daily"):
        subprocess.run(
            ["restic", "backup", "-q", "--no-cache", "--tag", tag, str(src)],
            env=env,
            check=True,
            capture_output=True,
        )
    return d / "restic"


def start(ctx: DemoContext) -> DemoPart:
    d = ctx.workdir
    _aged_file(d / "nas/2024/praxis-montag.fbk", 50_000_000, 26 * 3600 + 7200)
    _aged_file(d / "nas/2024/praxis-dienstag.fbk", 52_000_000, 6 * 3600)
    _aged_file(d / "usb/image-kw10.vhdx", 900_000_000, 9 * 86400)
    gbak_log = d / "gbak-nightly.log"
    gbak_log.write_text(GBAK_FAILED)
    repo = _restic_repo(d)

    ca = pki.make_ca("Demo Praxis Backup CA")
    leaf = pki.make_cert("veeam.praxis.test", issuer=ca, sans=["127.0.0.1"])
    pki.write_pem(d / "veeam-ca.pem", ca)
    pki.write_pem(d / "veeam.pem", leaf)
    pki.write_key(d / "veeam.key", leaf)
    jobs = [
        {
            "name": "Server PVS",
            "lastResult": "Success",
            "lastRunAgo": 5 * 3600,
            "nextRunIn": 19 * 3600,
        },
        {
            "name": "Dateiserver",
            "lastResult": "Failed",
            "lastRunAgo": 4 * 3600,
            "nextRunIn": 20 * 3600,
        },
    ]
    (d / "veeam-jobs.json").write_text(json.dumps(jobs))
    veeam_port = ctx.port()
    veeam = ctx.spawn(
        "veeam-sim",
        [
            sys.executable,
            "-m",
            "simulators.veeam",
            f"--port={veeam_port}",
            f"--cert={d / 'veeam.pem'}",
            f"--key={d / 'veeam.key'}",
            f"--jobs={d / 'veeam-jobs.json'}",
            "--username=praxis\\monitoring",
        ],
        env={"VEEAM_SIM_PASSWORD": VEEAM_PASSWORD, "PYTHONPATH": str(REPO)},
        cwd=REPO,
    )
    veeam.wait_until(lambda: port_open("127.0.0.1", veeam_port), what="listening")

    now = time.time()
    StateStore(d / "state").save(
        "wsb",
        PushState(
            last_run=now - 3 * 3600,
            last_run_success=False,
            last_success=now - 27 * 3600,
            size_bytes=40_000_000_000,
            duration_seconds=5400,
            message="Windows Server Backup event 5",
            runs=12,
            failures=1,
        ),
    )
    started = now - 5 * 3600
    StateStore(d / "state").save(
        "robocopy",
        PushState(
            last_run=now - 21 * 3600,
            last_run_success=True,
            last_success=now - 21 * 3600,
            size_bytes=120_000_000_000,
            duration_seconds=3 * 3600 - 600,
            runs=30,
            started=started,
            running=True,
        ),
    )
    # the schedule says the job starts when it did (so BackupDidNotStart stays quiet)
    start_at = datetime.fromtimestamp(started, ZoneInfo("Europe/Berlin")).strftime("%H:%M")
    _secret(d / "robocopy.token", ROBOCOPY_TOKEN)
    _secret(d / "restic.password", RESTIC_PASSWORD)
    _secret(d / "veeam.password", VEEAM_PASSWORD)
    _secret(d / "wsb.token", PUSH_TOKEN)
    config = d / "backup.yml"
    config.write_text(
        f"""timeout: 8s
push:
  state_dir: {d / "state"}
targets:
  pvs-fbk:
    type: files
    path: {d / "nas"}/**/*.fbk
    min_size_bytes: 1000000
  usb-disk:
    type: files
    path: {d / "usb"}/*.vhdx
    max_age: 8d
  gbak-nightly:
    type: gbak_log
    path: {gbak_log}
  restic-nas:
    type: restic
    repository: {repo}
    password_file: {d / "restic.password"}
    check_interval: 1h
  veeam:
    type: veeam
    url: https://127.0.0.1:{veeam_port}
    username: praxis\\monitoring
    password_file: {d / "veeam.password"}
    ca_file: {d / "veeam-ca.pem"}
  wsb:
    type: push
    token_file: {d / "wsb.token"}
  robocopy:
    type: push
    token_file: {d / "robocopy.token"}
    max_duration: 3h
    schedule: {{at: "{start_at}"}}
"""
    )
    return DemoPart(
        exporter="backup",
        config_file=config,
        story=[
            "pvs-fbk: last night's Firebird dump, fresh",
            "usb-disk: weekly image 9 days old -> BackupTooOld",
            "gbak-nightly: gbak ended with an I/O error -> BackupLastRunFailed",
            "veeam: job 'Dateiserver' failed; wsb: Windows Server Backup pushed a failure",
            "robocopy: started 5 h ago, no result (max_duration 3h) -> BackupRunTooLong",
            f"push a result: curl -H 'Authorization: Bearer {PUSH_TOKEN}' "
            "-d '{\"success\": true}' <exporter>/push/wsb",
        ],
        urls={"veeam simulator": f"https://127.0.0.1:{veeam_port}/api/v1/jobs/states"},
    )
