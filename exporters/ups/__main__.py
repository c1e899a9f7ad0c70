"""`praxis-ups-exporter` / `python -m exporters.ups`."""

from __future__ import annotations

from exporters.core import ExporterSpec
from exporters.core.app import main_for
from exporters.ups.catalogue import CATALOGUE
from exporters.ups.collector import UpsCollector
from exporters.ups.config import UpsConfig

SPEC = ExporterSpec(
    name="ups",
    prefix="ups",
    default_port=10613,
    config_model=UpsConfig,
    collector_factory=UpsCollector,
    catalogue=CATALOGUE,
    description=(
        "UPS exporter: RFC 1628, APC PowerNet and Eaton XUPS over SNMP v1/v2c/v3, "
        "NUT upsd and apcupsd."
    ),
)
main = main_for(SPEC)

if __name__ == "__main__":
    main()
