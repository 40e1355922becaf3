"""Helpers for the MLIP tests: a tiny committee (fast to trace) and small random periodic cells.

Not a conftest.py: the tests folder is shared with the generator tests, so these stay opt-in.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch

from matdisc_training.extxyz import Frame
from matdisc_training.mlip.data import to_graph
from matdisc_training.mlip.model import Committee, ModelConfig

def tiny_model(species_channels: bool = True, elements=(8, 22), seed: int = 0) -> Committee:
    cfg = ModelConfig(elements=list(elements), species_channels=species_channels, n_radial=3, l_max=2, hidden=8)
    model = Committee(cfg, [seed + m for m in range(cfg.members)])
    g = torch.Generator().manual_seed(seed + 100)
    with torch.no_grad():  # non-trivial per-element parameters, so element mix-ups would show
        for p in (model.g1, model.b1, model.g2, model.b2, model.b3):
            p.add_(0.3 * torch.randn(p.shape, generator=g))
        for z in elements:
            model.reference_energy[z] = -3.0 * z
    return model.eval()


def random_frame(seed: int, n_atoms: int = 6, elements=(8, 22), a: float = 4.2) -> Frame:
    """A random triclinic cell with atoms at least ~1.3 Å apart (rejection sampling)."""
    rng = np.random.default_rng(seed)
    cell = a * np.eye(3) + rng.uniform(-0.4, 0.4, (3, 3))
    positions: list[np.ndarray] = []
    while len(positions) < n_atoms:
        x = rng.uniform(0, 1, 3) @ cell
        if all(_min_image_distance(x, y, cell) > 1.3 for y in positions):
            positions.append(x)
    numbers = np.array([elements[k % len(elements)] for k in range(n_atoms)], dtype=np.int64)
    return Frame(numbers=numbers, positions=np.array(positions), cell=cell, pbc=(True, True, True),
                 energy=0.0, forces=np.zeros((n_atoms, 3)), stress=None, source=f"random:{seed}")


def _min_image_distance(x, y, cell) -> float:
    frac = np.linalg.solve(cell.T, y - x)
    frac -= np.round(frac)
    return float(np.linalg.norm(frac @ cell))


def graph_of(frame: Frame, cutoff: float = 5.0):
    return to_graph(frame, cutoff, "random")


@pytest.fixture(scope="session")
def mlip_model() -> Committee:
    return tiny_model()
