"""The dense denoiser (CSPNet-like, DiffCSP's decoder written with padding + mask).

Every pair (i, j) of real atoms of a cell is an edge (self pairs included, as DiffCSP's fully
connected graph), so the graph needs no neighbour list, gather or scatter: tensors are
[B, N, N, H] and the export has dynamic B and N. Per layer (pre-LayerNorm, residual):

    m_ij = act(W2 act(W1 [h_i, h_j, G, psi(f_j - f_i)]))      G = L L^T (9 numbers, rows = vectors)
    h_i <- h_i + act(V2 act(V1 [h_i, mean_j m_ij]))           mean over real atoms j
    psi(d) = [sin(2 pi k d), cos(2 pi k d)], k = 1..K, per coordinate

Outputs: score_frac_i = W_x h_i; R_A,i = W_a h_i; R_L = (W_l mean_i h_i as 3x3) @ L, so the
lattice output rotates with the lattice (O(3)-equivariant) and the rest is invariant. The two
DDPM outputs are preconditioned with the closed-form cosine alpha_bar(t):

    eps = sqrt(1 - alpha_bar(t)) * x_t + sqrt(alpha_bar(t)) * R

(the best linear guess of eps for unit-variance data, plus a learned correction). Near t = 1
eps -> x_t exactly, which the reverse DDPM step needs: its first step multiplies the error of
eps by beta_T / sqrt(alpha_T) = 100 (beta_T = 0.9999), and a plain network's few-per-cent error
there blew the lattices up to ~1000 Å. Outputs of padded atoms are zero. The first Linear of the
edge MLP is split into per-atom and per-pair parts (identical maths, far cheaper).
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import torch
from torch import nn

from .vocab import N_TYPES


@dataclass(frozen=True)
class DenoiserConfig:
    hidden: int = 128
    layers: int = 4
    num_freqs: int = 10  # K Fourier frequencies of fractional differences
    time_dim: int = 64  # sinusoidal embedding of t * time_scale
    time_scale: float = 1000.0
    n_types: int = N_TYPES
    precondition: bool = True  # eps = sqrt(1 - abar(t)) x_t + sqrt(abar(t)) R (see module doc)
    cosine_s: float = 0.008

    def to_dict(self) -> dict:
        return asdict(self)


class _Layer(nn.Module):
    def __init__(self, h: int, n_fourier: int):
        super().__init__()
        self.norm = nn.LayerNorm(h)
        self.e_i = nn.Linear(h, h)  # carries the bias of the first edge Linear
        self.e_j = nn.Linear(h, h, bias=False)
        self.e_g = nn.Linear(9, h, bias=False)
        self.e_f = nn.Linear(n_fourier, h, bias=False)
        self.e2 = nn.Linear(h, h)
        self.n1 = nn.Linear(2 * h, h)
        self.n2 = nn.Linear(h, h)
        self.act = nn.SiLU()

    def forward(self, h, gram, fourier, pair_mask, inv_deg):
        x = self.norm(h)
        pre = (
            self.e_i(x).unsqueeze(2)  # [B,N,1,H]  (atom i)
            + self.e_j(x).unsqueeze(1)  # [B,1,N,H]  (atom j)
            + self.e_g(gram).unsqueeze(1).unsqueeze(1)  # [B,1,1,H]
            + self.e_f(fourier)  # [B,N,N,H]
        )
        m = self.act(self.e2(self.act(pre)))
        agg = (m * pair_mask.unsqueeze(-1)).sum(2) * inv_deg.unsqueeze(-1)
        out = self.act(self.n2(self.act(self.n1(torch.cat([x, agg], dim=-1)))))
        return h + out


class Denoiser(nn.Module):
    """forward(atom_types[B,N,T], frac_coords[B,N,3], lattice[B,3,3], mask[B,N], t[B])
    -> (eps_lattice[B,3,3], score_frac[B,N,3], eps_types[B,N,T])."""

    def __init__(self, cfg: DenoiserConfig = DenoiserConfig()):
        super().__init__()
        self.cfg = cfg
        h = cfg.hidden
        half = cfg.time_dim // 2
        self.register_buffer(
            "time_freqs", torch.exp(torch.arange(half, dtype=torch.float32) * -(math.log(10000.0) / (half - 1))), persistent=False
        )
        self.register_buffer("fourier_k", 2 * math.pi * torch.arange(1, cfg.num_freqs + 1, dtype=torch.float32), persistent=False)
        self.type_embed = nn.Linear(cfg.n_types, h)
        self.time_embed = nn.Linear(cfg.time_dim, h, bias=False)
        self.layers = nn.ModuleList([_Layer(h, 6 * cfg.num_freqs) for _ in range(cfg.layers)])
        self.final_norm = nn.LayerNorm(h)
        self.coord_out = nn.Linear(h, 3, bias=False)
        self.lattice_out = nn.Linear(h, 9, bias=False)
        self.type_out = nn.Linear(h, cfg.n_types)

    def forward(self, atom_types, frac_coords, lattice, mask, t):
        arg = (t * self.cfg.time_scale).unsqueeze(-1) * self.time_freqs  # [B, half]
        temb = torch.cat([torch.sin(arg), torch.cos(arg)], dim=-1)
        h = self.type_embed(atom_types) + self.time_embed(temb).unsqueeze(1)  # [B,N,H]

        gram = torch.matmul(lattice, lattice.transpose(1, 2)).flatten(1)  # [B,9]
        diff = frac_coords.unsqueeze(1) - frac_coords.unsqueeze(2)  # [B,N,N,3]: f_j - f_i
        ang = diff.unsqueeze(-1) * self.fourier_k  # [B,N,N,3,K]
        fourier = torch.cat([torch.sin(ang), torch.cos(ang)], dim=-1).flatten(3)  # [B,N,N,6K]
        pair_mask = mask.unsqueeze(2) * mask.unsqueeze(1)  # [B,N,N]
        inv_deg = 1.0 / torch.clamp(pair_mask.sum(2), min=1.0)  # [B,N]

        for layer in self.layers:
            h = layer(h, gram, fourier, pair_mask, inv_deg)
        h = self.final_norm(h)

        m = mask.unsqueeze(-1)
        score_frac = self.coord_out(h) * m
        r_types = self.type_out(h)
        pooled = (h * m).sum(1) / torch.clamp(mask.sum(1, keepdim=True), min=1.0)  # [B,H]
        r_lattice = torch.matmul(self.lattice_out(pooled).reshape(-1, 3, 3), lattice)
        if not self.cfg.precondition:
            return r_lattice, score_frac, r_types * m
        s = self.cfg.cosine_s
        f = torch.cos((t + s) / (1 + s) * (math.pi / 2)) / math.cos(s / (1 + s) * math.pi / 2)
        abar = torch.clamp(f * f, 0.0, 1.0)
        a = torch.sqrt(abar).reshape(-1, 1, 1)
        b = torch.sqrt(1.0 - abar).reshape(-1, 1, 1)
        eps_lattice = b * lattice + a * r_lattice
        eps_types = (b * atom_types + a * r_types) * m
        return eps_lattice, score_frac, eps_types
