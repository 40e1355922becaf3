"""Energies and forces of a SevenNet model on extxyz frames, and mlearn-style error tables.

Energy MAE is per atom (meV/atom), force MAE over Cartesian components (eV/Å), as in Zuo et al.,
J. Phys. Chem. A 124, 731 (2020). SevenNet-0 was trained on MPtrj (VASP PBE/PBE+U, MP's PAW
set and settings); mlearn is VASP PBE with its own PAW set and settings, so absolute energies
can differ by a constant per element. Both the raw MAE and the MAE after removing one constant
per element are reported: that constant is fitted on the element's training frames where mlearn
has them, otherwise (Cu, Ni) on the test frames themselves, which makes that MAE a lower bound.
"""

from __future__ import annotations

import numpy as np
import torch

from ..mlip.data import Graph, collate, pack_batches
from .model import SevenNetPotential


def predict(potential: SevenNetPotential, graphs: list[Graph], create_graph: bool = False):
    """Energy[S] (eV), forces[N,3] (eV/Å) of a collated batch of graphs, differentiable if asked."""
    b = collate(graphs)
    ev = b.edge_vec.clone().requires_grad_(True)
    energy, _ = potential(b.species, b.edge_index, ev, b.batch, b.n_structures)
    (grad,) = torch.autograd.grad(energy.sum(), ev, create_graph=create_graph)
    n = b.species.shape[0]
    forces = torch.zeros(n, 3, dtype=grad.dtype).index_add(0, b.edge_index[0], grad)
    forces = forces.index_add(0, b.edge_index[1], -grad)
    return energy, forces, b


def evaluate(potential: SevenNetPotential, graphs: list[Graph], max_atoms: int = 256) -> dict[str, np.ndarray]:
    """Per-frame energy errors (eV/atom, prediction − DFT) and all force-component errors."""
    potential = potential.eval()
    e_err, n_atoms, f_err = [], [], []
    for ids in pack_batches(graphs, np.arange(len(graphs)), max_atoms):
        with torch.enable_grad():
            energy, forces, b = predict(potential, [graphs[k] for k in ids])
        e_err.append(((energy.detach().double() - b.energy) / b.n_atoms.double()).numpy())
        n_atoms.append(b.n_atoms.numpy())
        f_err.append((forces.detach() - b.forces).numpy().reshape(-1))
    return {
        "energy_error_ev_per_atom": np.concatenate(e_err),
        "n_atoms": np.concatenate(n_atoms),
        "force_error": np.concatenate(f_err),
    }


@torch.no_grad()
def mean_energy_offset(potential: SevenNetPotential, graphs: list[Graph], max_atoms: int = 512) -> float:
    """Mean of (DFT − prediction) per atom over frames of one element (eV/atom)."""
    potential = potential.eval()
    residual, atoms = 0.0, 0
    for ids in pack_batches(graphs, np.arange(len(graphs)), max_atoms):
        b = collate([graphs[k] for k in ids])
        energy, _ = potential(b.species, b.edge_index, b.edge_vec, b.batch, b.n_structures)
        residual += float((b.energy - energy.double()).sum())
        atoms += int(b.n_atoms.sum())
    return residual / atoms


def summarize(r: dict[str, np.ndarray], offset_ev_per_atom: float | None, offset_from: str | None) -> dict:
    raw = r["energy_error_ev_per_atom"]
    row = {
        "frames": int(len(raw)),
        "atoms": int(r["n_atoms"].sum()),
        "energy_mae_mev_per_atom": round(1000 * float(np.abs(raw).mean()), 3),
        "energy_mean_error_mev_per_atom": round(1000 * float(raw.mean()), 3),
        "force_mae_ev_per_a": round(float(np.abs(r["force_error"]).mean()), 4),
        "force_rmse_ev_per_a": round(float(np.sqrt((r["force_error"] ** 2).mean())), 4),
    }
    if offset_ev_per_atom is not None:
        shifted = raw + offset_ev_per_atom
        row["energy_offset_ev_per_atom"] = round(offset_ev_per_atom, 5)
        row["energy_offset_fitted_on"] = offset_from
        row["energy_mae_shifted_mev_per_atom"] = round(1000 * float(np.abs(shifted).mean()), 3)
    return row
