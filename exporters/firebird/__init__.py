"""Firebird exporter: database header, transactions, MON$ activity and firebird.log errors."""
