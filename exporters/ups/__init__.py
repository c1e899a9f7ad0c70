"""UPS exporter: vendor-neutral metrics from RFC 1628, APC PowerNet and Eaton XUPS over SNMP."""
