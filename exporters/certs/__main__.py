"""`praxis-certs-exporter` / `python -m exporters.certs`."""

from __future__ import annotations

from exporters.certs.catalogue import CATALOGUE
from exporters.certs.collector import CertsCollector
from exporters.certs.config import CertsConfig
from exporters.core import ExporterSpec
from exporters.core.app import main_for

SPEC = ExporterSpec(
    name="certs",
    prefix="cert",
    default_port=10615,
    config_model=CertsConfig,
    catalogue=CATALOGUE,
    collector_factory=CertsCollector,
    description=(
        "Exports the expiry dates of certificates (files, TLS/STARTTLS endpoints, Windows "
        "stores) and of dated items such as licences."
    ),
)
main = main_for(SPEC)

if __name__ == "__main__":
    main()
