"""The Veeam target against the REST API simulator, over HTTPS with a real OAuth2 token."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from devkit import pki
from devkit.ports import free_port
from exporters.backup.collector import BackupCollector
from exporters.core.httpclient import TLSFailed
from simulators.veeam.server import SimJob, SimState, VeeamServer, serve
from tests.backup.helpers import collect, load

PASSWORD = "Veeam-Monitoring-2024!"
pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def veeam(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[VeeamServer, Path]]:
    base = tmp_path_factory.mktemp("veeam")
    ca = pki.make_ca("Praxis Test CA")
    leaf = pki.make_cert("veeam.praxis.local", issuer=ca, sans=["127.0.0.1"])
    pki.write_pem(base / "ca.pem", ca)
    pki.write_pem(base / "server.pem", leaf)
    pki.write_key(base / "server.key", leaf)
    now = time.time()
    jobs = [
        SimJob("PVS Server", "Success", now - 3600, now + 20 * 3600),
        SimJob("Fileserver", "Failed", now - 7200, now + 20 * 3600),
        SimJob("Neu", "None", None, None, status="disabled"),
    ] + [SimJob(f"VM {i:03d}", "Warning", now - 60, None) for i in range(250)]
    state = SimState("praxis\\monitoring", PASSWORD, jobs)
    server = serve(
        "127.0.0.1", free_port(), state, str(base / "server.pem"), str(base / "server.key")
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    (base / "pw").write_text(PASSWORD + "\n")
    yield server, base
    server.shutdown()
    server.server_close()


def _config(server: VeeamServer, base: Path, extra: str = "") -> str:
    port = server.server_address[1]
    return (
        f"targets:\n  v:\n    type: veeam\n    url: https://127.0.0.1:{port}\n"
        f"    username: praxis\\monitoring\n    password_file: {base / 'pw'}\n"
        f"    ca_file: {base / 'ca.pem'}\n    refresh_interval: 0s\n{extra}"
    )


def test_simulator_enforces_the_documented_protocol(veeam: tuple[VeeamServer, Path]) -> None:
    server, base = veeam
    url = f"https://127.0.0.1:{server.server_address[1]}"
    ca = str(base / "ca.pem")
    no_version = requests.get(f"{url}/api/v1/jobs/states", verify=ca, timeout=10)
    assert no_version.status_code == 400
    no_token = requests.get(
        f"{url}/api/v1/jobs/states", headers={"x-api-version": "1.1-rev0"}, verify=ca, timeout=10
    )
    assert no_token.status_code == 401 and no_token.json()["errorCode"] == "Unauthorized"
    bad_login = requests.post(
        f"{url}/api/oauth2/token",
        data={"grant_type": "password", "username": "praxis\\monitoring", "password": "x"},
        headers={"x-api-version": "1.1-rev0"},
        verify=ca,
        timeout=10,
    )
    assert bad_login.status_code == 401


def test_exporter_logs_in_over_https_and_reads_job_states(
    veeam: tuple[VeeamServer, Path], tmp_path: Path
) -> None:
    server, base = veeam
    before = server.state.issued
    calls_before = server.state.authorized_calls
    collector = BackupCollector(load(_config(server, base), tmp_path))
    sink = collect(collector, "v")
    assert server.state.issued == before + 1
    assert server.state.authorized_calls == calls_before + 2  # two pages of 200
    pvs = {"job_name": "PVS Server"}
    assert sink.sample_value("backup_last_run_success", pvs) == 1
    assert sink.sample_value("backup_last_success_timestamp_seconds", pvs) == pytest.approx(
        time.time() - 3600, abs=120
    )
    assert sink.sample_value("backup_next_run_timestamp_seconds", pvs) is not None
    failed = {"job_name": "Fileserver"}
    assert sink.sample_value("backup_last_run_success", failed) == 0
    assert sink.sample_value("backup_last_success_timestamp_seconds", failed) is None
    assert sink.sample_value("backup_veeam_job_last_result", {**failed, "result": "Failed"}) == 1
    assert (
        sink.sample_value("backup_veeam_job_status", {"job_name": "Neu", "status": "disabled"}) == 1
    )
    assert len(sink.samples("backup_max_age_seconds")) == 253
    # the token is reused on the next scrape
    collect(collector, "v")
    assert server.state.issued == before + 1
    collector.close()


def test_job_filter_and_untrusted_certificate(
    veeam: tuple[VeeamServer, Path], tmp_path: Path
) -> None:
    server, base = veeam
    only = load(_config(server, base, "    jobs: [PVS Server]\n"), tmp_path)
    sink = collect(BackupCollector(only), "v")
    assert len(sink.samples("backup_max_age_seconds")) == 1
    untrusted = load(
        _config(server, base).replace(f"    ca_file: {base / 'ca.pem'}\n", ""), tmp_path
    )
    with pytest.raises(TLSFailed, match="certificate verification failed"):
        collect(BackupCollector(untrusted), "v")


def test_wrong_password_is_an_error_without_the_password(
    veeam: tuple[VeeamServer, Path], tmp_path: Path
) -> None:
    server, base = veeam
    (tmp_path / "wrong").write_text("Wrong-Password-123\n")
    config = load(
        _config(server, base).replace(str(base / "pw"), str(tmp_path / "wrong")), tmp_path
    )
    with pytest.raises(PermissionError) as err:
        collect(BackupCollector(config), "v")
    assert "401" in str(err.value) and "Wrong-Password-123" not in str(err.value)


def test_stats_endpoint_is_json(veeam: tuple[VeeamServer, Path]) -> None:
    server, base = veeam
    import ssl

    ctx = ssl.create_default_context(cafile=str(base / "ca.pem"))
    url = f"https://127.0.0.1:{server.server_address[1]}/_sim/stats"
    with urllib.request.urlopen(url, context=ctx, timeout=10) as resp:
        assert "issued" in json.loads(resp.read())


IMPORTS_SCRIPT = """
import json, sys
from exporters.backup.__main__ import SPEC
from exporters.core import Deadline, MetricSink
from exporters.core.config import parse_config

