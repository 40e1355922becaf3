"""SevenNet on the mlearn benchmark (Zuo et al. 2020): zero-shot errors, then a bounded fine-tune.

    python -m matdisc_training sevennet-mlearn --data /work/shared/data/mlip/mlearn_zuo2020/extxyz \
        --out sevennet-0.mlearn.json [--finetune-minutes 20] [--threads 1]

1. Zero shot: energy and force errors on the six `*_test` files. The per-element energy offset
   (mlearn's PBE setup vs MPtrj's) is the mean per-atom residual on up to --offset-frames
   training frames of that element; Cu and Ni have no training file, so theirs is fitted on their
   test frames (reported as such).
2. Fine-tune: the offsets of Si, Ge, Li, Mo are added to sevenn's per-species energy shift, then
   every trainable weight is trained on the Si, Ge, Li, Mo training frames (Adam, MSE of energy
   per atom + MSE of force components) until the wall-time budget runs out.
3. The same tables after fine-tuning: Cu and Ni were never seen, so their change measures
   forgetting (or transfer).
"""

from __future__ import annotations

import copy
import json
import shlex
import sys
import time
from pathlib import Path

import numpy as np
import torch

from ..mlip.data import Graph, file_sha256, load_graphs, pack_batches
from .evaluate import evaluate, mean_energy_offset, predict, summarize
from .model import SevenNetPotential

TRAINABLE = ["Si", "Ge", "Li", "Mo"]
TEST_ONLY = ["Cu", "Ni"]
# Published zero-shot force MAE of SevenNet-0 on the mlearn test sets (eV/Å), as quoted in the issue.
PUBLISHED_ZERO_SHOT_FORCE_MAE = {"Ni": 0.089, "Cu": 0.055, "Li": 0.051, "Mo": 0.365, "Si": 0.129, "Ge": 0.131}


def _log(msg: dict) -> None:
    print(json.dumps(msg), file=sys.stderr, flush=True)


def _table(potential: SevenNetPotential, tests: dict[str, list[Graph]], offsets: dict[str, tuple[float, str]]) -> dict:
    rows = {}
    for el, graphs in tests.items():
        t = time.time()
        r = evaluate(potential, graphs)
        off, src = offsets.get(el, (None, None))
        if off is None:  # no training file: best constant on the test frames themselves
            off, src = -float(np.sum(r["energy_error_ev_per_atom"] * r["n_atoms"]) / r["n_atoms"].sum()), "test frames"
        rows[f"{el}_test"] = {**summarize(r, off, src), "published_zero_shot_force_mae_ev_per_a": PUBLISHED_ZERO_SHOT_FORCE_MAE[el]}
        _log({"event": "evaluated", "set": f"{el}_test", "wall_s": round(time.time() - t, 1), **rows[f"{el}_test"]})
    return rows


def _apply_offsets(potential: SevenNetPotential, offsets: dict[str, float]) -> None:
    from ase.data import atomic_numbers
    from sevenn.nn.scale import SpeciesWiseRescale

    rescale = [m for m in potential.model.modules() if isinstance(m, SpeciesWiseRescale)]
    if len(rescale) != 1:
        raise ValueError("expected one SpeciesWiseRescale in the sevenn model")
    with torch.no_grad():
        for el, off in offsets.items():
            t = potential.type_map[atomic_numbers[el]]
            rescale[0].shift[t] += off


