"""`praxis-firewall-exporter` / `python -m exporters.firewall`."""

from __future__ import annotations

from exporters.core import ExporterSpec
from exporters.core.app import main_for
from exporters.firewall.catalogue import CATALOGUE
from exporters.firewall.collector import FirewallCollector
from exporters.firewall.config import FirewallConfig

SPEC = ExporterSpec(
    name="firewall",
    prefix="firewall",
    default_port=10616,
    config_model=FirewallConfig,
    collector_factory=FirewallCollector,
    description="Firewall exporter: licences, signature updates, firmware, HA, VPN and WAN of "
    "FortiGate, Sophos, OPNsense and WatchGuard firewalls (SNMP v1/v2c/v3 and REST).",
    catalogue=CATALOGUE,
)
main = main_for(SPEC)

if __name__ == "__main__":
    main()
