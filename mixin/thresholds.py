"""The rule thresholds worth tuning, and where each sits in the rule files and dashboards.

A threshold is one number literal in the `expr` of named alerts, plus the sentences of their
annotations that state it ("less than 28 days"), so that a changed threshold does not leave
a description that lies; on the dashboards, the panels that show it (a query's literal, a
phrase of the title or description, colour steps), found by panel id. Thresholds that live
in the exporters' configs (a backup's `max_age`, a UPS' shutdown margin) are not here: they
are per target, in the series.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Place:
    """One alert rule (by file, alert name and severity) that uses the threshold."""

    file: str
    alert: str
    severity: str
    phrases: tuple[str, ...] = ()  # annotation fragments; fields: see `fields`


@dataclass(frozen=True)
class BoardPlace:
    """A dashboard panel (by id, stable across edits of its title) that shows the threshold."""

    board: str
    panel_id: int
    in_expr: bool = False  # the value is a number literal of the panel's queries
    phrases: tuple[str, ...] = ()  # in the panel's title or description
    steps: float = 0  # > 0: a colour step at value * steps (e.g. 86400 for days in seconds)


@dataclass(frozen=True)
class Threshold:
    key: str
    doc: str
    places: tuple[Place, ...]
    boards: tuple[BoardPlace, ...] = ()


@dataclass(frozen=True)
class ThresholdChange:
    """One place of a threshold, from the default value to the configured one."""

    place: Place | BoardPlace
    old: float
    new: float


def phrase_pairs(changes: list[ThresholdChange]) -> list[tuple[str, str]]:
    """(old text, new text) of every phrase of these changes."""
    return [
        (phrase.format(**fields(c.old)), phrase.format(**fields(c.new)))
        for c in changes
        for phrase in c.place.phrases
    ]


def replace_phrases(text: str, pairs: list[tuple[str, str]]) -> tuple[str, set[str]]:
    """`text` with every old phrase replaced at once (no chaining); which ones were there."""
    if not pairs:
        return text, set()
    table = dict(pairs)
    pattern = re.compile("|".join(re.escape(old) for old in sorted(table, key=len, reverse=True)))
    found: set[str] = set()

    def sub(match: re.Match[str]) -> str:
        found.add(match.group(0))
        return table[match.group(0)]

    return pattern.sub(sub, text), found


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


def _steps(board: str, *panel_ids: int, scale: float = 1) -> tuple[BoardPlace, ...]:
    return tuple(BoardPlace(board, i, steps=scale) for i in panel_ids)


F, M, U, C, T, W = (
    "firebird.rules.yml",
    "mssql.rules.yml",
    "ups.rules.yml",
    "certs.rules.yml",
    "ti.rules.yml",
    "firewall.rules.yml",
)

THRESHOLDS: tuple[Threshold, ...] = (
    Threshold(
        "cert_expiry_warning_days",
        "days before a certificate or dated item ends: warning (CertExpiringSoon)",
        (Place(C, "CertExpiringSoon", "warning", ("less than {value} days",)),),
        (
            BoardPlace("certs.json", 4, True, ("< {value} Tagen", "weniger als {value} Tagen")),
            *_steps("certs.json", 5, 9, 12),
        ),
    ),
    Threshold(
        "cert_expiry_critical_days",
        "days before a certificate or dated item ends: critical (CertExpiringSoon)",
        (Place(C, "CertExpiringSoon", "critical", ("less than {value} days",)),),
        (
            BoardPlace("certs.json", 3, True, ("< {value} Tagen", "weniger als {value} Tagen")),
            *_steps("certs.json", 5, 9, 12),
        ),
    ),
    Threshold(
        "ti_cert_expiry_warning_days",
        "days before a TI card or connector certificate ends: warning",
        (Place(T, "TiCertificateExpiringSoon", "warning", ("less than {value} days",)),),
        _steps("ti.json", 6, 15, 16, 22),
    ),
    Threshold(
        "ti_cert_expiry_critical_days",
        "days before a TI card or connector certificate ends: critical",
        (
            Place(T, "TiCertificateExpiringSoon", "warning"),
            Place(T, "TiCertificateExpiryCritical", "critical", ("less than {value} days",)),
        ),
        _steps("ti.json", 6, 15, 16, 22),
    ),
    Threshold(
        "mssql_log_used_ratio",
        "used share of a database's transaction log (MssqlLogSpaceHigh)",
        (Place(M, "MssqlLogSpaceHigh", "warning", ("over {percent} % used",)),),
        (BoardPlace("mssql.json", 12, phrases=("über {percent} %",), steps=1),),
    ),
    Threshold(
        "mssql_express_warning_ratio",
        "share of the SQL Server Express data limit: warning",
        (Place(M, "MssqlExpressDataSizeWarning", "warning", ("above {percent} %",)),),
        _steps("mssql.json", 13),
    ),
    Threshold(
        "mssql_express_critical_ratio",
        "share of the SQL Server Express data limit: critical",
        (Place(M, "MssqlExpressDataSizeCritical", "critical", ("above {percent} %",)),),
        _steps("mssql.json", 13),
    ),
    Threshold(
        "ups_load_ratio",
        "UPS output load (UpsOverload)",
        (Place(U, "UpsOverload", "warning", ("above {percent} %",)),),
        (BoardPlace("ups.json", 16, phrases=("Alarm ab {percent} %",)),),
    ),
    Threshold(
        "ups_battery_temperature_celsius",
        "UPS battery temperature (UpsBatteryTemperatureHigh)",
        (Place(U, "UpsBatteryTemperatureHigh", "warning", ("above {value} °C",)),),
        (BoardPlace("ups.json", 10, phrases=("Alarm ab {value} °C",)),),
    ),
    Threshold(
        "ups_self_test_max_age_days",
        "days without a UPS self-test (UpsSelfTestMissing)",
        (Place(U, "UpsSelfTestMissing", "info", ("for {value} days",)),),
        (BoardPlace("ups.json", 13, phrases=("Hinweis ab {value} Tagen",), steps=86400),),
    ),
    Threshold(
        "firewall_signatures_warning_days",
        "days without a signature update of a firewall engine: warning (FirewallSignaturesOld)",
        (Place(W, "FirewallSignaturesOld", "warning", ("for more than {value} days",)),),
    ),
    Threshold(
        "firewall_signatures_critical_days",
        "days without a signature update: critical (FirewallSignaturesTooOld)",
        (
            Place(W, "FirewallSignaturesOld", "warning"),
            Place(W, "FirewallSignaturesTooOld", "critical", ("for more than {value} days",)),
        ),
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
