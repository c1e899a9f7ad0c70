"""Every PromQL expression the report sends, as data.

Five queries per site-month, whatever the number of exporters: each is an `or` of
expressions tagged with `label_replace` (the tag says which row of this module a series
belongs to), so adding a row here adds no round trip. `%SITE%` stands for the site matcher,
`%SERVERJOB%` for the job regex of the practice server's windows_exporter.

Metric names are the ones this repository's exporters write (docs/exporters/*.md), the
fleet recording rules (alerting-rules/fleet.rules.yml) and windows_exporter's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

SITE = "%SITE%"
SERVER_JOB = "%SERVERJOB%"
DEFAULT_SERVER_JOB = "(praxis-)?windows.*"
TAG = "praxis_report"  # the label every or-branch is tagged with


@dataclass(frozen=True)
class Area:
    """A traffic-light area: `signal` is 1 while the area is fine, 0 while not, absent
    while nothing is known. `alerts` is the alert-name pattern of its incidents (the same
    prefixes as the fleet rule `site_area:praxis_alert_severity:max`)."""

    key: str
    signal: str
    alerts: str
    optional: bool = False  # shown only when the site has data for it


AREAS: tuple[Area, ...] = (
    Area(
        "database",
        'min by (site) ({__name__=~"firebird_up|mssql_up", %SITE%})',
        "(Firebird|Mssql|MSSQL|SqlServer|SQLServer)[A-Z].*",
    ),
    Area(
        "backup",
        # newest good backup younger than its max_age; a job without any success is 0
        "min by (site) ("
        "(time() - backup_last_success_timestamp_seconds{%SITE%}"
        " < bool backup_max_age_seconds{%SITE%})"
        " or (backup_max_age_seconds{%SITE%} * 0)"
        ' or ((time() - mssql_database_last_backup_timestamp_seconds{type="full", %SITE%})'
        " < bool on (site, instance, job, target) group_left"
        " mssql_backup_full_max_age_seconds{%SITE%}))",
        "Backup[A-Z].*",
    ),
    Area(
        "ups",
        # on mains and the UPS answering (a UPS that does not answer counts as not fine);
        # readings only count while ups_up says they are fresh (staleness-proof)
        "min by (site) (((1 - ups_on_battery{%SITE%}) and (ups_up{%SITE%} == 1))"
        " or ups_up{%SITE%})",
        "(Ups|UPS)[A-Z].*",
    ),
    Area(
        "ti",
        # KIM endpoints, VPN to the TI, and the connector itself
        "min by (site) (ti_kim_up{%SITE%} or ti_vpn_ti_connected{%SITE%} or ti_up{%SITE%})",
        "(Ti|TI|Kim|KIM|Konnektor|Connector)[A-Z].*",
    ),
    Area(
        "certs",
        "min by (site) ((cert_not_after_timestamp_seconds{%SITE%} > bool time())"
        " or cert_up{%SITE%})",
        "(Cert|Certificate|Licen[cs]e)[A-Za-z]*",
    ),
    Area(
        "firewall",
        "min by (site) ((firewall_licence_expiry_timestamp_seconds{%SITE%} > bool time())"
        " or firewall_up{%SITE%})",
        "Firewall[A-Z].*",
        optional=True,
    ),
    Area(
        "server",
        'min by (site) (up{job=~"%SERVERJOB%", %SITE%})',
        "(Windows|Server)[A-Z].*",
        optional=True,
    ),
)

# Further 0/1 signals over time, for the § 390 evidence and the UPS events.
SIGNALS: dict[str, str] = {
    "ups_on_battery": "max by (site) (ups_on_battery{%SITE%} and (ups_up{%SITE%} == 1))",
    "backup_check": "min by (site) (backup_check_success{%SITE%})",
    # signatures younger than 3 days: Defender (when it is the active scanner, from
    # Write-PraxisWindowsStatus.ps1), a third-party product via the Security Center, the
    # firewall's engines (docs/exporters/windows.md, firewall.md)
    "av_signatures": (
        "min by (site) ("
        "((time() - praxis_windows_defender_signature_updated_timestamp_seconds{%SITE%}"
        " < bool 3 * 86400)"
        " and on (site, instance, job)"
        ' (praxis_windows_defender_running_mode{mode="normal", %SITE%} == 1))'
        " or praxis_windows_antivirus_product_signatures_up_to_date{%SITE%}"
        " or (time() - firewall_signature_update_timestamp_seconds{%SITE%} < bool 3 * 86400))"
    ),
    "av_realtime": (
        "min by (site) (praxis_windows_defender_realtime_protection_enabled{%SITE%}"
        " and on (site, instance, job)"
        ' (praxis_windows_defender_running_mode{mode="normal", %SITE%} == 1))'
    ),
    # no update older than 30 days pending; connector and firewall on the expected firmware
    "updates": (
        "min by (site) ("
        "(time() - windows_update_pending_published_timestamp{%SITE%} < bool 30 * 86400)"
        " or ti_connector_firmware_as_expected{%SITE%}"
        " or firewall_firmware_as_expected{%SITE%})"
    ),
    "tls_verified": "min by (site) (cert_verified{%SITE%})",
}


@dataclass(frozen=True)
class Requirement:
    """One § 390 topic: checkable when `signals` name health signals ("area:<key>" or a
    SIGNALS key), otherwise listed as not checkable by monitoring."""

    key: str
    signals: tuple[str, ...] = ()
    metric: str = ""  # what the reader can look up


REQUIREMENTS: tuple[Requirement, ...] = (
    Requirement(
        "backup",
        ("area:backup",),
        "backup_last_success_timestamp_seconds, backup_max_age_seconds",
    ),
    Requirement("backup_integrity", ("backup_check",), "backup_check_success"),
    Requirement(
        "antivirus",
        ("av_signatures", "av_realtime"),
        "praxis_windows_defender_signature_updated_timestamp_seconds, "
        "praxis_windows_defender_realtime_protection_enabled, "
        "praxis_windows_antivirus_product_signatures_up_to_date, "
        "firewall_signature_update_timestamp_seconds",
    ),
    Requirement(
        "firewall", ("area:firewall",), "firewall_up, firewall_licence_expiry_timestamp_seconds"
    ),
    Requirement(
        "updates",
        ("updates",),
        "windows_update_pending_published_timestamp, ti_connector_firmware_as_expected, "
        "firewall_firmware_as_expected",
    ),
    Requirement("ti", ("area:ti",), "ti_up, ti_vpn_ti_connected, ti_kim_up"),
    Requirement("tls", ("tls_verified",), "cert_verified"),
    Requirement("restore_test"),
    Requirement("network_plan"),
    Requirement("awareness"),
    Requirement("access"),
    Requirement("mobile"),
    Requirement("disposal"),
)

# Series whose values are timestamps; each distinct value is an event (a backup, a boot).
STAMPS: dict[str, str] = {
    "backup_success": "backup_last_success_timestamp_seconds{%SITE%}",
    "backup_run": "backup_last_run_timestamp_seconds{%SITE%}",
    "mssql_full": (
        "max by (site, target, database)"
        ' (mssql_database_last_backup_timestamp_seconds{type="full", %SITE%})'
    ),
    "boot": (
        "max by (site, instance)"
        ' ({__name__=~"windows_system_boot_time_timestamp(_seconds)?", %SITE%})'
    ),
}

# Chart series at a coarse step.
CHARTS: dict[str, str] = {
    "backup_age": (
        "max by (site, target, job_name) (time() - backup_last_success_timestamp_seconds{%SITE%})"
    ),
    "firebird_size": "sum by (site, target) (firebird_database_size_bytes{%SITE%})",
    "mssql_size": "sum by (site, target) (mssql_database_data_size_bytes{%SITE%})",
    "ups_charge": "min by (site, target) (ups_battery_charge_ratio{%SITE%})",
}

# Facts as last seen in the period (`%W%` = the period in seconds): inventory and expiries.
FACTS: dict[str, str] = {
    "ti_connector": "ti_connector_info",
    "ti_terminal": "ti_card_terminal_connected",
    "ti_card": "ti_card_certificate_expiry_timestamp_seconds",
    "ti_cert": "ti_certificate_expiry_timestamp_seconds",
    "ti_connector_cert": "ti_connector_certificate_expiry_timestamp_seconds",
    "ti_kim_cert": "ti_kim_certificate_expiry_timestamp_seconds",
    "ups": "ups_info",
    "ups_self_test": "ups_last_self_test_timestamp_seconds",
    "ups_self_test_result": "ups_self_test_result",
    "ups_replace": "ups_battery_replace_needed",
    "ups_battery_replaced": "ups_battery_last_replaced_timestamp_seconds",
    "firebird": "firebird_info",
    "firebird_size": "firebird_database_size_bytes",
    "firebird_forced_writes": "firebird_forced_writes",
    "mssql": "mssql_info",
    "mssql_size": "mssql_database_data_size_bytes",
    "backup_job": "backup_max_age_seconds",
    "backup_last_success": "backup_last_success_timestamp_seconds",
    "cert": "cert_not_after_timestamp_seconds",
    "firewall": "firewall_info",
    "firewall_licence": "firewall_licence_expiry_timestamp_seconds",
    "server_os": "windows_os_info",
}
ALERTS_HEARTBEAT = "alerts_heartbeat"
STATE_SETS = frozenset({"ups_self_test_result"})  # keep only the series whose value is 1
# Facts that are end dates, and what they are called in the expiry list.
EXPIRY_FACTS = (
    "cert",
    "ti_card",
    "ti_cert",
    "ti_connector_cert",
    "ti_kim_cert",
    "firewall_licence",
)

# Site discovery for --all-sites: a site is a `site` label on any exporter's `_up`.
SITE_MATCH = '{__name__=~"(firebird|mssql|backup|ups|ti|cert|firewall)_up", site!=""}'


def quote(value: str) -> str:
    """A PromQL string literal."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def expand(expr: str, site: str, server_job: str = DEFAULT_SERVER_JOB) -> str:
    re.compile(server_job)  # a bad regex fails here, not as a PromQL error
    return expr.replace(SITE, f"site={quote(site)}").replace(SERVER_JOB, server_job)


