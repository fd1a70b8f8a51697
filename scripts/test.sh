#!/usr/bin/env bash
# Install Regiecoach with its test extras into .venv and run the whole test suite.
# Extra arguments go to pytest. pytest's own exit code is returned (5 = no tests = failure).
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m venv .venv
.venv/bin/pip install --quiet --upgrade pip
.venv/bin/pip install --quiet -e ".[test]"
exec .venv/bin/python -m pytest -n auto --dist worksteal "$@"  # one worker per core (pytest-xdist)
