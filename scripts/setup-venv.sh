#!/usr/bin/env bash
# Creates .venv (idempotent) and installs the project with every extra and the test tools.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install -q --disable-pip-version-check --upgrade pip >/dev/null
.venv/bin/python -m pip install -q --disable-pip-version-check -e ".[all,test]"
# Firebird 3.0, 4.0 and 5.0 engines (firebird-embedded wheels), each in its own directory
.venv/bin/python -m devkit.fbembedded >/dev/null
echo "setup-venv: .venv ready ($(.venv/bin/python --version))"
