"""ODBC connection strings for the Microsoft drivers and FreeTDS (pure, no I/O)."""

from __future__ import annotations

from collections.abc import Sequence

from exporters.mssql.config import MssqlTarget

APP_NAME = "praxis-mssql-exporter"

PREFERRED_DRIVERS = (
    "ODBC Driver 18 for SQL Server",
    "ODBC Driver 17 for SQL Server",
    "ODBC Driver 13.1 for SQL Server",
    "ODBC Driver 13 for SQL Server",
    "FreeTDS",
    "SQL Server Native Client 11.0",
    "SQL Server",
)


class DriverNotFound(Exception):
    """No usable ODBC driver for SQL Server is installed."""


def pick_driver(configured: str | None, installed: Sequence[str]) -> str:
    """The configured driver if installed, else the best installed one."""
    if configured:
        if configured not in installed:
            raise DriverNotFound(
                f"ODBC driver {configured!r} is not installed (installed: {list(installed)})"
            )
        return configured
    for name in PREFERRED_DRIVERS:
        if name in installed:
            return name
    raise DriverNotFound(
        f"no ODBC driver for SQL Server installed (installed: {list(installed)}); "
        "install msodbcsql18 or tdsodbc"
    )


def quote(value: str) -> str:
    """ODBC attribute value: braced, with `}` doubled, so `;` and `=` cannot inject keys."""
    return "{" + value.replace("}", "}}") + "}"


def is_freetds(driver: str) -> bool:
    return "freetds" in driver.lower() or driver.lower().endswith("libtdsodbc.so")


def connection_string(target: MssqlTarget, driver: str) -> str:
    """Read-only intent, master database, encryption per config, our application name."""
    parts = [f"DRIVER={quote(driver)}", f"SERVER={quote(target.server)}",
             "DATABASE=master", f"APP={APP_NAME}"]  # fmt: skip
    if target.integrated_auth:
        parts.append("Trusted_Connection=yes")
    else:
        parts.append(f"UID={quote(target.user or '')}")
        if target.password is not None:
            parts.append(f"PWD={quote(target.password.get_secret_value())}")
    if is_freetds(driver):
        # FreeTDS: TDS 7.4 (SQL Server 2012+); its own key for TLS.
        parts.append("TDS_Version=7.4")
        parts.append("Encryption=" + ("require" if target.encrypt else "off"))
    else:
        parts.append("Encrypt=" + ("yes" if target.encrypt else "no"))
        parts.append(
            "TrustServerCertificate=" + ("yes" if target.trust_server_certificate else "no")
        )
        parts.append("ApplicationIntent=ReadOnly")
    return ";".join(parts) + ";"
