"""PyTorch-eager half of bench/mlip-onnx-vs-torch.ts: times the eager module on the inputs the
TypeScript side wrote, with the same thread count, and prints JSON on stdout.

    python bench/mlip_torch_eager.py --cases DIR --builder MODULE:FUNCTION --arg PATH \
        [--threads N] [--repeats R]

`--builder` names a function that takes `--arg` and returns a torch.nn.Module with the
potential contract's forward(species, edge_index, edge_vec, batch, n_structures) ->
(energy, edge_grad, ...). For the Morse fixture that is
matdisc_training.pair_potential_export:build_module with its params.json.
"""

import argparse
import importlib
import json
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import torch


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--cases", type=Path, required=True)
    p.add_argument("--builder", required=True)
    p.add_argument("--arg", required=True)
    p.add_argument("--threads", type=int, default=0)
    p.add_argument("--repeats", type=int, default=20)
    args = p.parse_args()
    if args.threads > 0:
        torch.set_num_threads(args.threads)
    module_name, fn_name = args.builder.split(":")
    model = getattr(importlib.import_module(module_name), fn_name)(args.arg)
    results = []
    for meta_path in sorted(args.cases.glob("case-*.json")):
        meta = json.loads(meta_path.read_text())
        stem = meta_path.with_suffix("")
        n, e = meta["n_atoms"], meta["n_edges"]
        inputs = (
            torch.from_numpy(np.fromfile(f"{stem}.species.bin", dtype=np.int64)),
            torch.from_numpy(np.fromfile(f"{stem}.edge_index.bin", dtype=np.int64).reshape(2, e)),
            torch.from_numpy(np.fromfile(f"{stem}.edge_vec.bin", dtype=np.float32).reshape(e, 3)),
            torch.from_numpy(np.fromfile(f"{stem}.batch.bin", dtype=np.int64)),
            torch.tensor(meta["n_structures"], dtype=torch.int64),
        )
        assert inputs[0].shape[0] == n
        out = model(*inputs)  # warm-up
        times = []
        for _ in range(args.repeats):
            t0 = time.perf_counter()
            out = model(*inputs)
            times.append((time.perf_counter() - t0) * 1000)
        results.append(
            {
                "case": meta["case"],
                "median_ms": statistics.median(times),
                "min_ms": min(times),
                "energy": out[0].detach().double().mean(0).tolist(),
            }
        )
    json.dump({"torch": torch.__version__, "threads": torch.get_num_threads(), "cases": results}, sys.stdout)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
