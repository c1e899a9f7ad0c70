"""The real apcupsd daemon (Debian package, not installed) reading a UPS over SNMP.

apcupsd conflicts with nut-client in Debian, so its binaries are taken with
`apt-get download apcupsd && dpkg -x` into a cache directory (`scripts/install-system-deps.sh`
does it once into `APCUPSD_CACHE`; `binaries()` does it itself when that is missing).
`Apcupsd` runs `apcupsd -b` with `UPSTYPE snmp` against an snmpsim agent serving an APC
recording, with its Network Information Server on a free loopback port and every file
(lock, events, status, scripts) inside the test directory. Its `apccontrol` is a script
that only writes the event to a file: a simulated power failure never shuts anything down.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from devkit.ports import free_port
from devkit.procs import ServiceProcess, port_open

APCUPSD_CACHE = Path(os.environ.get("PRAXIS_APCUPSD_DIR", "/var/cache/praxis-exporters/apcupsd"))
_APCCONTROL = """#!/bin/sh
# test double of apccontrol: record the event, never shut down (exit 99 = no default action)
echo "$1" >> "$(dirname "$0")/events.log"
exit 99
"""


def binaries(cache: Path = APCUPSD_CACHE) -> Path:
    """The directory holding `sbin/apcupsd` and `sbin/apcaccess` (downloaded if missing)."""
    if (cache / "sbin" / "apcupsd").exists():
        return cache
    cache.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        ["apt-get", "download", "apcupsd"], cwd=cache, check=True, capture_output=True, timeout=300
    )
    debs = sorted(cache.glob("apcupsd_*.deb"))
    if not debs:
        raise FileNotFoundError("apt-get download apcupsd produced no .deb")
    subprocess.run(["dpkg", "-x", str(debs[-1]), str(cache)], check=True, timeout=120)
    return cache


def apcaccess(address: str, cache: Path = APCUPSD_CACHE) -> str:
    """apcupsd's own client: `apcaccess status <address>`."""
    result = subprocess.run(
        [str(binaries(cache) / "sbin" / "apcaccess"), "status", address],
        capture_output=True,
        text=True,
        timeout=20,
        check=True,
    )
    return result.stdout


class Apcupsd(ServiceProcess):
    """apcupsd reading `community` from the SNMP agent at `snmp_address` (host:port)."""

    def __init__(
        self, workdir: Path, snmp_address: str, community: str, name: str = "apcupsd"
    ) -> None:
        root = binaries()
        workdir.mkdir(parents=True, exist_ok=True)
        scripts = workdir / "scripts"
        scripts.mkdir(exist_ok=True)
        control = scripts / "apccontrol"
        control.write_text(_APCCONTROL)
        control.chmod(0o755)
        self.nis_port = free_port()
        self.events = scripts / "events.log"
        conf = workdir / "apcupsd.conf"
        conf.write_text(
            f"""## apcupsd.conf v1.1 ##
UPSNAME praxis-test
UPSCABLE ether
UPSTYPE snmp
DEVICE {snmp_address}:APC:{community}
POLLTIME 1
LOCKFILE {workdir}
SCRIPTDIR {scripts}
PWRFAILDIR {workdir}
NOLOGINDIR {workdir}
ONBATTERYDELAY 1
BATTERYLEVEL 10
MINUTES 5
TIMEOUT 0
ANNOY 0
NOLOGON disable
KILLDELAY 0
NETSERVER on
NISIP 127.0.0.1
NISPORT {self.nis_port}
EVENTSFILE {workdir / "events"}
EVENTSFILEMAX 10
UPSCLASS standalone
UPSMODE disable
STATTIME 0
STATFILE {workdir / "status"}
LOGSTATS off
DATATIME 0
"""
        )
        argv = [str(root / "sbin" / "apcupsd"), "-b", "-f", str(conf), "-P", str(workdir / "pid")]
        super().__init__(name, argv, workdir / f"{name}.log")
        self.wait_until(
            lambda: port_open("127.0.0.1", self.nis_port), timeout=60, what="NIS listening"
        )
        self.wait_until(
            lambda: "ONLINE" in self.status() or "ONBATT" in self.status(),
            timeout=60,
            what="reading the UPS",
        )

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.nis_port}"

    def status(self) -> str:
        return apcaccess(self.address)
