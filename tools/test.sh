#!/usr/bin/env bash
# The whole check: set up, lint, type-check, run every test (headless).
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/bootstrap.sh
echo "== ruff"; .venv/bin/ruff check csdesk tests benchmarks tools
echo "== mypy"; .venv/bin/mypy
echo "== pytest"; .venv/bin/python -m pytest -q -p no:cacheprovider "$@"
