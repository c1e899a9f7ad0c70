"""praxis-certs-exporter: certificates (files, TLS endpoints, Windows stores) and dated items."""
