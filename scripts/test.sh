#!/usr/bin/env bash
# Sets up everything (idempotent, cached) and runs the whole test suite: type check, lint, the
# TypeScript tests (vitest; arguments go to vitest), then the Python tests (pytest: the trainer's in
# models/training/tests, the Python interop test in test/python). A failure of either fails the run;
# both run either way.
# The suite starts its own real services: a Temporal dev server, a PostgreSQL+pgvector server,
# embedded PGlite, pw.x, and a one-node SLURM cluster.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --test
export PSEUDO_DIR="${PSEUDO_DIR:-$(cd .. && pwd)/shared/data/pseudos/SSSP_1.3.0_PBE_efficiency}"
echo "== typecheck" >&2
npx tsc -p tsconfig.json --noEmit
echo "== lint" >&2
npm run --silent lint
echo "== tests" >&2
status=0
npx vitest run "$@" || status=$?
echo "== python tests" >&2
(cd models/training && ../../.venv/bin/python -m pytest -q) || status=$?
.venv/bin/python -m pytest -q test/python || status=$?
exit $status
