"""From extxyz files to `<name>.onnx` + `<name>.card.json` + `<name>.pt`: what both commands run."""

from __future__ import annotations

import copy
import json
import math
import os
import sys
import time
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import torch

from ..elements import SYMBOLS
from .card import build_card
from .checkpoint import load_checkpoint, save_checkpoint
from .delta import checkpoint_base, compose, fit_spread_scale, residual_graphs, scaled_uncertainty, sha256_file, verify_composition, zero_unseen_elements
from .universal_card import build_universal_card
from .data import Graph, collate, file_sha256, fit_reference_energies, holdout_split, load_graphs, pack_batches
from .export import export_onnx, verify_onnx
from .features import frame_features
from .metrics import evaluate, merge, summarize
from .model import Committee, ModelConfig
from .train import TrainSettings, fit_normalisation, predict, train


@dataclass
class RunSpec:
    data: list[str]
    out: str
    name: str
    test: list[str] = field(default_factory=list)
    holdout_fraction: float = 0.1
    holdout_seed: int = 0
    seed: int = 0
    epochs: int = 20
    threads: int = 1
    init: str | None = None  # checkpoint or card: fine-tune instead of a fresh model
    refs: str = "shift"  # fine-tune only: "shift" (refit offsets on the new data) or "keep"
    model: dict = field(default_factory=dict)  # ModelConfig overrides for a fresh model
    settings: dict = field(default_factory=dict)  # TrainSettings overrides
    energy_scale: str = ""  # what absolute DFT energy scale the data are on (for the card)
    default: bool = False  # mark the card "default": true (the runtime's model when none is named)
    reproduce: str = ""
    device: str = "cpu"  # where training runs ("cuda" on a GPU); export and the checkpoint are on the CPU
    max_minutes: float | None = None  # wall budget of the whole run; training stops in time to finish
    base: str | None = None  # a base potential (.onnx): train a Δ committee on its residuals (delta.py)
    base_cache: str | None = None  # JSON cache of the base's predictions of the training frames


def _log(msg: dict) -> None:
    print(json.dumps(msg), file=sys.stderr, flush=True)


def _elements(graphs: list[Graph]) -> set[int]:
    return {int(z) for g in graphs for z in g.numbers}


