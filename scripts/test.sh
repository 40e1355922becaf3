#!/usr/bin/env bash
# Sets up everything (idempotent, cached) and runs the whole test suite: type check, lint, tests.
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
npx vitest run "$@"
