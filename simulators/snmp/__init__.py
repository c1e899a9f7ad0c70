"""SNMP recordings of UPS network cards for snmpsim (see README.md)."""
