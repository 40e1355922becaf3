"""The model card written beside each ONNX file (format matdisc-potential-v1)."""

from __future__ import annotations

import hashlib
import platform
from pathlib import Path

import torch

from .. import __version__
from ..elements import SYMBOLS
from .published import CITATION, ZUO_2020


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


RUNTIME_NOTES = {
    "neighbour_list": "full list (i->j and j->i), periodic self-images included, 0 < |r| < cutoff_a",
    "empty_edges": "E must be >= 1 (ONNX Runtime fails on zero-size broadcasts): pad with one edge i->i "
    "whose edge_vec is longer than cutoff_a; such an edge contributes exactly 0 energy and 0 gradient",
    "forces": "F_k = sum_{e: i_e=k} g_e - sum_{e: j_e=k} g_e with g = edge_grad[m]",
    "stress": "sigma_ab = (1/V) sum_{e in s} g_e,a r_e,b  (eV/Å^3, ASE sign, positive = tensile)",
    "reference_energies": "baked into the graph: energy includes sum_i ref(Z_i) (summed in float64, output float32)",
    "unsupported_elements": "species not in `elements` give meaningless energies; refuse them",
}


def build_torch_reference(path: str | Path):
    """Eager PyTorch twin of an exported committee, for bench/mlip_torch_eager.py.

    `path` is the checkpoint (.pt) or the card naming it; the result is called with the contract's
    inputs and returns (energy[M,S], edge_grad[M,E,3], embedding[S,F]) like the ONNX graph.
    """
    from .checkpoint import load_checkpoint
    from .export import potential_fn

    model, _ = load_checkpoint(path)
    return potential_fn(model.eval())


def torch_reference(pt_path: Path) -> dict:
    """The card's `torch_reference` entry: how a benchmark rebuilds this model in PyTorch eager."""
    return {"builder": "matdisc_training.mlip.card:build_torch_reference", "arg": pt_path.name}


def build_card(*, spec, model, seeds, settings, summary, data_info, metrics, overall, skipped, io,
               onnx_path: Path, pt_path: Path, init, wall_s: float, device=None) -> dict:
    cfg = model.cfg
    device = torch.device(device or "cpu")
    if device.type == "cuda":
        machine = f"{platform.machine()}, {torch.cuda.get_device_name(device)} (CUDA {torch.version.cuda})"
    else:
        machine = f"{platform.machine()}, CPU, {spec.threads} thread(s)"
    budget = {k: summary[k] for k in ("budget_s", "stopped_by_budget") if k in summary}
    elements = [SYMBOLS[z] for z in cfg.elements]
    refs = {SYMBOLS[z]: round(float(model.reference_energy[z]), 6) for z in cfg.elements}
    table = {}
    for name, m in metrics.items():
        element = name.split("_")[0]
        row = dict(m)
        if element in ZUO_2020:
            row["published"] = ZUO_2020[element]
        table[name] = row
    return {
        "name": spec.name,
        "kind": "mlip",
        "format": "matdisc-potential-v1",
        "cutoff_a": cfg.cutoff,
        "members": cfg.members,
        "elements": elements,
        "element_reference_energies_ev": refs,
        "energy_scale": spec.energy_scale or "that of the training data (see training.data)",
        "default": spec.default,
        "description": f"{cfg.members}-member descriptor-network committee for {', '.join(elements)}; "
        f"trained on {', '.join(Path(d['file']).name for d in data_info)}",
        "implemented_properties": ["energy", "forces", "stress"],
        "runtime_notes": RUNTIME_NOTES,
        "uncertainty": {
            "energy_std_ev_per_atom": "std over members of energy / n_atoms",
            "max_force_dev_ev_per_a": "max over atoms of sqrt(mean over members |F_m - <F>|^2) (DP-GEN)",
        },
        "architecture": {
            "type": "committee of descriptor networks (Behler-Parrinello style)",
            "descriptor": "species-resolved SOAP-style power spectrum: Bessel radial basis x DimeNet envelope (p=6), "
            "real spherical harmonics; two-body terms + p_abl (a<=b)",
            "neighbour_channels": elements if cfg.species_channels else ["all neighbours (one channel)"],
            "n_radial": cfg.n_radial,
            "l_max": cfg.l_max,
            "descriptor_dim": model.descriptor.dim,
            "network": f"per member: D -> {cfg.hidden} -> {cfg.hidden} -> 1, SiLU, per-element scale/shift of each layer",
            "embedding_dim": cfg.hidden,
            "embedding": "mean over members of the atom-mean of the last hidden layer",
            "parameters": int(sum(p.numel() for p in model.parameters())),
            "config": cfg.to_dict(),
        },
        "training": {
            "data": data_info,
            "test": [str(t) for t in spec.test],
            "holdout_fraction": spec.holdout_fraction,
            "holdout_seed": spec.holdout_seed,
            "seed": spec.seed,
            "member_seeds": seeds,
            "bootstrap": "member m weights frames by their multiplicity in a resample with numpy default_rng([seed, m])",
            "epochs": settings.epochs,
            "epochs_run": summary.get("epochs_run", settings.epochs),
            "steps": summary["steps"],
            "device": str(device),
            "machine": machine,
            **({"max_minutes": spec.max_minutes, **budget} if spec.max_minutes else {}),
            "train_wall_s": summary["wall_s"],
            "wall_s": wall_s,
            "settings": settings.to_dict(),
            "threads": spec.threads,
            "last_epoch": summary["history"][-1] if summary["history"] else None,
            "fine_tuned_from": None if init is None else {"name": init.get("name"), "init": str(spec.init), "refs": spec.refs},
            "toolchain": {"matdisc_training": __version__, "torch": torch.__version__, "python": platform.python_version()},
        },
        "metrics": {
            "units": {"energy_mae": "meV/atom (committee mean)", "force_mae": "eV/Å per component (committee mean)"},
            "test_sets": table,
            "all_held_out": overall,
            "not_evaluated": skipped,
            "published_reference": CITATION,
        },
        "reproduce": spec.reproduce,
        "onnx": {**io, "file": onnx_path.name},
        "checkpoint": pt_path.name,
        "checkpoint_sha256": _sha256(pt_path),
        "torch_reference": {
            **torch_reference(pt_path),
            "weights": pt_path.name,
            "loader": "matdisc_training.mlip.checkpoint:load_checkpoint",
        },
        "sha256": _sha256(onnx_path) if onnx_path.exists() and "export_error" not in io else None,
    }
