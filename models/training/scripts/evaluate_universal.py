"""Errors and uncertainty calibration of the universal committee against SevenNet-0 alone.

  .venv/bin/python models/training/scripts/evaluate_universal.py models/mlip/universal-committee.card.json \
      --test A.extxyz ... [--odd-frames] [--base-cache FILE] [--shift-then-test B.extxyz] [--shift-frames 100] [--test-frames 200]

For each --test file: the committee (base + Δ, spread scaled as in the graph) and the baseline
"SevenNet-0 + the Δ committee's per-element offsets" (the same model with its network zeroed).
--shift-then-test takes a file on another absolute energy scale (TiO2 of Artrith 2016): the
per-element offsets of both are refitted on its first --shift-frames frames, and the next
--test-frames frames are evaluated (what a campaign's first retraining does to a new DFT code).
Prints one JSON object; the numbers go into the model card's `calibration` and models/mlip/README.md.
"""

from __future__ import annotations

import argparse
import copy
import json
import sys
from pathlib import Path

import torch

from matdisc_training.mlip.checkpoint import load_checkpoint
from matdisc_training.mlip.data import load_graphs
from matdisc_training.mlip.delta import checkpoint_base, residual_graphs, scaled_uncertainty
from matdisc_training.mlip.metrics import evaluate, summarize
from matdisc_training.mlip.pipeline import _shift_references


def zero_network(model):
    base_only = copy.deepcopy(model)
    with torch.no_grad():
        base_only.w3.zero_()
        base_only.b3.zero_()
    return base_only


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("card")
    p.add_argument("--test", nargs="*", default=[])
    p.add_argument("--shift-then-test", default=None)
    p.add_argument("--shift-frames", type=int, default=100)
    p.add_argument("--test-frames", type=int, default=200)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--base-cache", default=None, help="the base-prediction cache of the training run")
    p.add_argument("--odd-frames", action="store_true",
                   help="--test files: only the odd-numbered frames (those the card's metrics use; the even ones fitted s)")
    args = p.parse_args()
    card = json.loads(Path(args.card).read_text())
    scale = card["universal"]["spread_scale"]
    model, blob = load_checkpoint(args.card)
    base = checkpoint_base(blob)["path"]
    out: dict = {"card": card["name"], "spread_scale": scale, "sets": {}}

    def both(universal, baseline, graphs) -> dict:
        return {"universal": summarize(scaled_uncertainty(evaluate(universal, graphs), scale)),
                "sevennet0_with_offsets": summarize(evaluate(baseline, graphs))}

    for f in args.test:
        graphs = residual_graphs(base, load_graphs(f, model.cfg.cutoff), threads=args.threads, cache=args.base_cache)
        graphs = graphs[1::2] if args.odd_frames else graphs
        out["sets"][Path(f).name.split(".")[0]] = both(model, zero_network(model), graphs)
        print(json.dumps(out["sets"]), file=sys.stderr)
    if args.shift_then_test:
        graphs = load_graphs(args.shift_then_test, model.cfg.cutoff)
        shift = graphs[: args.shift_frames]
        test = graphs[args.shift_frames: args.shift_frames + args.test_frames]
        shift, test = (residual_graphs(base, g, threads=args.threads) for g in (shift, test))
        universal, baseline = copy.deepcopy(model), zero_network(model)
        _shift_references(universal, shift)
        _shift_references(baseline, shift)
        name = Path(args.shift_then_test).name.split(".")[0]
        out["sets"][f"{name} (offsets refitted on {len(shift)} frames)"] = both(universal, baseline, test)
    print(json.dumps(out, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
