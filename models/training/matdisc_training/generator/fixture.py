"""The untrained tiny fixture for the TypeScript sampler tests (test/models/generator/fixtures/).

Same contract and file set as a trained model; random weights (seed 0), hidden 16, 2 layers,
and a 100-step schedule so sampler tests run quickly.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

import torch

from .artifacts import TYPE_CSP_FRACTION, card_json, reference_cases, save_weights, schedule_json, write_json
from .data import lattice_scale_a, load_training_set, natoms_distribution
from .export import export_onnx, max_abs_diff_onnx_vs_torch, same_graph_at_two_sizes
from .model import Denoiser, DenoiserConfig
from .schedule import Schedule

TINY = DenoiserConfig(hidden=16, layers=2, num_freqs=4, time_dim=16)
REFERENCE_TOLERANCE = {"abs": 1e-4, "rel": 1e-4, "rule": "|onnx - torch| <= abs + rel * |torch| elementwise"}


def make_fixture(out: Path, name: str = "denoiser-tiny", num_steps: int = 100, seed: int = 0) -> dict:
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    torch.manual_seed(seed)
    model = Denoiser(TINY).eval()
    onnx_path = out / f"{name}.onnx"
    export_onnx(model, onnx_path)
    with tempfile.TemporaryDirectory() as d:
        same, sig, _ = same_graph_at_two_sizes(model, Path(d))
    diff = max_abs_diff_onnx_vs_torch(model, onnx_path, 3, 9, seed=7)

    ts = load_training_set()
    scale = lattice_scale_a(ts.crystals)
    schedule = Schedule(num_steps=num_steps)
    write_json(out / f"{name}.schedule.json", schedule_json(name, schedule, scale, natoms_distribution(ts.crystals), TYPE_CSP_FRACTION), indent=None)
    save_weights(out / f"{name}.pt", model, {"seed": seed})
    write_json(out / f"{name}.reference.json", {"model": f"{name}.onnx", "tolerance": REFERENCE_TOLERANCE, "cases": reference_cases(model)}, indent=None)
    n_params = sum(p.numel() for p in model.parameters())
    card = card_json(
        name,
        onnx_path,
        TINY,
        n_params,
        untrained=True,
        seed=seed,
        data={"note": "weights are untrained (random init, seed 0); the schedule's natoms distribution and lattice scale come from the training set", **{k: v for k, v in ts.report.items() if k != "parse_failures"}},
        checks={"onnx_vs_torch_max_abs": diff, "graph_identical_at_two_sizes": same, "graph_sha256": sig},
        created_unix=int(time.time()),
        reproduce="cd models/training && ../../.venv/bin/python -m matdisc_training generator-fixture --out ../../test/models/generator/fixtures",
    )
    write_json(out / f"{name}.card.json", card)
    return card
