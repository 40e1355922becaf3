#!/usr/bin/env bash
# One GPU run that retrains both committed models in parallel on one GPU (issues #5, #6):
#   - the DiffCSP-style generator (diffcsp-mp20), stopped by its wall-clock budget;
#   - two mlearn MLIP committees (hidden 64 and hidden 128), the better one is kept.
# Each trainer saves its PyTorch weights before exporting, so a failed export loses nothing
# (`generator-export` / the mlip checkpoint finish it elsewhere). Outputs: $OUT/log and one tar
# per trainer ($OUT/gen.tar, $OUT/mlip-h64.tar, $OUT/mlip-h128.tar).
#
# Run from the repository root, with the MP-20 csv.gz files and the mlearn extxyz files copied
# under .devdata/ (add "/.devdata/" to .git/info/exclude; the cards list the files and their sha256):
#   .devdata/mp_20/{pilot_first1000,biternary}/*.csv.gz
#   .devdata/{mpts_52,perov_5,carbon_24}/* (the generator's extra rows, GEN_EXTRA)
#   .devdata/mlip/mlearn_zuo2020/extxyz/*.extxyz
#   OUT=/tmp/out bash models/training/scripts/gpu-train.sh
# Knobs (environment): DEVICE (cuda), GEN_MIN (6.5), MLIP_MIN (7.0), GEN_HIDDEN (256),
# GEN_LAYERS (4), GEN_BATCH (256), GEN_EXTRA ("mpts52,perov5,carbon24"; "" for MP-20 alone), MLIP_BATCH (256), KILL_AFTER_S (510), PY (python3),
# MLIP_ELEMENTS ("Si Ge Li Mo"; fewer for a quick CPU try of this script).
set -u
ROOT=$(pwd)
OUT=${OUT:-/tmp/gpu-train-out}
PY=${PY:-python3}
DEVICE=${DEVICE:-cuda}
GEN_MIN=${GEN_MIN:-6.5}
MLIP_MIN=${MLIP_MIN:-7.0}
GEN_HIDDEN=${GEN_HIDDEN:-256}
GEN_LAYERS=${GEN_LAYERS:-4}
GEN_BATCH=${GEN_BATCH:-256}
GEN_EXTRA=${GEN_EXTRA-mpts52,perov5,carbon24}
MLIP_BATCH=${MLIP_BATCH:-256}
KILL_AFTER_S=${KILL_AFTER_S:-510}
W=${WORK:-/tmp/gpu-train-work}
rm -rf "$W" && mkdir -p "$W" "$OUT"
export PYTHONUNBUFFERED=1 PYTHONPATH="$ROOT/models/training${PYTHONPATH:+:$PYTHONPATH}"
export MATDISC_MP20_ROOT="$ROOT/.devdata/mp_20"
LOG="$OUT/log"
D=.devdata/mlip/mlearn_zuo2020/extxyz
MLIP_ELEMENTS=${MLIP_ELEMENTS:-Si Ge Li Mo}
TRAIN_FILES=$(for e in $MLIP_ELEMENTS; do printf '%s ' "$D/${e}_training.extxyz"; done)
TEST_FILES=$(for e in $MLIP_ELEMENTS Cu Ni; do printf '%s ' "$D/${e}_test.extxyz"; done)
SCALE='VASP PBE PAW total energies of the mlearn set (Zuo et al. 2020), about -5.4 eV/atom for Si, -10.85 for Mo'

{
  date -u
  nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv 2>&1 || true
  "$PY" -c "import torch, onnx, onnxruntime, onnxscript, numpy; print('torch', torch.__version__, 'cuda', torch.cuda.is_available(), 'onnx', onnx.__version__, 'ort', onnxruntime.__version__, 'onnxscript', onnxscript.__version__, 'numpy', numpy.__version__)"
  echo "DEVICE=$DEVICE GEN_MIN=$GEN_MIN MLIP_MIN=$MLIP_MIN GEN=${GEN_HIDDEN}x${GEN_LAYERS} batch $GEN_BATCH MLIP_BATCH=$MLIP_BATCH"
} 2>&1 | tee -a "$LOG"

( timeout "$KILL_AFTER_S" "$PY" "$ROOT/models/training/scripts/train_entry.py" generator-train --out "$W/gen" --name diffcsp-mp20 \
    --steps 1000000 --seed 0 --hidden "$GEN_HIDDEN" --layers "$GEN_LAYERS" --num-freqs 10 \
    --batch-size "$GEN_BATCH" --lr 1e-3 --num-steps 1000 --threads 4 --device "$DEVICE" \
    --max-minutes "$GEN_MIN" --log-every 500 --val-every 1000 --extra-data "$GEN_EXTRA" 2>&1 | sed -u 's/^/[gen] /' >> "$LOG"
  echo "[gen] exit ${PIPESTATUS[0]} at $(date -u +%T)" >> "$LOG"
  tar cf "$OUT/gen.tar" -C "$W" gen ) &
GEN_PID=$!

for H in 64 128; do
  ( timeout "$KILL_AFTER_S" "$PY" "$ROOT/models/training/scripts/train_entry.py" mlip-train \
      --data $TRAIN_FILES --test $TEST_FILES \
      --out "$W/mlip-h$H" --name mlearn-committee --epochs 100000 --seed 0 --hidden "$H" \
      --max-atoms-per-batch "$MLIP_BATCH" --threads 4 --device "$DEVICE" --max-minutes "$MLIP_MIN" \
      --energy-scale "$SCALE" --default 2>&1 | sed -u "s/^/[mlip-h$H] /" >> "$LOG"
    echo "[mlip-h$H] exit ${PIPESTATUS[0]} at $(date -u +%T)" >> "$LOG"
    tar cf "$OUT/mlip-h$H.tar" -C "$W" "mlip-h$H" ) &
done

# GPU load every 30 s (ended below)
( while sleep 30; do
    nvidia-smi --query-gpu=utilization.gpu,memory.used --format=csv,noheader 2>/dev/null | sed -u "s/^/[smi $(date -u +%T)] /" >> "$LOG"
  done ) &
SMI_PID=$!

wait "$GEN_PID"
for j in $(jobs -p); do [ "$j" = "$SMI_PID" ] || wait "$j"; done
kill "$SMI_PID" 2>/dev/null
date -u >> "$LOG"
ls -la "$OUT" | tee -a "$LOG"
grep -E '"event": "(trained|exported|export_failed)"|"name": "mlearn|exit ' "$LOG" | cut -c1-600
