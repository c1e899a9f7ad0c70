"""snmpsim-command-responder on a free loopback UDP port, serving a directory of recordings.

The SNMP v1/v2c community is a recording's file name without `.snmprec`; for SNMPv3 the
same name is the context name. Writable records (`2:writecache|value=3`) can be flipped
with `set()` (a real SNMP SET through net-snmp's `snmpset`).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from devkit.ports import free_port
from devkit.procs import ServiceProcess


@dataclass(frozen=True)
class V3User:
    """One USM user of the simulated agent (protocol names as snmpsim spells them)."""

    name: str
    auth_key: str
    auth_proto: str = "SHA"
    priv_key: str | None = None
    priv_proto: str = "AES"


def responder_binary() -> str:
    """snmpsim's responder from the venv running the tests (or PATH)."""
    beside = Path(sys.executable).parent / "snmpsim-command-responder"
    found = str(beside) if beside.exists() else shutil.which("snmpsim-command-responder")
    if not found:
        raise FileNotFoundError("snmpsim-command-responder not found; pip install snmpsim pysmi")
    return found


class SnmpSim(ServiceProcess):
    """An snmpsim agent on 127.0.0.1:<free UDP port> serving every recording in `data_dir`."""

    def __init__(
        self,
        data_dir: Path,
        workdir: Path,
        v3_users: Iterable[V3User] = (),
        v3_only: bool = False,
        port: int | None = None,
        name: str = "snmpsim",
    ) -> None:
        self.port = port or free_port(udp=True)
        self.data_dir = data_dir
        workdir.mkdir(parents=True, exist_ok=True)
        argv = [
            responder_binary(),
            f"--data-dir={data_dir}",
            f"--cache-dir={workdir / (name + '-cache')}",
            f"--agent-udpv4-endpoint=127.0.0.1:{self.port}",
            "--log-level=error",
        ]
        if v3_only:
            argv.append("--v3-only")
        for user in v3_users:
            argv += [f"--v3-user={user.name}", f"--v3-auth-key={user.auth_key}"]
            argv += [f"--v3-auth-proto={user.auth_proto}"]
            if user.priv_key:
                argv += [f"--v3-priv-key={user.priv_key}", f"--v3-priv-proto={user.priv_proto}"]
        super().__init__(name, argv, workdir / f"{name}.log", env={"SNMPSIM_ALLOW_ROOT": "true"})
        self.wait_until(self._listening, timeout=60, what="listening")

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    def _listening(self) -> bool:
        return f"127.0.0.1:{self.port}" in self.log_text()

    def set(self, community: str, oid: str, kind: str, value: str) -> None:
        """SNMP SET through net-snmp (`kind` as snmpset spells it: i, s, t, ...)."""
        subprocess.run(
            ["snmpset", "-v2c", "-c", community, "-r1", "-t3", self.address, oid, kind, value],
            check=True,
            capture_output=True,
            text=True,
        )


def install_recordings(sources: Iterable[Path], data_dir: Path) -> Path:
    """Copy recordings into a fresh data dir (writecache state is per process, files stay)."""
    data_dir.mkdir(parents=True, exist_ok=True)
    for src in sources:
        shutil.copy(src, data_dir / src.name)
    return data_dir