def finetune(potential: SevenNetPotential, graphs: list[Graph], minutes: float, lr: float, max_atoms: int,
             seed: int) -> dict:
    params = [p for p in potential.parameters() if p.requires_grad]
    opt = torch.optim.Adam(params, lr=lr)
    rng = np.random.default_rng(seed)
    potential.train()
    t0, steps, epochs, history = time.time(), 0, 0, []
    deadline = t0 + 60 * minutes
    while time.time() < deadline:
        losses = []
        for ids in pack_batches(graphs, rng.permutation(len(graphs)), max_atoms):
            if time.time() >= deadline:
                break
            energy, forces, b = predict(potential, [graphs[k] for k in ids], create_graph=True)
            e_loss = (((energy.double() - b.energy) / b.n_atoms.double()) ** 2).mean().float()
            f_loss = ((forces - b.forces) ** 2).mean()
            loss = e_loss + f_loss
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            steps += 1
            losses.append([float(e_loss), float(f_loss)])
            if steps % 20 == 0:
                m = np.mean(losses[-20:], axis=0)
                _log({"event": "step", "step": steps, "epoch": epochs, "energy_rmse_mev_per_atom": round(1000 * float(np.sqrt(m[0])), 2),
                      "force_rmse_ev_per_a": round(float(np.sqrt(m[1])), 4), "wall_s": round(time.time() - t0, 1)})
        epochs += 1 if time.time() < deadline else 0
        if losses:
            history.append({"epoch": len(history), "batches": len(losses), "mean_loss": np.mean(losses, axis=0).round(6).tolist()})
    potential.eval()
    return {"steps": steps, "complete_epochs": epochs, "wall_s": round(time.time() - t0, 1), "lr": lr,
            "max_atoms_per_batch": max_atoms, "optimizer": "Adam", "seed": seed,
            "loss": "mean((E-E_dft)/N)^2 [eV/atom]^2 + mean((F-F_dft)^2) [eV/Å]^2, per batch", "history": history}


def run(potential: SevenNetPotential, data_dir: Path, minutes: float, offset_frames: int, lr: float,
        max_atoms: int, seed: int) -> dict:
    cutoff = potential.cutoff
    files = {el: data_dir / f"{el}_test.extxyz" for el in TRAINABLE + TEST_ONLY}
    tests = {el: load_graphs(f, cutoff) for el, f in files.items()}
    train = {el: load_graphs(data_dir / f"{el}_training.extxyz", cutoff) for el in TRAINABLE}
    rng = np.random.default_rng(seed)
    offsets: dict[str, tuple[float, str]] = {}
    for el, graphs in train.items():
        pick = sorted(rng.choice(len(graphs), size=min(offset_frames, len(graphs)), replace=False).tolist())
        offsets[el] = (mean_energy_offset(potential, [graphs[k] for k in pick]), f"{len(pick)} training frames")
    _log({"event": "offsets", **{k: v[0] for k, v in offsets.items()}})
    zero_shot = _table(potential, tests, offsets)
    result = {
        "data": {str(f.name): file_sha256(f) for f in list(files.values()) + [data_dir / f"{el}_training.extxyz" for el in TRAINABLE]},
        "zero_shot": zero_shot,
    }
    if minutes > 0:
        tuned = copy.deepcopy(potential)
        _apply_offsets(tuned, {el: v[0] for el, v in offsets.items()})
        frames = [g for el in TRAINABLE for g in train[el]]
        result["finetune"] = finetune(tuned, frames, minutes, lr, max_atoms, seed)
        result["finetune"]["train_frames"] = len(frames)
        result["finetune"]["start"] = "SevenNet-0 weights with the zero-shot energy offsets of Si, Ge, Li, Mo added to its per-species shift"
        after = {el: (0.0, "none needed: offsets applied before fine-tuning") for el in TRAINABLE}
        result["after_finetune"] = _table(tuned, tests, after)
    return result


def main_args(args) -> int:
    from .model import load_sevenn_model

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    model, _ = load_sevenn_model(args.model)
    result = run(SevenNetPotential(model), Path(args.data), args.finetune_minutes, args.offset_frames, args.lr,
                 args.max_atoms_per_batch, args.seed)
    result["model"] = args.model
    result["threads"] = args.threads
    result["reproduce"] = "python -m matdisc_training " + " ".join(shlex.quote(a) for a in sys.argv[1:])
    Path(args.out).write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps({k: result[k] for k in ("zero_shot", "after_finetune") if k in result}))
    return 0
