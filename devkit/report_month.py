"""Test data for praxis-report: a month (October 2026, Europe/Berlin) of two practices,
as OpenMetrics text for `promtool tsdb create-blocks-from openmetrics`, from the seed
stories:

praxis-nord: the nightly PVS backup fails from day 3 to day 9; a power cut on the 14th
(UPS on battery 02:15, battery empty 02:40, server and Firebird hard down, the server boots
at 03:02, Firebird comes back with forced writes off until 09:00); the KIM endpoints are
down on Tuesday the 20th from 10:00 to 14:00; the KIM TLS certificate ends 20 days after
the month; the SMC-B 60 days after; Defender's signatures stop updating on the 24th (the
firewall's keep updating; its AV licence ends 75 days after the month). ALERTS as the rules
would have written them, every 60 s, plus an always-firing Watchdog the report must ignore.

praxis-sued: healthy, on SQL Server, but its exporters only started on the 16th.

Every expected number in the tests is derived from the constants here."""

from __future__ import annotations

import datetime as dt
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from devkit.prometheus import Prometheus, binary
from exporters.report.period import BERLIN

SCRAPE = 300  # metric samples every 5 min (aligned to the query grid; see test for offsets)
EVAL = 60  # ALERTS samples every minute
NORD, SUED = "praxis-nord", "praxis-sued"


def b(day: int, hour: int = 0, minute: int = 0, month: int = 10) -> float:
    """A local (Berlin) time in 2026 (months 13.. = 2027) as Unix seconds."""
    year, month = (2026, month) if month <= 12 else (2027, month - 12)
    return dt.datetime(year, month, day, hour, minute, tzinfo=BERLIN).timestamp()


MONTH_START, MONTH_END = b(1), b(1, month=11)
DATA_START = b(29, month=9)
DATA_END = b(1, 1, month=11)

# praxis-nord
RUN_FAIL_DAYS = range(3, 10)  # the nightly backup fails on days 3..9
NIGHTLY = (1, 30)
NIGHTLY_MAX_AGE = 26 * 3600
OFFSITE = (3, 0)
OFFSITE_MAX_AGE = 3 * 86400
POWER_CUT = b(14, 2, 15)
BATTERY_EMPTY = b(14, 2, 40)
POWER_BACK = b(14, 3, 0)
SERVER_UP = b(14, 3, 5)
BOOT = b(14, 3, 2)
FIREBIRD_BACK = b(14, 3, 10)
FORCED_WRITES_FIXED = b(14, 9, 0)
KIM_DOWN, KIM_UP = b(20, 10, 0), b(20, 14, 0)
KIM_CERT_END = b(21, month=11)  # 20 days after the month
SMCB_END = dt.datetime(2026, 12, 31, tzinfo=dt.UTC).timestamp()  # 00:00 UTC, as the TI does
LICENCE_END = b(1, month=3 + 12)  # beyond 90 days: not in the expiry list
SELF_TEST = b(5, 10, 0)
LONG_TX = b(24, 22, 0)
DEFENDER_LAST = b(24, 6, 0)  # Defender's last signature update; stale 3 days later
DEFENDER_STALE = DEFENDER_LAST + 3 * 86400
FW_AV_LICENCE_END = b(15, month=13)  # 75 days after the month

# praxis-sued
SUED_START = b(16)
SUED_NIGHTLY = (2, 0)

