"""A faithful double of the Veeam Backup & Replication REST API v1 (login and job states)."""
