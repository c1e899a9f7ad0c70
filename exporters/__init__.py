"""praxis-exporters: Prometheus exporters for the IT of German medical practices."""

__version__ = "0.1.0"
