"""`praxis-firebird-exporter` / `python -m exporters.firebird`."""

from __future__ import annotations

from exporters.core import ExporterSpec
from exporters.core.app import main_for
from exporters.firebird.catalogue import CATALOGUE
from exporters.firebird.collector import FirebirdCollector
from exporters.firebird.config import FirebirdConfig

SPEC = ExporterSpec(
    name="firebird",
    prefix="firebird",
    default_port=10610,
    config_model=FirebirdConfig,
    collector_factory=FirebirdCollector,
    description="Prometheus exporter for Firebird databases (medatixx and other PVS).",
    catalogue=CATALOGUE,
)
main = main_for(SPEC)

if __name__ == "__main__":
    main()
