"""Development kit shared by tests, the demo practice and the benchmarks.

Starts real services (Prometheus, Alertmanager, Firebird, snmpsim, simulators) and the
exporters themselves as processes on free loopback ports. Not part of the installed package.
"""
