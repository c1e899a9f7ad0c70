"""Firewall exporter: licences, signature updates, firmware, HA, VPN and WAN links."""