config = parse_config(sys.stdin.read(), SPEC.config_model)
collector = SPEC.collector_factory(config)
sink = MetricSink({"target": "v"}, SPEC.catalogue)
collector.collect_target("v", config.targets["v"], Deadline.after(20), sink)
collector.close()
heavy = ("requests", "urllib3", "certifi", "idna", "charset_normalizer", "cryptography")
loaded = sorted(m for m in heavy if m in sys.modules)
print(json.dumps([loaded, len(sink.samples("backup_max_age_seconds"))]))
"""


def test_veeam_scrape_imports_no_requests(veeam: tuple[VeeamServer, Path]) -> None:
    """Issue 16: the Veeam path runs on core.httpclient; requests & co. stay unloaded."""
    server, base = veeam
    out = subprocess.run(
        [sys.executable, "-c", IMPORTS_SCRIPT],
        input=_config(server, base),
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parents[2],
        timeout=120,
        check=False,
    )
    assert out.returncode == 0, out.stderr[-2000:]
    loaded, jobs = json.loads(out.stdout.strip().splitlines()[-1])
    assert loaded == []
    assert jobs == 253  # the scrape really read all pages


def test_without_veeam_targets_no_http_client_is_loaded(tmp_path: Path) -> None:
    """The HTTP client (ssl, http.client, email) is loaded only for a Veeam target."""
    (tmp_path / "job.log").write_text("ok\n")
    config = f"targets:\n  f:\n    type: files\n    path: {tmp_path / 'job.log'}\n"
    script = (
        "import sys\nfrom exporters.backup.__main__ import SPEC\n"
        "from exporters.core.config import parse_config\n"
        "SPEC.collector_factory(parse_config(sys.stdin.read(), SPEC.config_model))\n"
        "print(sorted(m for m in ('exporters.core.httpclient', 'http.client', 'requests')"
        " if m in sys.modules))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", script],
        input=config,
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parents[2],
        timeout=120,
        check=False,
    )
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip() == "[]"
