"""The collector's SQL and header reading against real Firebird 3.0, 4.0 and 5.0 engines.

The engines are the `firebird-embedded` wheels (devkit.fbembedded), each run in a child
process (tests/firebird/embedded_worker.py) that opens database files directly. What the
exporter reports is checked against the engine's own version and ODS and against the header
page read straight from the database file (an independent reading of the same facts).
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from devkit import fbembedded
from devkit.exporter import ExporterProcess, parse_samples, value
from devkit.prometheus import REPO, promtool_check_metrics

pytestmark = pytest.mark.integration


def run_engine(version: str, work: Path, with_fdb: bool = False) -> dict[str, Any]:
    engine = fbembedded.install(version)
    argv = [sys.executable, "-m", "tests.firebird.embedded_worker", str(engine.client_library)]
    argv += [str(work), *(["with-fdb"] if with_fdb else [])]
    result = subprocess.run(
        argv, env=engine.env(work), cwd=REPO, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return dict(json.loads(result.stdout))


@pytest.mark.parametrize("version", sorted(fbembedded.VERSIONS))
def test_real_engine(version: str, tmp_path: Path) -> None:
    out = run_engine(version, tmp_path, with_fdb=version == "3.0")
    text = out["exposition"]
    assert promtool_check_metrics(text) == ""
    assert "Mustermann" not in text and "A123456789" not in text
    samples = parse_samples(text)

    def get(name: str, target: str = "db", **labels: str) -> float:
        found = value(samples, name, target=target, **labels)
        assert found is not None, (name, target, labels)
        return found

    (info_labels,) = [
        dict(labels)
        for (name, labels) in samples
        if name == "firebird_info" and ("target", "db") in labels
    ]
    assert info_labels["version"].startswith(f"{version}.")
    assert f"Firebird {version}" in info_labels["server_version"]
    assert info_labels["ods"] == fbembedded.ODS[version]
    assert get("firebird_driver_info", driver="firebird-driver", client_version=version) == 1
    assert get("firebird_up") == 1 and get("firebird_up", "async") == 1
    assert get("firebird_monitoring_sees_all_attachments") == 1
    assert get("firebird_transaction_id_limit") == 2**48 - 1  # ODS 12 and 13: 48-bit ids

    # the header as the exporter read it (isc_database_info) vs. the header page on disk
    for target in ("db", "async"):
        page = out["headers"][target]
        assert get("firebird_page_size_bytes", target) == page["page_size"]
        ods = value(samples, "firebird_info", target=target, ods=fbembedded.ODS[version])
        assert ods == 1 and fbembedded.ODS[version] == f"{page['ods_major']}.{page['ods_minor']}"
        assert get("firebird_forced_writes", target) == page["forced_writes"]
        assert get("firebird_read_only", target) == page["read_only"] == 0
    assert out["headers"]["db"]["forced_writes"] == 1
    assert out["headers"]["async"]["forced_writes"] == 0  # created with forced_writes = no
    assert get("firebird_sweep_interval") == 20000 and get("firebird_sweep_interval", "async") == 0

    # transaction counters: a dead transaction pins the OIT, a held snapshot the OAT/OST
    db = out["headers"]["db"]
    oit = get("firebird_oldest_transaction")
    assert oit == db["oldest_transaction"] <= out["dead_transaction"]
    assert get("firebird_oldest_active_transaction") == out["holder_transaction"]
    assert get("firebird_oldest_snapshot_transaction") == out["holder_transaction"]
    backlog = get("firebird_sweep_backlog_transactions")
    assert backlog == get("firebird_oldest_snapshot_transaction") - oit >= 40
    assert out["holder_transaction"] <= get("firebird_next_transaction") <= db["next_transaction"]

    # MON$: the holder is the one open transaction that blocks garbage collection
    assert get("firebird_open_transactions") == 1
    assert get("firebird_oldest_active_transaction_age_seconds") >= 0
    assert get("firebird_attachments", state="idle") >= 1
    assert get("firebird_shutdown_mode", mode="online") == 1
    assert get("firebird_backup_state", state="normal") == 1
    assert get("firebird_pages_total", operation="fetch") > 0

    # the deadline reaches the engine: a long statement is cancelled
    assert "cancelled at the scrape deadline" in out["cancelled"]

    if version == "3.0":  # fdb (kept for 2.5) reads the same through the same engine
        assert get("firebird_driver_info", "legacy", driver="fdb", client_version="3.0") == 1
        assert get("firebird_oldest_transaction", "legacy") == oit
        assert get("firebird_forced_writes", "legacy") == 1


CREATE = (
    "import sys\n"
    "from firebird.driver import create_database, driver_config\n"
    "driver_config.fb_client_library.value = sys.argv[1]\n"
    "create_database(sys.argv[2], user='SYSDBA').close()\n"
)


def test_exporter_process_with_client_library(
    start_exporter: Callable[..., ExporterProcess], tmp_path: Path
) -> None:
    """The exporter as it is deployed: `client_library` in its config (not set by a test),
    its own client root (`FIREBIRD` mirrored for ConnectionTimeout) around the engine's."""
    engine = fbembedded.install("5.0")
    env = engine.env(tmp_path)
    database = tmp_path / "praxis.fdb"
    subprocess.run(
        [sys.executable, "-c", CREATE, str(engine.client_library), str(database)],
        env=env,
        check=True,
        capture_output=True,
        timeout=120,
    )
    exporter = start_exporter(
        "firebird",
        f"client_library: {engine.client_library}\nconnect_timeout: 2s\ntargets:\n"
        f"  praxis:\n    dsn: {database}\n    password: embedded-needs-none\n",
        env=env,
    )
    text = exporter.get("/metrics")
    assert promtool_check_metrics(text) == ""
    samples = parse_samples(text)
    assert value(samples, "firebird_up", target="praxis") == 1
    assert value(samples, "firebird_info", ods="13.1", version="5.0.4") == 1
    assert value(samples, "firebird_driver_info", client_version="5.0") == 1
    assert value(samples, "firebird_forced_writes") == 1
