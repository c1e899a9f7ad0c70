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


class UnquotableValue(ValueError):
    """A value the driver cannot take literally (the message names the key, not the value)."""


def quote(key: str, value: str, freetds: bool = False) -> str:
    """`KEY={value}`: braced so that `;` and `=` cannot inject keys.

    ODBC doubles a `}` inside braces. FreeTDS does not undo the doubling: it ends a braced
    value at the first `}` followed by `;` or the end, and takes everything else literally.
    """
    if not freetds:
        return f"{key}={{{value.replace('}', '}}')}}}"
    if "};" in value:
        raise UnquotableValue(f"{key} contains '}};', which the FreeTDS driver cannot pass")
    return f"{key}={{{value}}}"


def is_freetds(driver: str) -> bool:
    return "freetds" in driver.lower() or driver.lower().endswith("libtdsodbc.so")


def connection_string(target: MssqlTarget, driver: str, server: str | None = None) -> str:
    """Read-only intent, master database, encryption per config, our application name.

    `server` replaces `target.server` (a named instance already resolved to `host,port`)."""
    tds = is_freetds(driver)
    parts = [quote("DRIVER", driver, tds), quote("SERVER", server or target.server, tds),
             "DATABASE=master", f"APP={APP_NAME}"]  # fmt: skip
    if target.integrated_auth:
        parts.append("Trusted_Connection=yes")
    else:
        parts.append(quote("UID", target.user or "", tds))
        if target.password is not None:
            parts.append(quote("PWD", target.password.get_secret_value(), tds))
    if tds:
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
