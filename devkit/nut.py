"""Real Network UPS Tools (Debian nut-server/nut-client) in a test directory.

`NutServer` runs one `/lib/nut/dummy-ups` per UPS serving a `.dev` file (upsc format) and
`/lib/nut/upsd` on a free loopback port, with `NUT_CONFPATH`/`NUT_STATEPATH` inside the
directory (the `/usr/sbin/upsd` wrapper refuses while `/etc/nut/nut.conf` says
`MODE=none`). `attach_upsmon()` starts a real `/lib/nut/upsmon` as a secondary, so
`LIST CLIENT` lists it. `write_dev()` rewrites a `.dev` file; dummy-ups re-reads it when it
changes, `wait_for()` polls until upsd serves the new value.
"""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
import time
from collections.abc import Mapping
from pathlib import Path

from devkit.ports import free_port
from devkit.procs import ServiceProcess

NUT_LIB = Path("/lib/nut")
DEV_DIR = Path(__file__).resolve().parent.parent / "simulators" / "nut"
MONITOR_USER = "monitor"
MONITOR_PASSWORD = "nut-test-secret"


def available() -> bool:
    return (NUT_LIB / "upsd").exists() and (NUT_LIB / "dummy-ups").exists()


def upsc(ups: str, address: str, variable: str | None = None, timeout: float = 10) -> str:
    """NUT's own client: `upsc <ups>@<address> [variable]`."""
    argv = ["upsc", f"{ups}@{address}", *([variable] if variable else [])]
    result = subprocess.run(argv, capture_output=True, text=True, timeout=timeout, check=False)
    if result.returncode != 0:
        raise RuntimeError(f"upsc failed: {result.stderr.strip()}")
    return result.stdout


class NutServer:
    """dummy-ups drivers + upsd on 127.0.0.1:<free port>; `devices` maps UPS name -> .dev text."""

    def __init__(
        self,
        workdir: Path,
        devices: Mapping[str, str],
        maxconn: int = 64,
        upsd_extra: str = "",
    ) -> None:
        self.workdir = workdir
        self.conf = workdir / "conf"
        self.state = workdir / "state"
        self.conf.mkdir(parents=True, exist_ok=True)
        self.state.mkdir(parents=True, exist_ok=True)
        os.chmod(self.state, 0o700)
        self.port = free_port()
        self.env = {
            "NUT_CONFPATH": str(self.conf),
            "NUT_STATEPATH": str(self.state),
            "NUT_ALTPIDPATH": str(self.state),
        }
        sections = []
        for name, text in devices.items():
            (self.conf / f"{name}.dev").write_text(text)
            sections.append(f"[{name}]\n  driver = dummy-ups\n  port = {name}.dev\n")
        self._write("ups.conf", "\n".join(sections))
        self._write("upsd.conf", f"LISTEN 127.0.0.1 {self.port}\nMAXCONN {maxconn}\n{upsd_extra}")
        self._write(
            "upsd.users",
            f"[{MONITOR_USER}]\n  password = {MONITOR_PASSWORD}\n  upsmon secondary\n",
        )
        self.procs: list[ServiceProcess] = []
        self.upsmons: list[ServiceProcess] = []
        try:
            for name in devices:
                self.procs.append(self._spawn(f"dummy-ups-{name}", "dummy-ups", "-a", name))
            for name in devices:
                self.procs[-1].wait_until(
                    lambda n=name: (self.state / f"dummy-ups-{n}").exists(),
                    timeout=30,
                    what=f"driver socket of {name}",
                )
            self.upsd = self._spawn("upsd", "upsd")
            self.procs.append(self.upsd)
            for name in devices:
                self.upsd.wait_until(
                    lambda n=name: upsc(n, self.address, "ups.status", 5).strip() != "WAIT",
                    timeout=30,
                    what=f"serving {name}",
                )
        except BaseException:
            self.stop()
            raise

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    def _write(self, name: str, text: str, directory: Path | None = None) -> None:
        path = (directory or self.conf) / name
        path.write_text(text)
        os.chmod(path, 0o600)

    def _spawn(
        self, log_name: str, binary: str, *args: str, env: Mapping[str, str] | None = None
    ) -> ServiceProcess:
        argv = [str(NUT_LIB / binary), *args, "-u", "root", "-F"]
        return ServiceProcess(log_name, argv, self.workdir / f"{log_name}.log", env=env or self.env)

    def write_dev(self, ups: str, text: str) -> None:
        """Replace a UPS's .dev file (keep the same variables: dummy-ups never drops one)."""
        path = self.conf / f"{ups}.dev"
        tmp = path.with_suffix(".tmp")
        tmp.write_text(text)
        # a newer mtime even on coarse file systems, so dummy-ups sees the change
        stamp = max(time.time(), path.stat().st_mtime + 1)
        os.utime(tmp, (stamp, stamp))
        tmp.replace(path)

    def wait_for(self, ups: str, variable: str, value: str, timeout: float = 30) -> None:
        self.upsd.wait_until(
            lambda: upsc(ups, self.address, variable, timeout=5).strip() == value,
            timeout=timeout,
            what=f"{ups} {variable}={value}",
        )

    def attach_upsmon(self, *upses: str) -> ServiceProcess:
        """A real upsmon (secondary) monitoring `upses`; returns once upsd lists it."""
        n = len(self.upsmons)
        conf = self.workdir / f"upsmon-{n}"
        conf.mkdir(exist_ok=True)
        monitors = "".join(
            f"MONITOR {u}@{self.address} 1 {MONITOR_USER} {MONITOR_PASSWORD} secondary\n"
            for u in upses
        )
        self._write(
            "upsmon.conf",
            monitors + f'MINSUPPLIES 1\nSHUTDOWNCMD "/bin/true"\n'
            f"POWERDOWNFLAG {conf / 'killpower'}\nPOLLFREQ 2\nPOLLFREQALERT 2\n",
            conf,
        )
        shutil.copy(self.conf / "upsd.users", conf / "upsd.users")
        env = {**self.env, "NUT_CONFPATH": str(conf), "NUT_STATEPATH": str(conf)}
        argv = [str(NUT_LIB / "upsmon"), "-u", "root", "-F"]
        if private_run_dir_works():
            # upsmon keeps its PID file in the compiled-in /run/nut and refuses to start while
            # another upsmon on the host (a demo, another test run) has one there: give this
            # one a private /run/nut in its own mount namespace.
            run = conf / "run"
            run.mkdir(exist_ok=True)
            argv = [*_PRIVATE_RUN, str(run), *argv]
        proc = ServiceProcess(f"upsmon-{n}", argv, self.workdir / f"upsmon-{n}.log", env=env)
        self.upsmons.append(proc)
        for ups in upses:
            proc.wait_until(
                lambda u=ups: len(self.clients(u)) > n, timeout=30, what=f"attached to {ups}"
            )
        return proc

    def clients(self, ups: str) -> list[str]:
        """`LIST CLIENT <ups>` as upsd answers it (through NUT's own upsc -c)."""
        return upsc_clients(ups, self.address)

    def stop(self) -> None:
        for proc in reversed([*self.procs, *self.upsmons]):
            proc.stop()