# ALERTS as [start, end) per alert (labels), praxis-nord
ALERT_SPANS: list[tuple[dict[str, str], float, float]] = [
    (
        {"alertname": "BackupLastRunFailed", "severity": "warning", "target": "pvs-nightly"},
        b(3, 1, 40),
        b(10, 1, 30),
    ),
    (
        {"alertname": "BackupTooOld", "severity": "critical", "target": "pvs-nightly"},
        b(3, 3, 35),
        b(10, 1, 30),
    ),
    (
        {"alertname": "UpsOnBattery", "severity": "warning", "target": "usv"},
        b(14, 2, 16),
        b(14, 2, 40),
    ),
    (
        {"alertname": "UpsRuntimeBelowShutdownMargin", "severity": "critical", "target": "usv"},
        b(14, 2, 31),
        b(14, 2, 40),
    ),
    ({"alertname": "UpsDown", "severity": "warning", "target": "usv"}, b(14, 2, 45), b(14, 3, 0)),
    (
        {"alertname": "FirebirdDown", "severity": "critical", "target": "pvs"},
        b(14, 2, 45),
        b(14, 3, 10),
    ),
    (
        {"alertname": "WindowsUnexpectedReboot", "severity": "warning", "instance": "server:9182"},
        b(14, 3, 5),
        b(14, 3, 35),
    ),
    (
        {"alertname": "FirebirdForcedWritesOffWindows", "severity": "critical", "target": "pvs"},
        b(14, 3, 25),
        FORCED_WRITES_FIXED,
    ),
    (
        {
            "alertname": "TiKimUnreachable",
            "severity": "critical",
            "target": "konnektor",
            "service": "smtp",
        },
        b(20, 10, 10),
        KIM_UP,
    ),
    (
        {
            "alertname": "TiKimUnreachable",
            "severity": "critical",
            "target": "konnektor",
            "service": "pop3",
        },
        b(20, 10, 10),
        KIM_UP,
    ),
    # Saturday night, outside practice hours
    (
        {"alertname": "FirebirdLongRunningTransaction", "severity": "warning", "target": "pvs"},
        LONG_TX,
        LONG_TX + 20 * 60,
    ),
    (
        {
            "alertname": "WindowsDefenderSignaturesOutdated",
            "severity": "warning",
            "instance": "server:9182",
        },
        DEFENDER_STALE + 1800,
        DATA_END,
    ),
    (
        {"alertname": "CertExpiringSoon", "severity": "warning", "target": "kim-endpoint"},
        KIM_CERT_END - 28 * 86400 + 600,
        DATA_END,
    ),
    (
        {
            "alertname": "TiCertificateExpiringSoon",
            "severity": "warning",
            "target": "konnektor",
            "card_type": "SMC-B",
        },
        SMCB_END - 90 * 86400 + 3600,
        DATA_END,
    ),
]


def runs(first_day_offset: float, hh_mm: tuple[int, int], fail_days: range = range(0)):
    """Daily runs at hh:mm Berlin from Sep 29 to Nov 1: [(time, ok)]."""
    out = []
    for day in range(29, 31):
        out.append((b(day, *hh_mm, month=9), True))
    for day in range(1, 32):
        out.append((b(day, *hh_mm), day not in fail_days))
    out.append((b(1, *hh_mm, month=11), True))
    return [(t, ok) for t, ok in out if t >= first_day_offset]


@dataclass
class Writer:
    """Series by family, written family by family as OpenMetrics."""

    families: dict[str, list[tuple[dict[str, str], list[tuple[float, float]]]]] = field(
        default_factory=dict
    )

    def series(
        self,
        name: str,
        labels: dict[str, str],
        fn: Callable[[float], float | None],
        start: float = DATA_START,
        end: float = DATA_END,
        every: int = SCRAPE,
    ) -> None:
        samples = []
        t = start
        while t < end:
            v = fn(t)
            if v is not None:
                samples.append((t, v))
            t += every
        self.families.setdefault(name, []).append((labels, samples))

    def lines(self) -> Iterator[str]:
        for name, series in self.families.items():
            yield f"# TYPE {name} gauge\n"
            for labels, samples in series:
                lab = ",".join(f'{k}="{_esc(v)}"' for k, v in sorted(labels.items()))
                prefix = f"{name}{{{lab}}} "
                for t, v in samples:
                    yield f"{prefix}{v!r} {t:.0f}\n"
        yield "# EOF\n"

    def write(self, path: Path) -> None:
        with path.open("w") as fh:
            fh.writelines(self.lines())


