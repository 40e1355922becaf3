#!/usr/bin/env bash
# GPU check, prepared for a session with a GPU: installs onnxruntime-node's CUDA provider
# (scripts/setup-cuda.sh), then measures batched relaxations with one MLIP on CUDA and on the CPU
# for the same MP-20 cells (bench/gpu-relax-check.ts) and prints a table. Sized for ≤ 8 minutes:
# each device's relaxation stops after --max-seconds (default 150 s here).
#
#   bash bench/gpu-relax-check.sh                          # 32 cells, sevennet-0, CUDA vs CPU
#   bash bench/gpu-relax-check.sh --cpu-only --n 4         # reduced CPU-only run (any machine)
#   bash bench/gpu-relax-check.sh --cuda-libs-from-python=/opt/torch/.venv/bin/python3 …
#        # CUDA 13 libraries from that Python's nvidia-* packages instead of PyPI downloads
#   MATDISC_GPU_CHECK_OUT=DIR bash bench/gpu-relax-check.sh # also DIR/gpu-relax-check.{json,log}
#
# Other arguments go to bench/gpu-relax-check.ts (--n, --model, --steps, --fmax, --max-seconds,
# --csv). Needs node and the repo's node_modules (scripts/setup.sh); without --cpu-only, also the
# onnxruntime-gpu wheel (PyPI, or already in the cache of setup-cuda.sh) and an NVIDIA driver.
set -euo pipefail
cd "$(dirname "$0")/.."

cpu_only=0 setup_args=() bench_args=()
for arg in "$@"; do
  case "$arg" in
    --cpu-only) cpu_only=1 bench_args+=("$arg") ;;
    --cuda-libs-from-python=* | --no-cudnn) setup_args+=("$arg") ;;
    *) bench_args+=("$arg") ;;
  esac
done
say() { printf 'gpu-relax-check: %s\n' "$*" >&2; }
started=$SECONDS

command -v node >/dev/null || { say "node not found: this check needs Node.js >= 20.19"; exit 1; }
[ -d node_modules/onnxruntime-node ] || { say "node_modules missing: run bash scripts/setup.sh first"; exit 1; }
say "node $(node --version), onnxruntime-node $(node -p "require('onnxruntime-node/package.json').version"), $(nproc) CPU cores"
if command -v nvidia-smi >/dev/null; then
  nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader | sed 's/^/gpu-relax-check: GPU: /' >&2 || true
elif [ $cpu_only = 0 ]; then
  say "nvidia-smi not found: the CUDA row will show the CPU fallback"
fi

if [ $cpu_only = 0 ]; then
  # Without a driver setup-cuda.sh installs nothing and says why; the bench then shows the fallback.
  bash scripts/setup-cuda.sh "${setup_args[@]}" >/dev/null
  env_file=$(bash scripts/setup-cuda.sh --env-file)
  # shellcheck disable=SC1090
  [ -f "$env_file" ] && source "$env_file" && say "LD_LIBRARY_PATH=$LD_LIBRARY_PATH"
  say "setup-cuda: $((SECONDS - started)) s"
fi

out=${MATDISC_GPU_CHECK_OUT:-}
json_args=()
if [ -n "$out" ]; then
  mkdir -p "$out"
  json_args=(--out "$out/gpu-relax-check.json")
fi
set -o pipefail
if [ -n "$out" ]; then
  npx tsx bench/gpu-relax-check.ts --max-seconds 150 "${bench_args[@]}" "${json_args[@]}" 2>&1 | tee "$out/gpu-relax-check.log"
else
  npx tsx bench/gpu-relax-check.ts --max-seconds 150 "${bench_args[@]}"
fi
say "total $((SECONDS - started)) s"