def run(spec: RunSpec) -> dict:
    """Train (or fine-tune), evaluate, export; returns the model card (also written to disk)."""
    t_start = time.time()
    torch.set_num_threads(spec.threads)
    device = torch.device(spec.device)
    init_model, init_blob = (None, None)
    if spec.init:
        init_model, init_blob = load_checkpoint(spec.init)
    cutoff = init_model.cfg.cutoff if init_model else float(spec.model.get("cutoff", 5.0))
    base = resolve_base(spec, init_blob)

    test_sets: dict[str, list[Graph]] = {Path(f).name.split(".")[0]: load_graphs(f, cutoff) for f in spec.test}
    train_graphs: list[Graph] = []
    data_info = []
    for f in spec.data:
        graphs = load_graphs(f, cutoff)
        covered = any(_elements(graphs) & _elements(t) for t in test_sets.values())
        held: list[Graph] = []
        if not covered and spec.holdout_fraction > 0:
            graphs, held = holdout_split(graphs, spec.holdout_fraction, spec.holdout_seed)
            if held:  # a round of 3 labels holds out none: nothing to measure on, not an error
                test_sets[f"{graphs[0].dataset}_holdout"] = held
        train_graphs += graphs
        data_info.append({"file": str(f), "sha256": file_sha256(f), "train_frames": len(graphs),
                          "train_atoms": int(sum(g.n_atoms for g in graphs)), "held_out_frames": len(held)})
    _log({"event": "loaded", "train_frames": len(train_graphs), "wall_s": round(time.time() - t_start, 1)})
    if base is not None:  # from here on every label is DFT - base
        train_graphs = residual_graphs(base["path"], train_graphs, threads=spec.threads, log=_log, cache=spec.base_cache)
        test_sets = {k: residual_graphs(base["path"], v, threads=spec.threads, cache=spec.base_cache)
                     for k, v in test_sets.items()}
        _log({"event": "residuals", "base": base["path"], "wall_s": round(time.time() - t_start, 1)})

    data_elements = sorted(_elements(train_graphs))
    if init_model is None:
        multi = any(len(set(g.numbers.tolist())) > 1 for g in train_graphs)
        overrides = dict(spec.model)
        overrides.setdefault("species_channels", multi)
        overrides.setdefault("n_radial", 6 if overrides["species_channels"] else 8)
        cfg = ModelConfig(elements=data_elements, **overrides)
        seeds = [spec.seed * 1000 + m for m in range(cfg.members)]
        model = Committee(cfg, seeds)
        refs = fit_reference_energies(train_graphs)
        for z, r in refs.items():
            model.reference_energy[z] = r
    else:
        model = init_model
        seeds = [spec.seed * 1000 + m for m in range(model.cfg.members)]
        new = [z for z in data_elements if z not in model.cfg.elements]
        if new and model.cfg.species_channels:
            raise ValueError(f"elements {[SYMBOLS[z] for z in new]} have no neighbour channel in {spec.init}")
        if new:
            model.cfg = ModelConfig(**{**model.cfg.to_dict(), "elements": sorted(model.cfg.elements + new)})
        if spec.refs == "shift":
            _shift_references(model, train_graphs)

    t_feat = time.time()
    model = model.to(device)
    features = [frame_features(model.descriptor, g) for g in train_graphs]
    fit_normalisation(model, train_graphs, features, only_new=init_model is not None)
    _log({"event": "features", "device": str(device), "wall_s": round(time.time() - t_feat, 1)})

    defaults = {"seed": spec.seed, "epochs": spec.epochs}
    if init_model is not None:
        defaults.update(lr=1e-3, warmup_steps=10)
    settings = TrainSettings(**{**defaults, **spec.settings})
    if init_model is not None:  # a round's few labels fill one or two batches: epochs alone would be a handful of steps
        n_batches = len(pack_batches(train_graphs, np.arange(len(train_graphs)), settings.max_atoms_per_batch))
        settings = replace(settings, epochs=max(settings.epochs, math.ceil(MIN_FINETUNE_STEPS / max(1, n_batches))))
    budget_s = None
    if spec.max_minutes:  # leave ~8 % (at least 20 s) of the budget for metrics, export and checks
        total_s = 60 * spec.max_minutes
        budget_s = max(1.0, total_s - max(20.0, 0.08 * total_s) - (time.time() - t_start))
    ema, summary = train(model, train_graphs, features, settings, log=_log, budget_s=budget_s)
    del features
    if base is not None:
        zero_unseen_elements(ema, set(ema.cfg.elements))

    out = Path(spec.out)
    out.mkdir(parents=True, exist_ok=True)
    pt_path, onnx_path = out / f"{spec.name}.pt", out / f"{spec.name}.onnx"
    metrics = {}
    supported = set(ema.cfg.elements)
    skipped = {}
    for name, graphs in test_sets.items():
        missing = _elements(graphs) - supported
        if missing:
            skipped[name] = f"elements {sorted(SYMBOLS[z] for z in missing)} not in the training data"
            continue
        metrics[name] = evaluate(ema, graphs)
    spread = None
    if base is not None:  # calibrate the spread on half of each held-out set, report the other half
        calib = merge([{k: v[0::2] for k, v in m.items()} for m in metrics.values()]) if metrics else None
        if calib is not None and len(calib["n_atoms"]) >= MIN_CALIBRATION_FRAMES:
            spread = {"energy": fit_spread_scale(calib["energy_error_ev_per_atom"], calib["energy_std_ev_per_atom"]),
                      "forces": fit_spread_scale(calib["max_force_error"], calib["max_force_dev"]),
                      "fitted_on_frames": int(len(calib["n_atoms"]))}
            metrics = {k: {kk: vv[1::2] for kk, vv in m.items()} for k, m in metrics.items()}
        else:  # too few held-out frames (a campaign round): keep the factors of the model fine-tuned from
            inherited = (init_blob or {}).get("base", {}).get("spread_scale") or {"energy": 1.0, "forces": 1.0}
            spread = {"energy": inherited["energy"], "forces": inherited["forces"],
                      "inherited_from": (init_blob or {}).get("name")}
        metrics = {k: scaled_uncertainty(m, spread) for k, m in metrics.items()}
    # the checkpoint before the export (CPU tensors): if the export fails on this machine (another
    # torch), export.export_onnx on the loaded .pt finishes it elsewhere. A Δ committee's names its
    # base and the spread factors, which a fine-tune that cannot calibrate inherits.
    save_checkpoint(copy.deepcopy(ema).to("cpu"), seeds, pt_path, spec.name,
                    base=None if base is None else {"path": os.path.relpath(base["path"], out),
                                                    "sha256": base["sha256"], "spread_scale": spread})
    _log({"event": "checkpoint", "file": str(pt_path), "wall_s": round(time.time() - t_start, 1)})
    _log({"event": "metrics", **{k: summarize(v) for k, v in metrics.items()}})
    ema = ema.to("cpu")

    def write_card(io: dict) -> dict:
        card = (build_universal_card if base is not None else build_card)(
            spec=spec,
            model=ema,
            seeds=seeds,
            settings=settings,
            summary=summary,
            data_info=data_info,
            metrics={k: summarize(v) for k, v in metrics.items()},
            overall=summarize(merge(list(metrics.values()))) if metrics else {},
            skipped=skipped,
            io=io,
            onnx_path=onnx_path,
            pt_path=pt_path,
            init=init_blob,
            wall_s=round(time.time() - t_start, 1),
            device=device,
            **({"base": base, "spread": spread} if base is not None else {}),
        )
        (out / f"{spec.name}.card.json").write_text(json.dumps(card, indent=2) + "\n")
        return card

    write_card({"export_error": "pending: the export had not finished when this card was written"})
    t_exp = time.time()
    check_graphs = [g for gs in test_sets.values() for g in gs[:2] if not (_elements([g]) - supported)][:6]
    try:
        delta_path = onnx_path.with_suffix(".delta.onnx") if base is not None else onnx_path
        io = export_onnx(ema, delta_path)
        io["verification"] = verify_onnx(ema, delta_path, check_graphs)
        if base is not None:
            io["universal"] = compose(base["path"], delta_path, onnx_path, spread_scale=spread)
            io["universal"]["verification"] = verify_composition(base["path"], delta_path, onnx_path, check_graphs,
                                                                 io["universal"]["spread_scale"])
        _log({"event": "exported", "wall_s": round(time.time() - t_exp, 1), **io["verification"]})
    except Exception as err:  # keep the checkpoint, the metrics and the card; re-export elsewhere
        io = {"export_error": f"{type(err).__name__}: {err}"}
        _log({"event": "export_failed", "error": io["export_error"]})
    return write_card(io)


