"""The rule thresholds worth tuning, and where each sits in the rule files.

A threshold is one number literal in the `expr` of named alerts, plus the sentences of their
annotations that state it ("less than 28 days"), so that a changed threshold does not leave
a description that lies. Thresholds that live in the exporters' configs (a backup's
`max_age`, a UPS' shutdown margin) are not here: they are per target, in the series.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Place:
    """One alert rule (by file, alert name and severity) that uses the threshold."""

    file: str
    alert: str
    severity: str
    phrases: tuple[str, ...] = ()  # annotation fragments; fields: see `fields`


@dataclass(frozen=True)
class Threshold:
    key: str
    doc: str
    places: tuple[Place, ...]


def fields(value: float) -> dict[str, str]:
    """How a value may be written in an annotation phrase."""
    number = _number(value)
    return {
        "value": number,
        "percent": _number(round(value * 100, 6)),
        "thousands": f"{int(value):,}".replace(",", " ") if value == int(value) else number,
        "duration": _duration(value),
    }


def literal(value: float) -> str:
    """How the value is written into PromQL."""
    return _number(value)


def _number(value: float) -> str:
    return str(int(value)) if float(value) == int(value) else repr(float(value))


def _duration(seconds: float) -> str:
    for size, one, many in ((86400, "a day", "days"), (3600, "an hour", "hours")):
        if seconds == size:
            return one
        if seconds % size == 0:
            return f"{int(seconds // size)} {many}"
    if seconds % 60 == 0:
        return f"{int(seconds // 60)} minutes"
    return f"{_number(seconds)} seconds"


F, M, U, C, T = (
    "firebird.rules.yml",
    "mssql.rules.yml",
    "ups.rules.yml",
    "certs.rules.yml",
    "ti.rules.yml",
)

THRESHOLDS: tuple[Threshold, ...] = (
    Threshold(
        "cert_expiry_warning_days",
        "days before a certificate or dated item ends: warning (CertExpiringSoon)",
        (Place(C, "CertExpiringSoon", "warning", ("less than {value} days",)),),
    ),
    Threshold(
        "cert_expiry_critical_days",
        "days before a certificate or dated item ends: critical (CertExpiringSoon)",
        (Place(C, "CertExpiringSoon", "critical", ("less than {value} days",)),),
    ),
    Threshold(
        "ti_cert_expiry_warning_days",
        "days before a TI card or connector certificate ends: warning",
        (Place(T, "TiCertificateExpiringSoon", "warning", ("less than {value} days",)),),
    ),
    Threshold(
        "ti_cert_expiry_critical_days",
        "days before a TI card or connector certificate ends: critical",
        (
            Place(T, "TiCertificateExpiringSoon", "warning"),
            Place(T, "TiCertificateExpiryCritical", "critical", ("less than {value} days",)),
        ),
    ),
    Threshold(
        "mssql_log_used_ratio",
        "used share of a database's transaction log (MssqlLogSpaceHigh)",
        (Place(M, "MssqlLogSpaceHigh", "warning", ("over {percent} % used",)),),
    ),
    Threshold(
        "mssql_express_warning_ratio",
        "share of the SQL Server Express data limit: warning",
        (Place(M, "MssqlExpressDataSizeWarning", "warning", ("above {percent} %",)),),
    ),
    Threshold(
        "mssql_express_critical_ratio",
        "share of the SQL Server Express data limit: critical",
        (Place(M, "MssqlExpressDataSizeCritical", "critical", ("above {percent} %",)),),
    ),
    Threshold(
        "ups_load_ratio",
        "UPS output load (UpsOverload)",
        (Place(U, "UpsOverload", "warning", ("above {percent} %",)),),
    ),
    Threshold(
        "ups_battery_temperature_celsius",
        "UPS battery temperature (UpsBatteryTemperatureHigh)",
        (Place(U, "UpsBatteryTemperatureHigh", "warning", ("above {value} °C",)),),
    ),
    Threshold(
        "ups_self_test_max_age_days",
        "days without a UPS self-test (UpsSelfTestMissing)",
        (Place(U, "UpsSelfTestMissing", "info", ("for {value} days",)),),
    ),
    Threshold(
        "firebird_transaction_gap",
        "next minus oldest active transaction (FirebirdTransactionGapLarge)",
        (Place(F, "FirebirdTransactionGapLarge", "warning", ("above {thousands}",)),),
    ),
    Threshold(
        "firebird_long_transaction_seconds",
        "age of the oldest active transaction (FirebirdLongRunningTransaction)",
        (Place(F, "FirebirdLongRunningTransaction", "warning", ("more than {duration}",)),),
    ),
    Threshold(
        "firebird_transaction_id_used_ratio",
        "used share of the transaction ids the ODS allows (FirebirdTransactionIdsNearLimit)",
        (Place(F, "FirebirdTransactionIdsNearLimit", "warning", ("more than {percent} %",)),),
    ),
)
