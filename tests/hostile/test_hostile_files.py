"""Item 7 (and the file parts of 6 and 12) of issue 18: every file read is bounded.

FIFOs (a hung read), `/dev/zero` (a read without end), `/dev/stdout` (the exporter's own
log) and YAML alias bombs, as secrets, configs, web certificates, certificate sources and
gbak logs. Each case would hang, fill memory or leak the log before the fix.
"""

from __future__ import annotations

import os
import signal
import subprocess
import threading
from pathlib import Path

import pytest
import requests

from devkit import pki
from devkit.exporter import parse_samples, value
from exporters.core.files import (
    FileRefused,
    is_regular_file,
    read_bounded,
    read_tail,
    read_text_bounded,
)
from tests.hostile.helpers import bcrypt_hash, run_once, start_sample

# -- the helper itself --------------------------------------------------------------------


def test_read_bounded_refuses_what_is_not_a_small_regular_file(tmp_path: Path) -> None:
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    with pytest.raises(FileRefused, match="not a regular file"):
        read_bounded(fifo, 1024)  # returns at once: opened non-blocking, checked by fstat
    for special in ("/dev/zero", "/dev/stdout", "/proc/self/environ", "/proc/self/fd/1"):
        with pytest.raises(FileRefused):
            read_bounded(special, 1024)
    big = tmp_path / "big"
    big.write_bytes(b"x" * 2048)
    with pytest.raises(FileRefused, match="larger than 1024 bytes"):
        read_bounded(big, 1024)
    assert read_bounded(big, 2048) == b"x" * 2048
    link = tmp_path / "log"
    link.symlink_to("/dev/stderr")
    with pytest.raises(FileRefused):
        read_text_bounded(link, 1024)
    assert not is_regular_file(link) and not is_regular_file(fifo) and is_regular_file(big)
    data, st = read_tail(big, 100)
    assert data == b"x" * 100 and st.st_size == 2048