MIN_CALIBRATION_FRAMES = 10
MIN_FINETUNE_STEPS = 200  # optimiser steps of a fine-tune however few the frames (the wall budget still applies)


@torch.no_grad()
def _shift_references(model: Committee, graphs: list[Graph]) -> None:
    """Refit per-element offsets so the current committee mean has no mean error on the new data.

    Fits δ by least squares on E_dft - Σ refs - E_network (committee mean) and adds it to the
    references of the elements present. A model moved to data from another DFT code or setup
    (another absolute energy scale) then starts from the right level instead of learning the
    offset through its weights.
    """
    residual = []
    for g in graphs:
        b = collate([g]).to(model.w1.device)
        with torch.enable_grad():
            energy, _, _ = predict(model, b, create_graph=False)
        ref = float(model.reference_energy[b.species].sum())
        residual.append(g.energy - ref - float(energy.mean()))
    delta = fit_reference_energies(graphs, residual=np.array(residual))
    for z, d in delta.items():
        model.reference_energy[z] += d


def resolve_base(spec: RunSpec, init_blob: dict | None) -> dict | None:
    """The base potential of a Δ committee: `--base`, or the one a fine-tuned checkpoint names."""
    if spec.base:
        path = Path(spec.base).resolve()
        if not path.exists():
            raise FileNotFoundError(f"--base {spec.base}: no such ONNX file")
        return {"path": str(path), "sha256": sha256_file(path)}
    return None if init_blob is None else checkpoint_base(init_blob)
