#!/usr/bin/env bash
# Install Regiecoach into .venv (first time, or when pyproject.toml changed) and run it.
# Usage: scripts/run.sh [run|chat|…]   (default: run)
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x .venv/bin/regiecoach ] || [ pyproject.toml -nt .venv/.installed ]; then
  python3 -m venv .venv
  .venv/bin/pip install --quiet --upgrade pip
  .venv/bin/pip install --quiet -e .
  touch .venv/.installed
fi
exec .venv/bin/regiecoach "${@:-run}"
