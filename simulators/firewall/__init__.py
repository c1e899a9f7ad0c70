"""Doubles of firewalls: SNMP recordings written from the vendors' MIBs, REST simulators."""
