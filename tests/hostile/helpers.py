"""Starting exporters as real processes for the attacks, and raw HTTP on loopback."""

from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path

import bcrypt

from devkit.exporter import REPO, ExporterProcess
from devkit.procs import port_open

PASSWORD = "scrape-me-please"


def bcrypt_hash(password: str = PASSWORD, cost: int = 4) -> str:
    return bcrypt.hashpw(password.encode(), bcrypt.gensalt(rounds=cost)).decode()


def start_sample(
    tmp_path: Path,
    config: str = "targets: {}\n",
    web_config: str | None = None,
    scheme: str = "http",
    module: str = "devkit.sample_exporter",
) -> ExporterProcess:
    """The sample exporter (core only) as a process, optionally with a web config."""
    (tmp_path / "c.yml").write_text(config)
    args = []
    if web_config is not None:
        (tmp_path / "web.yml").write_text(web_config)
        args.append(f"--web.config.file={tmp_path / 'web.yml'}")
    proc = ExporterProcess(
        "sample", tmp_path / "c.yml", tmp_path, module=module, scheme=scheme, extra_args=args
    )
    proc.wait_until(lambda: port_open("127.0.0.1", proc.port), what="listening")
    return proc


def run_once(*args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """Run the sample exporter with `args` and wait for it to exit (start-up refusals)."""
    return subprocess.run(
        [sys.executable, "-m", "devkit.sample_exporter", "--web.listen-address=127.0.0.1:0", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=REPO,
        check=False,
    )


def raw_exchange(port: int, data: bytes, timeout: float = 10.0, shut: bool = False) -> bytes:
    """Send `data` on a new connection and read until the server closes (or timeout)."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        sock.sendall(data)
        if shut:
            sock.shutdown(socket.SHUT_WR)
        out = b""
        try:
            while True:
                chunk = sock.recv(65536)
                if not chunk:
                    break
                out += chunk
        except TimeoutError:
            pass
        except ConnectionResetError:
            pass
        return out


def status_of(response: bytes) -> int:
    """The status code of the first response in `response` (0 if there is none)."""
    line = response.split(b"\r\n", 1)[0].split()
    return int(line[1]) if len(line) >= 2 and line[1].isdigit() else 0
