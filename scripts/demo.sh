#!/usr/bin/env bash
# Starts the demo practice: every exporter against local real or simulated targets,
# Prometheus with all rules and Alertmanager with the example routing; prints the URLs.
# Idempotent; run as root on Debian 12. Ctrl-C stops everything.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-system-deps.sh
bash scripts/setup-venv.sh
exec .venv/bin/python -m demo "$@"
