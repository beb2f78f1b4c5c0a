#!/usr/bin/env bash
# The suite's hypothesis tests under the "thorough" profile (tests/conftest.py): every
# property with ten times the default examples, the fuzzers with their full counts
# (1,500–3,000 examples). Minutes, not seconds: run before a release, not at every commit.
#   benchmarks/fuzz_thorough.sh [pytest options]
set -euo pipefail
cd "$(dirname "$0")/.."
# Hypothesis's pytest plugin marks every @given test "hypothesis": a new one is included.
HYPOTHESIS_PROFILE=thorough exec "${PYTHON:-.venv/bin/python}" -m pytest -m hypothesis "$@"