def test_large_reads_are_bounded_in_parallel(tmp_path: Path, monkeypatch) -> None:
    from exporters.core import files

    inside = 0
    peak = 0
    lock = threading.Lock()
    real = files._read_fd

    def counting(fd: int, limit: int, path) -> bytes:
        nonlocal inside, peak
        with lock:
            inside += 1
            peak = max(peak, inside)
        try:
            return real(fd, limit, path)
        finally:
            with lock:
                inside -= 1

    monkeypatch.setattr(files, "_read_fd", counting)
    big = tmp_path / "big.pem"
    big.write_bytes(b"-" * (files.LARGE_READ + 1))
    threads = [
        threading.Thread(target=read_bounded, args=(big, 10 * files.LARGE_READ)) for _ in range(12)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert 1 <= peak <= files.LARGE_READERS


# -- secrets and configs at start: exit 2, never a hang or a traceback ---------------------


def _config_with_secret(tmp_path: Path, secret_path: str) -> Path:
    config = tmp_path / "c.yml"
    config.write_text(
        f"targets:\n  a:\n    address: 127.0.0.1:1\n    password_file: {secret_path}\n"
    )
    return config


@pytest.mark.parametrize("kind", ["fifo", "/dev/zero", "/dev/stdout", "too-large"])
def test_hostile_secret_file_exits_2(tmp_path: Path, kind: str) -> None:
    if kind == "fifo":
        path = tmp_path / "pw"
        os.mkfifo(path)
    elif kind == "too-large":
        path = tmp_path / "pw"
        path.write_bytes(b"p" * (1024 * 1024))
    else:
        path = Path(kind)
    config = _config_with_secret(tmp_path, str(path))
    result = run_once(f"--config.file={config}", timeout=60)
    assert result.returncode == 2, result.stderr
    assert "targets.a: password_file: cannot read" in result.stderr
    assert "Traceback" not in result.stderr


def test_fifo_as_config_file_exits_2(tmp_path: Path) -> None:
    config = tmp_path / "c.yml"
    os.mkfifo(config)
    result = run_once(f"--config.file={config}", timeout=60)
    assert result.returncode == 2
    assert "not a regular file" in result.stderr


def test_yaml_alias_bomb_is_refused(tmp_path: Path) -> None:
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for i in range(1, 10):
        prev = f"*a{i - 1}"
        lines.append(f"a{i}: &a{i} [{', '.join([prev] * 9)}]")
    config = tmp_path / "c.yml"
    config.write_text("\n".join(lines) + "\ntargets: {}\n")
    result = run_once(f"--config.file={config}", timeout=60)
    assert result.returncode == 2
    assert "after expanding YAML aliases" in result.stderr


# -- the web config's certificate files ------------------------------------------------------


def test_fifo_as_web_cert_file_exits_2_and_does_not_block_reload(tmp_path: Path) -> None:
    fifo = tmp_path / "cert.fifo"
    os.mkfifo(fifo)
    (tmp_path / "c.yml").write_text("targets: {}\n")
    (tmp_path / "web.yml").write_text(
        f"tls_server_config:\n  cert_file: {fifo}\n  key_file: {fifo}\n"
    )
    result = run_once(
        f"--config.file={tmp_path / 'c.yml'}", f"--web.config.file={tmp_path / 'web.yml'}"
    )
    assert result.returncode == 2
    assert "not a regular file" in result.stderr

    ca = pki.make_ca("hostile test CA")
    server = pki.make_cert("localhost", ca, sans=["localhost", "127.0.0.1"])
    cert = pki.write_pem(tmp_path / "server.pem", server)
    key = pki.write_key(tmp_path / "server.key", server)
    ca_file = pki.write_pem(tmp_path / "ca.pem", ca)
    proc = start_sample(
        tmp_path,
        web_config=f"tls_server_config:\n  cert_file: {cert}\n  key_file: {key}\n"
        f"basic_auth_users:\n  prom: {bcrypt_hash()}\n",
        scheme="https",
    )
    try:
        (tmp_path / "web.yml").write_text(
            f"tls_server_config:\n  cert_file: {fifo}\n  key_file: {key}\n"
            f"basic_auth_users:\n  prom: {bcrypt_hash()}\n"
        )
        # the refresh on the next connection refuses the FIFO and keeps serving
        for _ in range(3):
            resp = requests.get(f"{proc.url}/-/healthy", verify=str(ca_file), timeout=30)
            assert resp.status_code == 401
        resp = requests.post(f"{proc.url}/-/reload", verify=str(ca_file), timeout=30)
        assert resp.status_code == 401
        assert "not a regular file" in proc.log_text()
    finally:
        proc.stop()


# -- certificate sources and gbak logs: the target is down, the process is fine -------------


def test_certs_exporter_refuses_fifos_devices_and_its_own_log(
    tmp_path: Path, start_exporter
) -> None:
    fifo = tmp_path / "cert.fifo"
    os.mkfifo(fifo)
    proc = start_exporter(
        "certs",
        "timeout: 2s\ntargets:\n"
        f"  fifo:\n    file: {fifo}\n"
        "  zero:\n    file: /dev/zero\n"
        '  stdio:\n    file: "/dev/std*"\n'
        '  fds:\n    file: "/proc/self/fd/*"\n',
    )
    samples = proc.metrics()
    for name in ("fifo", "zero", "stdio", "fds"):
        assert value(samples, "cert_up", target=name) == 0, name
    assert "not a regular file" in proc.log_text()
    proc.send_signal(signal.SIGTERM)
    try:
        proc.proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        raise AssertionError("certs exporter did not exit") from None


def test_backup_gbak_log_on_devices_and_fifos(tmp_path: Path, start_exporter) -> None:
    fifo = tmp_path / "gbak.log"
    os.mkfifo(fifo)
    proc = start_exporter(
        "backup",
        f"timeout: 2s\npush:\n  state_dir: {tmp_path / 'state'}\ntargets:\n"
        f"  fifo:\n    type: gbak_log\n    path: {fifo}\n"
        "  zero:\n    type: gbak_log\n    path: /dev/zero\n",
    )
    samples = parse_samples(proc.get("/metrics"))
    assert value(samples, "backup_up", target="fifo") == 0
    assert value(samples, "backup_up", target="zero") == 0
    log = proc.log_text()
    assert "not a regular file" in log or "device or process file" in log
    assert "MemoryError" not in log


def test_push_state_file_and_ti_pkcs12_file_as_fifo_do_not_hang(tmp_path: Path) -> None:
    import ssl
    from types import SimpleNamespace

    from exporters.backup.push import StateStore
    from exporters.ti.transport import _load_pkcs12

    os.mkfifo(tmp_path / "wsb.json")
    with pytest.raises(ValueError, match="unreadable"):
        StateStore(tmp_path).load("wsb")
    os.mkfifo(tmp_path / "client.p12")
    cfg = SimpleNamespace(pkcs12_file=tmp_path / "client.p12", pkcs12_password=None)
    with pytest.raises(ValueError, match="not a regular file"):
        _load_pkcs12(ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT), cfg)  # type: ignore[arg-type]


def test_parallel_large_certificate_files_stay_within_memory(
    tmp_path: Path, start_exporter
) -> None:
    """Eight 9 MiB certificate files scraped in parallel: before, every thread parsed its
    own copy in its own malloc arena and the process stayed at ~250 MB peak. Now at most
    two large files are read and parsed at once, in two arenas."""
    import base64

    targets = ""
    for i in range(8):
        body = base64.encodebytes(os.urandom(6_800_000))
        (tmp_path / f"c{i}.pem").write_bytes(
            b"-----BEGIN CERTIFICATE-----\n" + body + b"-----END CERTIFICATE-----\n"
        )
        targets += f"  c{i}:\n    file: {tmp_path / f'c{i}.pem'}\n"
    proc = start_exporter("certs", f"timeout: 30s\ntargets:\n{targets}")

    def peak_mib() -> int:
        for line in Path(f"/proc/{proc.pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) // 1024
        raise AssertionError("no VmHWM")

    before = peak_mib()
    for _ in range(2):
        samples = proc.metrics(timeout=120)
        assert all(value(samples, "cert_up", target=f"c{i}") == 0 for i in range(8))
    assert peak_mib() - before < 150


def test_firebird_log_follower_skips_a_fifo(tmp_path: Path) -> None:
    from exporters.firebird.logscan import LogFollower

    fifo = tmp_path / "firebird.log"
    os.mkfifo(fifo)
    follower = LogFollower(str(fifo))
    follower.poll()  # before: open() blocked for ever on the FIFO
    assert follower.readable is False
    follower.close()
