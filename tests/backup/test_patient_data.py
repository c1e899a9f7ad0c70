"""Patient data never leaves the practice: names in backup paths, push messages and gbak
logs must not show up in what the exporter exports or logs."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from devkit.exporter import ExporterProcess
from tests.backup.test_push import TOKEN, post

PATIENT = "Mustermann-Erika"
KVNR = "A123456780"


def test_no_patient_data_in_metrics_or_logs(
    start_exporter: Callable[..., ExporterProcess], tmp_path: Path
) -> None:
    scans = tmp_path / "scans" / f"{PATIENT}_{KVNR}"
    scans.mkdir(parents=True)
    (scans / f"Befund_{PATIENT}.pdf.bak").write_bytes(b"%PDF" * 100)
    log = tmp_path / "gbak.log"
    log.write_text(
        f"gbak:writing data for table PATIENT_{PATIENT}\ngbak: ERROR:cannot write {KVNR}.fbk\n"
    )
    (tmp_path / "token").write_text(TOKEN + "\n")
    config = tmp_path / "backup.yml"
    config.write_text(
        "push:\n  state_dir: state\ntargets:\n"
        "  scans:\n    type: files\n    path: scans/**/*.bak\n"
        f"  gbak:\n    type: gbak_log\n    path: {log}\n"
        "  wsb:\n    type: push\n    token_file: token\n"
    )
    exporter = start_exporter("backup", config)
    body = {"success": False, "message": f"Datei {PATIENT} {KVNR} gesperrt"}
    assert post(f"{exporter.url}/push/wsb", json.dumps(body).encode()) == 200
    text = exporter.get("/metrics") + exporter.get("/") + exporter.get("/probe?target=wsb")
    assert 'backup_files{target="scans"} 1.0' in text
    for secret in (PATIENT, KVNR):
        assert secret not in text
        assert secret not in exporter.log_text()
