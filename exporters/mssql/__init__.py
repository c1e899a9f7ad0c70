"""Prometheus exporter for Microsoft SQL Server (CGM M1 PRO and other PVS databases)."""