def _esc(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def latest(events: list[tuple[float, bool]], t: float, only_ok: bool) -> float | None:
    found = None
    for when, ok in events:
        if when <= t and (ok or not only_ok):
            found = when
    return found


def inside(t: float, a: float, b_: float) -> bool:
    return a <= t < b_


def nord(w: Writer, name: str = NORD) -> None:
    site = {"site": name}

    def lab(job: str, target: str, **extra: str) -> dict[str, str]:
        return {
            **site,
            "job": f"praxis-{job}",
            "instance": f"monitor:{job}",
            "target": target,
            **extra,
        }

    down = (BATTERY_EMPTY, FIREBIRD_BACK)
    # database
    w.series("firebird_up", lab("firebird", "pvs"), lambda t: 0 if inside(t, *down) else 1)
    fb_ok = lambda t: None if inside(t, *down) else 1  # noqa: E731
    w.series(
        "firebird_info",
        lab(
            "firebird",
            "pvs",
            version="3.0.11",
            server_version="WI-V3.0.11.33703 Firebird 3.0",
            ods="12.0",
            database="C:\\medatixx\\DB\\MEDATIXX.FDB",
        ),
        fb_ok,
    )
    w.series(
        "firebird_database_size_bytes",
        lab("firebird", "pvs"),
        lambda t: None if inside(t, *down) else 4e9 + (t - DATA_START) * 70.0,
    )
    w.series(
        "firebird_forced_writes",
        lab("firebird", "pvs"),
        lambda t: (
            None
            if inside(t, *down)
            else (0 if inside(t, FIREBIRD_BACK, FORCED_WRITES_FIXED) else 1)
        ),
    )
    # backup
    nightly = runs(DATA_START, NIGHTLY, RUN_FAIL_DAYS)
    offsite = runs(DATA_START, OFFSITE)
    for target, events, max_age, with_runs in (
        ("pvs-nightly", nightly, NIGHTLY_MAX_AGE, True),
        ("offsite", offsite, OFFSITE_MAX_AGE, False),
    ):
        labels = lab("backup", target)
        w.series("backup_up", labels, lambda t: 1)
        w.series("backup_max_age_seconds", labels, lambda t, m=max_age: m)
        w.series(
            "backup_last_success_timestamp_seconds", labels, lambda t, e=events: latest(e, t, True)
        )
        if with_runs:
            w.series(
                "backup_last_run_timestamp_seconds", labels, lambda t, e=events: latest(e, t, False)
            )
            w.series(
                "backup_last_run_success",
                labels,
                lambda t, e=events: next(
                    (1.0 if ok else 0.0 for when, ok in reversed(e) if when <= t), None
                ),
            )
    # UPS
    ups = lab("ups", "usv")
    ups_off = (BATTERY_EMPTY, POWER_BACK)
    w.series("ups_up", ups, lambda t: 0 if inside(t, *ups_off) else 1)
    w.series(
        "ups_on_battery",
        ups,
        lambda t: (
            None if inside(t, *ups_off) else (1 if inside(t, POWER_CUT, BATTERY_EMPTY) else 0)
        ),
    )

    def charge(t: float) -> float | None:
        if inside(t, *ups_off):
            return None
        if inside(t, POWER_CUT, BATTERY_EMPTY):
            return 1 - 0.9 * (t - POWER_CUT) / (BATTERY_EMPTY - POWER_CUT)
        if inside(t, POWER_BACK, POWER_BACK + 6 * 3600):
            return 0.1 + 0.9 * (t - POWER_BACK) / (6 * 3600)
        return 1.0

    w.series("ups_battery_charge_ratio", ups, charge)
    ups_on = lambda t: None if inside(t, *ups_off) else 1  # noqa: E731
    w.series(
        "ups_info",
        {
            **ups,
            "vendor": "Eaton",
            "model": "5P 1550",
            "firmware": "02.14.0026",
            "serial": "G118K02123",
            "mib": "xups",
        },
        ups_on,
    )
    w.series(
        "ups_last_self_test_timestamp_seconds",
        ups,
        lambda t: (
            None if inside(t, *ups_off) else (SELF_TEST if t >= SELF_TEST else b(5, 10, 0, month=9))
        ),
    )
    for result in ("passed", "warning", "failed"):
        w.series(
            "ups_self_test_result",
            {**ups, "result": result},
            lambda t, r=result: None if inside(t, *ups_off) else float(r == "passed"),
        )
    w.series("ups_battery_replace_needed", ups, lambda t: None if inside(t, *ups_off) else 0)
    # TI
    ti = lab("ti", "konnektor")
    w.series("ti_up", ti, lambda t: 1)
    w.series("ti_vpn_ti_connected", ti, lambda t: 1)
    for service in ("smtp", "pop3"):
        w.series(
            "ti_kim_up",
            {**ti, "service": service},
            lambda t: 0 if inside(t, KIM_DOWN, KIM_UP) else 1,
        )
    w.series(
        "ti_connector_info",
        {
            **ti,
            "vendor": "secunet",
            "product": "Konnektor",
            "product_type_version": "5.1.2",
            "fw_version": "5.1.2",
            "hw_version": "2.0.0",
        },
        lambda t: 1,
    )
    w.series(
        "ti_connector_firmware_as_expected",
        {**ti, "expected": "5.1.2", "fw_version": "5.1.2"},
        lambda t: 1,
    )
    w.series("ti_card_terminal_connected", {**ti, "ct_id": "CT-1", "name": "Empfang"}, lambda t: 1)
    w.series(
        "ti_card_certificate_expiry_timestamp_seconds",
        {**ti, "card_type": "SMC-B", "iccsn": "80276883110000012345", "holder": "Praxis Dr. Nord"},
        lambda t: SMCB_END,
    )
    # certificates and licences
    certs = lab("certs", "kim-endpoint")
    w.series("cert_up", certs, lambda t: 1)
    w.series("cert_verified", certs, lambda t: 1)
    w.series(
        "cert_not_after_timestamp_seconds",
        {
            **certs,
            "source": "kim.praxis-nord.example:465",
            "position": "0",
            "subject_cn": "kim.praxis-nord.example",
            "issuer_cn": "Praxis CA",
            "serial": "0a1b",
        },
        lambda t: KIM_CERT_END,
    )
    lic = lab("certs", "licences")
    w.series("cert_up", lic, lambda t: 1)
    w.series(
        "cert_not_after_timestamp_seconds",
        {**lic, "source": "expires", "description": "PVS-Wartungsvertrag"},
        lambda t: LICENCE_END,
    )
    # the server (windows_exporter)
    srv = {**site, "job": "windows", "instance": "server:9182"}
    server_down = (BATTERY_EMPTY, SERVER_UP)
    w.series("up", srv, lambda t: 0 if inside(t, *server_down) else 1)
    w.series(
        "windows_system_boot_time_timestamp",  # windows_exporter 0.31's name
        srv,
        lambda t: (
            None if inside(t, *server_down) else (BOOT if t >= SERVER_UP else b(20, 4, 0, month=9))
        ),
    )
    w.series(
        "windows_os_info",
        {**srv, "product": "Microsoft Windows Server 2022 Standard", "version": "10.0.20348"},
        lambda t: None if inside(t, *server_down) else 1,
    )
    # Write-PraxisWindowsStatus.ps1 via the textfile collector: Defender stops updating
    up_now = lambda t: None if inside(t, *server_down) else 1  # noqa: E731
    w.series(
        "praxis_windows_defender_signature_updated_timestamp_seconds",
        srv,
        lambda t: (
            None
            if inside(t, *server_down)
            else latest([(b(d, 6, 0), True) for d in range(1, 25)], t, True) or b(30, 6, month=9)
        ),
    )
    for mode in ("normal", "passive"):
        w.series(
            "praxis_windows_defender_running_mode",
            {**srv, "mode": mode},
            lambda t, m=mode: None if inside(t, *server_down) else float(m == "normal"),
        )
    w.series("praxis_windows_defender_realtime_protection_enabled", srv, up_now)
    # the firewall (praxis-firewall-exporter)
    fw = lab("firewall", "fw")
    w.series("firewall_up", fw, lambda t: 1)
    w.series(
        "firewall_info",
        {
            **fw,
            "vendor": "fortigate",
            "model": "FortiGate 60F",
            "firmware": "7.2.8",
            "serial": "FGT60FTK2109XXXX",
        },
        lambda t: 1,
    )
    w.series("firewall_firmware_as_expected", fw, lambda t: 1)
    w.series(
        "firewall_licence_expiry_timestamp_seconds",
        {**fw, "module": "antivirus", "vendor_module": "AntiVirus"},
        lambda t: FW_AV_LICENCE_END,
    )
    w.series(
        "firewall_signature_update_timestamp_seconds",
        {**fw, "engine": "antivirus"},
        lambda t: latest([(b(d, 4, 0), True) for d in range(1, 32)], t, True) or b(30, 4, month=9),
    )
    # alerts
    for labels, start, end in ALERT_SPANS:
        full = {**site, "alertstate": "firing", **labels}
        w.series("ALERTS", full, lambda t: 1, start=start, end=end, every=EVAL)
    w.series(
        "ALERTS",
        {**site, "alertname": "Watchdog", "alertstate": "firing", "severity": "info"},
        lambda t: 1,
        every=EVAL,
    )


def sued(w: Writer, name: str = SUED) -> None:
    site = {"site": name}

    def lab(job: str, target: str, **extra: str) -> dict[str, str]:
        return {
            **site,
            "job": f"praxis-{job}",
            "instance": f"monitor:{job}",
            "target": target,
            **extra,
        }

    s = SUED_START
    w.series("mssql_up", lab("mssql", "cgm"), lambda t: 1, start=s)
    w.series(
        "mssql_info",
        lab(
            "mssql",
            "cgm",
            version="15.0.4375.4",
            edition="Express Edition",
            product_level="RTM",
            engine_edition="4",
            instance_name="CGM",
        ),
        lambda t: 1,
        start=s,
    )
    w.series(
        "mssql_database_data_size_bytes",
        lab("mssql", "cgm", database="CGM"),
        lambda t: 8e9 + (t - s) * 20.0,
        start=s,
    )
    events = runs(DATA_START, SUED_NIGHTLY)
    backup = lab("backup", "m1-backup")
    w.series("backup_up", backup, lambda t: 1, start=s)
    w.series("backup_max_age_seconds", backup, lambda t: NIGHTLY_MAX_AGE, start=s)
    w.series(
        "backup_last_success_timestamp_seconds", backup, lambda t: latest(events, t, True), start=s
    )
    ups = lab("ups", "usv")
    w.series("ups_up", ups, lambda t: 1, start=s)
    w.series("ups_on_battery", ups, lambda t: 0, start=s)
    ti = lab("ti", "konnektor")
    w.series("ti_up", ti, lambda t: 1, start=s)
    w.series("ti_vpn_ti_connected", ti, lambda t: 1, start=s)
    certs = lab("certs", "web")
    w.series("cert_up", certs, lambda t: 1, start=s)
    w.series(
        "cert_not_after_timestamp_seconds",
        {
            **certs,
            "source": "praxis-sued.example:443",
            "position": "0",
            "subject_cn": "praxis-sued.example",
            "issuer_cn": "R3",
            "serial": "ff",
        },
        lambda t: b(1, month=6 + 12),
        start=s,
    )


def write_month(path: Path, pairs: int = 1) -> list[str]:
    """The story as OpenMetrics; `pairs` > 1 repeats both practices under numbered names
    (for benchmarks). Returns the site names."""
    w = Writer()
    sites = []
    for i in range(pairs):
        a, b_ = (NORD, SUED) if pairs == 1 else (f"{NORD}-{i:03d}", f"{SUED}-{i:03d}")
        nord(w, a)
        sued(w, b_)
        sites += [a, b_]
    w.write(path)
    return sites


def import_into(post: Callable[[str], None], pairs: int = 1, chunk: int = 200_000) -> None:
    """The story as Prometheus text with millisecond timestamps, in chunks, for
    VictoriaMetrics' /api/v1/import/prometheus."""
    w = Writer()
    for i in range(pairs):
        nord(w, NORD if pairs == 1 else f"{NORD}-{i:03d}")
        sued(w, SUED if pairs == 1 else f"{SUED}-{i:03d}")
    lines: list[str] = []
    for name, series in w.families.items():
        for labels, samples in series:
            lab = ",".join(f'{k}="{_esc(v)}"' for k, v in sorted(labels.items()))
            lines.extend(f"{name}{{{lab}}} {v!r} {int(t * 1000)}\n" for t, v in samples)
            if len(lines) >= chunk:
                post("".join(lines))
                lines = []
    if lines:
        post("".join(lines))


def backfill(workdir: Path, pairs: int = 1) -> list[str]:
    """Write the story and turn it into TSDB blocks in `workdir/tsdb` with promtool."""
    workdir.mkdir(parents=True, exist_ok=True)
    text = workdir / "month.om"
    sites = write_month(text, pairs)
    tsdb = workdir / "tsdb"
    tsdb.mkdir(parents=True, exist_ok=True)
    # --max-block-duration (hidden in promtool's help): a few large blocks instead of one per
    # 2 h; promtool rereads the whole input for every block it writes.
    subprocess.run(
        [
            binary("promtool"),
            "tsdb",
            "create-blocks-from",
            "openmetrics",
            "--max-block-duration=800h",
            "-q",
            str(text),
            str(tsdb),
        ],
        check=True,
        capture_output=True,
        timeout=600,
    )
    text.unlink()
    return sites


def month_prometheus(workdir: Path, pairs: int = 1) -> tuple[Prometheus, list[str]]:
    """A real Prometheus serving the backfilled month (retention long enough for the past)."""
    sites = backfill(workdir, pairs)
    prom = Prometheus(
        workdir,
        scrape_configs=[],
        rules=[],
        extra_args=["--storage.tsdb.retention.time=36500d"],
    )
    return prom, sites
