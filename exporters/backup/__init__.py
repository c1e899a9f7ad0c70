"""Backup-job exporter: is there a recent, successful backup for every job, whatever made it."""
