"""UPS exporter: vendor-neutral metrics from SNMP cards (RFC 1628, APC PowerNet, Eaton XUPS),
NUT upsd and apcupsd, and the state of the clean-shutdown chain."""
