"""`praxis-mssql-exporter` / `python -m exporters.mssql`."""

from __future__ import annotations

from exporters.core import ExporterSpec
from exporters.core.app import main_for
from exporters.mssql.catalogue import CATALOGUE
from exporters.mssql.collector import MssqlCollector
from exporters.mssql.config import MssqlConfig

SPEC = ExporterSpec(
    name="mssql",
    prefix="mssql",
    default_port=10611,
    config_model=MssqlConfig,
    catalogue=CATALOGUE,
    collector_factory=MssqlCollector,
    description="Prometheus exporter for Microsoft SQL Server (via ODBC).",
)
main = main_for(SPEC)

if __name__ == "__main__":
    main()
