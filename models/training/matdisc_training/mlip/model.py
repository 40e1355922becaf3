"""A committee of descriptor networks (Behler-Parrinello style), members stacked in one module.

Energy of member m:  E_m = Σ_i ε_m(Z_i, d_i) + Σ_i ref(Z_i)
  d_i   = (B_i - μ_Z) / σ_Z: the power-spectrum descriptor of atom i (see descriptor.py),
          standardised per element with statistics of the training atoms
  ε_m   = scale * (w3 · h2 + b3[Z]),  h2 = silu((h1 W2) * γ2[Z] + β2[Z]),
          h1 = silu((d W1) * γ1[Z] + β1[Z])
The per-element γ, β (feature-wise modulation) let one network serve every element while each
element keeps its own response. Weights carry a leading member axis M: one forward pass evaluates
all members with batched matrix products, and the exported ONNX graph holds the whole committee.
Members differ in their initial weights (one seed each) and in their bootstrap sample of frames.
The descriptor is fixed (not trained), so training can use precomputed descriptor Jacobians.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field

import torch
from torch import nn

from ..elements import MAX_Z
from .descriptor import PowerSpectrum


@dataclass(frozen=True)
class ModelConfig:
    elements: list[int] = field(default_factory=lambda: [14])
    species_channels: bool = False  # neighbour channel per element (True) or one shared channel
    members: int = 4
    cutoff: float = 5.0
    n_radial: int = 8
    l_max: int = 4
    hidden: int = 64

    def to_dict(self) -> dict:
        return asdict(self)


class Committee(nn.Module):
    """See the module doc. Buffers saved with the checkpoint and baked into the ONNX graph:
    `reference_energy` float64[MAX_Z+1] (eV per atom, 0 for unsupported elements),
    `energy_scale` (eV), `desc_mean`/`desc_std` [MAX_Z+1, D] (per-element standardisation).
    """

    def __init__(self, cfg: ModelConfig, seeds: list[int]):
        super().__init__()
        if len(seeds) != cfg.members:
            raise ValueError(f"need {cfg.members} seeds, got {len(seeds)}")
        self.cfg = cfg
        self.descriptor = PowerSpectrum(
            cfg.cutoff, cfg.n_radial, cfg.l_max, cfg.elements if cfg.species_channels else None
        )
        d, h, z = self.descriptor.dim, cfg.hidden, MAX_Z + 1
        init = [self._init_member(d, h, torch.Generator().manual_seed(int(s))) for s in seeds]
        self.w1 = nn.Parameter(torch.stack([p[0] for p in init]))  # [M,D,H]
        self.w2 = nn.Parameter(torch.stack([p[1] for p in init]))  # [M,H,H]
        self.w3 = nn.Parameter(torch.stack([p[2] for p in init]))  # [M,H,1]
        m = cfg.members
        self.g1 = nn.Parameter(torch.ones(m, z, h))
        self.b1 = nn.Parameter(torch.zeros(m, z, h))
        self.g2 = nn.Parameter(torch.ones(m, z, h))
        self.b2 = nn.Parameter(torch.zeros(m, z, h))
        self.b3 = nn.Parameter(torch.zeros(m, z))
        self.register_buffer("desc_mean", torch.zeros(z, d))
        self.register_buffer("desc_std", torch.ones(z, d))
        self.register_buffer("reference_energy", torch.zeros(z, dtype=torch.float64))
        self.register_buffer("energy_scale", torch.ones(()))

    @staticmethod
    def _init_member(d: int, h: int, g: torch.Generator):
        return (
            torch.randn(d, h, generator=g) / math.sqrt(d),
            torch.randn(h, h, generator=g) / math.sqrt(h),
            torch.randn(h, 1, generator=g) / math.sqrt(h),
        )

    def atom_energies(self, species: torch.Tensor, desc: torch.Tensor):
        """desc [M or 1, N, D] raw descriptors -> (atom energies [M,N] in eV, h2 [M,N,H])."""
        d = (desc - self.desc_mean[species]) / self.desc_std[species]
        act = nn.functional.silu
        h1 = act(torch.matmul(d, self.w1) * self.g1[:, species] + self.b1[:, species])
        h2 = act(torch.matmul(h1, self.w2) * self.g2[:, species] + self.b2[:, species])
        e = (torch.matmul(h2, self.w3)[..., 0] + self.b3[:, species]) * self.energy_scale
        return e, h2

    def forward(self, species, edge_index, edge_vec, batch, n_structures: int, with_reference: bool = True):
        """Energies [M,S] (eV) and the embedding [S,H].

        edge_vec: [M,E,3], one copy per member, so the gradient of the summed energy with respect
        to it is each member's own dE_m/dr. n_structures: S, a Python or symbolic int.
        With `with_reference` (the exported graph) the per-element reference energies are added,
        summed in float64 so totals of -1e4..-1e5 eV keep their meV; without it the energy is
        the network's part only, which training fits against E_dft - Σ refs.
        """
        desc = self.descriptor(species, edge_index, edge_vec)
        atom_e, hidden = self.atom_energies(species, desc)
        return self.pool(species, atom_e, hidden, batch, n_structures, with_reference)

    def pool(self, species, atom_e, hidden, batch, n_structures: int, with_reference: bool = True):
        m = atom_e.shape[0]
        dev = atom_e.device
        energy = torch.zeros(m, n_structures, dtype=atom_e.dtype, device=dev).index_add(1, batch, atom_e)
        if with_reference:
            ref = torch.zeros(n_structures, dtype=torch.float64, device=dev).index_add(
                0, batch, self.reference_energy[species]
            )
            energy = (energy.to(torch.float64) + ref[None, :]).to(atom_e.dtype)
        ones = torch.ones_like(batch, dtype=atom_e.dtype)
        count = torch.zeros(n_structures, dtype=atom_e.dtype, device=dev).index_add(0, batch, ones)
        pooled = torch.zeros(n_structures, hidden.shape[2], dtype=atom_e.dtype, device=dev).index_add(
            0, batch, hidden.mean(dim=0)
        )
        return energy, pooled / torch.clamp(count, min=1.0)[:, None]