_PRIVATE_RUN = [
    "unshare",
    "--mount",
    "--propagation",
    "private",
    "sh",
    "-c",
    'mkdir -p /run/nut && mount --bind "$0" /run/nut && exec "$@"',
]


@functools.lru_cache(maxsize=1)
def private_run_dir_works() -> bool:
    """True if this host lets root bind-mount in a new mount namespace (not every container)."""
    if shutil.which("unshare") is None:
        return False
    probe = subprocess.run(
        [*_PRIVATE_RUN, "/tmp", "true"], capture_output=True, timeout=10, check=False
    )
    return probe.returncode == 0


def nss_certificate_db(directory: Path, p12: Path, p12_password: str) -> str:
    """An NSS database holding upsd's key and certificate (Debian's upsd uses NSS for TLS);
    returns the `upsd.conf` lines (CERTPATH, CERTIDENT) that enable STARTTLS with it."""
    directory.mkdir(parents=True, exist_ok=True)
    password = "nss-db-secret"
    pwfile = directory / "password"
    pwfile.write_text(password + "\n")
    db = f"sql:{directory}"
    for argv in (
        ["certutil", "-N", "-d", db, "-f", str(pwfile)],
        ["pk12util", "-i", str(p12), "-d", db, "-W", p12_password, "-K", password],
    ):
        subprocess.run(argv, check=True, capture_output=True, timeout=60)
    return f'CERTPATH {directory}\nCERTIDENT "upsd" "{password}"\nDISABLE_WEAK_SSL true\n'


def upsc_clients(ups: str, address: str) -> list[str]:
    result = subprocess.run(
        ["upsc", "-c", f"{ups}@{address}"], capture_output=True, text=True, timeout=10
    )
    return result.stdout.split() if result.returncode == 0 else []


def dev_file(name: str) -> str:
    """The text of `simulators/nut/<name>.dev`."""
    return (DEV_DIR / f"{name}.dev").read_text()
