"""Benchmarks against named peers; each prints ratios (run as python -m bench.<name>)."""
