"""SNMP for every exporter that speaks it (UPS cards, firewalls): one client, one config."""
