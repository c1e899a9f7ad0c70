"""A minimal SQL Server double: documented catalog shapes and canned result sets (and, in
`server`, a TDS 7.4 endpoint that FreeTDS can log into)."""
