"""`praxis-ti-exporter` / `python -m exporters.ti`."""

from __future__ import annotations

from exporters.core import ExporterSpec
from exporters.core.app import main_for
from exporters.ti.catalogue import CATALOGUE
from exporters.ti.collector import TiCollector
from exporters.ti.config import TiConfig

SPEC = ExporterSpec(
    name="ti",
    prefix="ti",
    default_port=10614,
    config_model=TiConfig,
    catalogue=CATALOGUE,
    collector_factory=TiCollector,
    description="Prometheus exporter for the TI connector (Konnektor), KIM and the TI-Lage.",
)
main = main_for(SPEC)

if __name__ == "__main__":
    main()