def tagged(branches: dict[str, str]) -> str:
    """`or` of the branches, each tagged with its key (no two branches can collide)."""
    return " or ".join(
        f'label_replace({expr}, "{TAG}", {quote(key)}, "", "")' for key, expr in branches.items()
    )


def health_query(site: str, server_job: str = DEFAULT_SERVER_JOB) -> str:
    branches = {f"area:{a.key}": a.signal for a in AREAS}
    branches.update(SIGNALS)
    return expand(tagged(branches), site, server_job)


def stamps_query(site: str) -> str:
    return expand(tagged(STAMPS), site)


def charts_query(site: str) -> str:
    return expand(tagged(CHARTS), site)


def facts_query(site: str, window_s: int) -> str:
    branches = {}
    for key, metric in FACTS.items():
        expr = f"last_over_time({metric}{{{SITE}}}[{window_s}s])"
        branches[key] = f"({expr} == 1)" if key in STATE_SETS else expr
    # Are alert rules evaluated into this API at all? The always-firing Watchdog (fleet
    # rules) of any evaluator says so; without it "no alert fired" could not be claimed.
    branches[ALERTS_HEARTBEAT] = (
        f'count(last_over_time(ALERTS{{alertname="Watchdog"}}[{window_s}s]))'
    )
    return expand(tagged(branches), site)


def alerts_query(site: str, window_s: int) -> str:
    """The raw samples of every firing alert (exact start and end, even without staleness
    markers, e.g. in backfilled data)."""
    return expand(
        f'ALERTS{{alertstate="firing", alertname!="Watchdog", {SITE}}}[{window_s}s]', site
    )


def area_of_alert(alertname: str) -> str:
    for area in AREAS:
        if re.fullmatch(area.alerts, alertname):
            return area.key
    return "monitoring"
