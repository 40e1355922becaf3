"""Held-out metrics of a committee: committee-mean errors and the model deviation's ranking power.

Energy MAE is per atom (meV/atom) and force MAE is over Cartesian components (eV/Å), as in
Zuo et al., J. Phys. Chem. A 124, 731 (2020). The model deviation of a frame is DP-GEN's
max_i sqrt(<|F_i^m - <F_i>|^2>_m) (Zhang et al., Comput. Phys. Commun. 253, 107206 (2020)); it is
compared with the frame's true max_i |<F_i> - F_i^DFT| by Spearman rank correlation.
"""

from __future__ import annotations

import numpy as np
import torch

from .data import Graph, collate, pack_batches
from .model import Committee
from .train import predict, reference_sum


@torch.no_grad()
def evaluate(model: Committee, graphs: list[Graph], max_atoms: int = 1024) -> dict[str, np.ndarray]:
    """Per-frame arrays: energy errors (eV/atom), force errors, model deviation, max force error."""
    model = model.eval()
    device = model.w1.device
    e_err, n_atoms, f_abs, dev, max_err, e_std = [], [], [], [], [], []
    for ids in pack_batches(graphs, np.arange(len(graphs)), max_atoms):
        bd = collate([graphs[k] for k in ids], ids).to(device)
        with torch.enable_grad():
            energy, forces, _ = predict(model, bd, create_graph=False)
        energy = (energy.double() + reference_sum(model, bd)[None]).cpu()
        forces = forces.detach().cpu()
        b = collate([graphs[k] for k in ids], ids)
        mean_e = energy.mean(0)
        e_err.append(((mean_e - b.energy) / b.n_atoms.double()).numpy())
        e_std.append((energy.std(0, unbiased=False) / b.n_atoms.double()).numpy())
        n_atoms.append(b.n_atoms.numpy())
        f_mean = forces.mean(0)
        diff = (f_mean - b.forces).numpy()
        f_abs.append(np.abs(diff).reshape(-1))
        atom_dev = torch.sqrt(((forces - f_mean[None]) ** 2).sum(-1).mean(0)).numpy()
        atom_err = np.linalg.norm(diff, axis=1)
        batch = b.batch.numpy()
        for s in range(b.n_structures):
            dev.append(atom_dev[batch == s].max())
            max_err.append(atom_err[batch == s].max())
    return {
        "energy_error_ev_per_atom": np.concatenate(e_err),
        "energy_std_ev_per_atom": np.concatenate(e_std),
        "n_atoms": np.concatenate(n_atoms),
        "force_abs_error": np.concatenate(f_abs),
        "max_force_dev": np.array(dev),
        "max_force_error": np.array(max_err),
    }


def spearman(a: np.ndarray, b: np.ndarray) -> float:
    if len(a) < 3:
        return float("nan")
    ra, rb = _ranks(a), _ranks(b)
    return float(np.corrcoef(ra, rb)[0, 1])


def _ranks(x: np.ndarray) -> np.ndarray:
    order = np.argsort(x, kind="mergesort")
    ranks = np.empty(len(x))
    ranks[order] = np.arange(len(x))
    # average ties
    _, inverse, counts = np.unique(x, return_inverse=True, return_counts=True)
    sums = np.bincount(inverse, weights=ranks)
    return sums[inverse] / counts[inverse]


def summarize(r: dict[str, np.ndarray]) -> dict:
    e = r["energy_error_ev_per_atom"]
    return {
        "frames": int(len(r["n_atoms"])),
        "atoms": int(r["n_atoms"].sum()),
        "energy_mae_mev_per_atom": round(1000 * float(np.abs(r["energy_error_ev_per_atom"]).mean()), 3),
        "energy_rmse_mev_per_atom": round(1000 * float(np.sqrt((r["energy_error_ev_per_atom"] ** 2).mean())), 3),
        "force_mae_ev_per_a": round(float(r["force_abs_error"].mean()), 4),
        "force_rmse_ev_per_a": round(float(np.sqrt((r["force_abs_error"] ** 2).mean())), 4),
        "mean_max_force_dev_ev_per_a": round(float(r["max_force_dev"].mean()), 4),
        "spearman_max_force_dev_vs_max_force_error": _finite(spearman(r["max_force_dev"], r["max_force_error"])),
        "spearman_energy_std_vs_abs_energy_error": _finite(spearman(r["energy_std_ev_per_atom"], np.abs(e))),
        "energy_error_within_1sigma": _fraction(np.abs(e) <= r["energy_std_ev_per_atom"]),
        "energy_error_within_2sigma": _fraction(np.abs(e) <= 2 * r["energy_std_ev_per_atom"]),
        "max_force_error_within_1sigma": _fraction(r["max_force_error"] <= r["max_force_dev"]),
        "max_force_error_within_2sigma": _fraction(r["max_force_error"] <= 2 * r["max_force_dev"]),
    }


def _fraction(x: np.ndarray) -> float | None:
    return None if len(x) == 0 else round(float(x.mean()), 3)


def _finite(x: float, digits: int = 3) -> float | None:
    """JSON has no NaN: undefined correlations (fewer than 3 frames) are null."""
    return None if not np.isfinite(x) else round(float(x), digits)


def merge(results: list[dict[str, np.ndarray]]) -> dict[str, np.ndarray]:
    return {k: np.concatenate([r[k] for r in results]) for k in results[0]}
