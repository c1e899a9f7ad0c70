#!/usr/bin/env bash
# The one test command: installs what is needed (system packages, .venv), then runs the
# quality gates and the whole test suite against real services. Idempotent; run as root on
# Debian 12. Extra arguments go to pytest (e.g. scripts/test.sh -k firebird).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-system-deps.sh
bash scripts/setup-venv.sh
echo "== ruff"
.venv/bin/ruff check .
.venv/bin/ruff format --check .
echo "== mypy (strict on all of exporters/)"
.venv/bin/mypy exporters
echo "== pytest"
exec .venv/bin/pytest "$@"
