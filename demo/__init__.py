"""The demo practice: every exporter against local real or simulated targets."""
