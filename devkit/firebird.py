"""The real Firebird 3 server from Debian, started by hand (no systemd), and test databases."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from devkit.procs import port_open

INIT_SCRIPT = "/etc/init.d/firebird3.0"
PASSWORD_FILE = Path("/etc/firebird/3.0/SYSDBA.password")
HOST = "127.0.0.1"
PORT = 3050
DB_ROOT = Path(os.environ.get("PRAXIS_FIREBIRD_DB_DIR", "/var/tmp/praxis-firebird"))


@dataclass(frozen=True)
class FirebirdServer:
    host: str
    port: int
    user: str
    password: str

    def dsn(self, path: Path | str) -> str:
        return f"{self.host}/{self.port}:{path}"


def sysdba_password() -> str:
    text = PASSWORD_FILE.read_text() if PASSWORD_FILE.exists() else ""
    match = re.search(r'^ISC_PASSWORD="?([^"\n]*)"?', text, re.MULTILINE)
    return match.group(1) if match else "masterkey"


def server_env() -> dict[str, str]:
    """The environment for the server's init script: without a client-side `FIREBIRD`.

    The Firebird exporter points `FIREBIRD` at a client root (for ConnectionTimeout); a
    server started from a process that ran it in-process would take that directory as its
    root, find no security database and die with "startup error".
    """
    return {k: v for k, v in os.environ.items() if k != "FIREBIRD"}


def available() -> bool:
    return Path(INIT_SCRIPT).exists() and shutil.which("isql-fb") is not None


def ensure_server(timeout: float = 30.0) -> FirebirdServer:
    """Start the server if it is not listening; return how to reach it as SYSDBA."""
    if not available():
        raise RuntimeError("Firebird 3 is not installed; run scripts/install-system-deps.sh")
    if not port_open(HOST, PORT):
        subprocess.run(
            [INIT_SCRIPT, "start"], check=True, capture_output=True, timeout=60, env=server_env()
        )
        end = time.monotonic() + timeout
        while not port_open(HOST, PORT):
            if time.monotonic() > end:
                raise TimeoutError("Firebird did not start listening on 3050")
            time.sleep(0.2)
    return FirebirdServer(HOST, PORT, "SYSDBA", sysdba_password())


def stop_server() -> None:
    subprocess.run(
        [INIT_SCRIPT, "stop"], check=False, capture_output=True, timeout=60, env=server_env()
    )
    end = time.monotonic() + 30
    while port_open(HOST, PORT) and time.monotonic() < end:
        time.sleep(0.2)


def database_dir(name: str) -> Path:
    """A directory the `firebird` user owns (the server writes the files itself)."""
    path = DB_ROOT / name
    path.mkdir(parents=True, exist_ok=True)
    shutil.chown(DB_ROOT, "firebird", "firebird")
    shutil.chown(path, "firebird", "firebird")
    return path


def isql(
    server: FirebirdServer,
    database: str,
    sql: str,
    user: str | None = None,
    password: str | None = None,
    timeout: float = 60,
) -> str:
    """Run SQL through isql-fb as SYSDBA (or the given user); raise with its output on error."""
    result = subprocess.run(
        [
            "isql-fb",
            "-q",
            "-bail",
            "-user",
            user or server.user,
            "-password",
            password or server.password,
            database,
        ],
        input=sql,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if result.returncode != 0 or "Statement failed" in result.stderr:
        raise RuntimeError(f"isql-fb failed: {result.stdout}\n{result.stderr}")
    return result.stdout


def create_database(server: FirebirdServer, path: Path, page_size: int = 8192) -> str:
    """Create (or replace) a database file; returns its DSN."""
    if path.exists():
        path.unlink()
    dsn = server.dsn(path)
    isql(
        server,
        "",
        f"CREATE DATABASE '{dsn}' USER '{server.user}' PASSWORD "
        f"'{server.password}' PAGE_SIZE {page_size};\n",
    )
    return dsn


def _server_processes() -> bool:
    """True while fbguard or the firebird server process (not zombies) still runs."""
    result = subprocess.run(
        ["pidof", "fbguard", "firebird"], capture_output=True, text=True, check=False
    )
    return bool(result.stdout.strip())


def restart_server(attempts: int = 3, timeout: float = 30.0) -> FirebirdServer:
    """Start the server after `stop_server()`, robust against a start that races the stop.

    A server started while the old one still exits dies with "startup error" in
    firebird.log and never listens; so wait until the old processes are gone, and retry.
    """
    last: Exception | None = None
    for _ in range(attempts):
        end = time.monotonic() + 30
        while not port_open(HOST, PORT) and _server_processes() and time.monotonic() < end:
            time.sleep(0.2)
        try:
            return ensure_server(timeout=timeout)
        except (TimeoutError, subprocess.SubprocessError) as exc:
            last = exc
            stop_server()
    raise TimeoutError(f"Firebird did not come back after {attempts} attempts: {last}")
