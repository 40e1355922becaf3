"""Per-frame quantities that do not depend on the network weights, computed once before training.

For a fixed descriptor, the density A, the descriptors B and the edge-term Jacobians dT/dr are
constants of each frame. Training keeps them in memory (dT/dr in float16: about 1.2 kB per edge
for n_radial = 8, l_max = 4) and runs autograd only through the per-atom network, which is what
makes force training affordable on two CPU cores.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch

from .data import Graph
from .descriptor import PowerSpectrum


@dataclass(frozen=True)
class FrameFeatures:
    desc: torch.Tensor  # float32 [N, D]
    dens: torch.Tensor  # float32 [N, CN, n_lm]
    dterms: torch.Tensor  # float16 [E, 3, n_radial * n_lm]


@torch.no_grad()
def frame_features(ps: PowerSpectrum, g: Graph, store_dtype=torch.float16, device=None) -> FrameFeatures:
    """On `device` (default: where the descriptor's buffers are)."""
    device = device or ps.freq.device
    species = torch.from_numpy(g.numbers).to(device)
    edge_index = torch.from_numpy(g.edge_index).to(device)
    edge_vec = torch.from_numpy(g.edge_vec).to(device)
    with torch.enable_grad():  # forward-mode AD inside; nothing here needs a graph afterwards
        dterms = ps.edge_terms_jacobian(edge_vec).detach()
    terms = ps.edge_terms(edge_vec)
    dens = ps.density(species, edge_index, terms[None])
    desc = ps.spectrum(dens)
    return FrameFeatures(desc=desc[0], dens=dens[0], dterms=dterms.to(store_dtype))


def collate_features(features: list[FrameFeatures]) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    return (
        torch.cat([f.desc for f in features]),
        torch.cat([f.dens for f in features]),
        torch.cat([f.dterms for f in features]).float(),
    )
