"""Smooth invariant atomic descriptors: a species-resolved SOAP-style power spectrum.

For centre atom i and neighbour channel c (the neighbour's element, or one shared channel):
  A_{c n l m}(i) = Σ_{j in c, r_ij < rc} R_n(r_ij) Y_lm(r_ij / |r_ij|)
  R_n(r) = sin(n π r / rc) / r * u(r / rc),  n = 1..n_radial
  u(x)   = 1 - 28 x^6 + 48 x^7 - 21 x^8 (x < 1), 0 beyond: DimeNet's envelope with p = 6,
           zero with its first two derivatives at the cutoff (Klicpera et al., ICLR 2020)
  Y_lm   = real orthonormal spherical harmonics, l = 0..l_max, written as polynomials of the
           unit vector (no angles, no branches), so the descriptor is smooth and traceable.
Descriptor of atom i (length D): the two-body terms A_{a,00} for every a = (c, n), then the power
spectrum p_{a b l} = Σ_m A_{a l m} A_{b l m} for a <= b and every l (Bartók, Kondor, Csányi,
PRB 87, 184115 (2013)). Σ_m over an orthonormal real basis makes p invariant to rotations; sums
over neighbours make it invariant to permutations; edge vectors make it invariant to translation.

Every function takes edge vectors with a leading batch axis, edge_vec [B, E, 3], and returns
[B, N, D]: the exported graph evaluates one copy per committee member so that each member's
gradient with respect to the edge vectors comes out of one backward pass.
"""

from __future__ import annotations

import math

import torch
from torch import nn

from ..elements import MAX_Z


def real_spherical_harmonics(u: torch.Tensor, l_max: int, with_gradient: bool = False):
    """Y_lm of unit vectors u [..., 3] -> [..., (l_max+1)^2], ordered l = 0.., m = -l..l.

    With `with_gradient`, also returns the gradient of the same polynomial in (x, y, z),
    [..., 3, (l_max+1)^2] (not yet projected onto the sphere's tangent plane).
    """
    x, y, z = u[..., 0], u[..., 1], u[..., 2]
    one, zero = torch.ones_like(x), torch.zeros_like(x)
    # c_m + i s_m = (x + i y)^m; d/dx = m (x+iy)^(m-1), d/dy = i m (x+iy)^(m-1)
    cos_m, sin_m = [one], [zero]
    for m in range(1, l_max + 1):
        cos_m.append(x * cos_m[-1] - y * sin_m[-1])
        sin_m.append(x * sin_m[-1] + y * cos_m[-2])
    # q[l,m]: associated Legendre P_l^m(z) / (1 - z^2)^(m/2), no Condon-Shortley phase; dq = d/dz
    q: dict[tuple[int, int], torch.Tensor] = {}
    dq: dict[tuple[int, int], torch.Tensor] = {}
    for m in range(l_max + 1):
        q[(m, m)] = one * float(_double_factorial(2 * m - 1))
        dq[(m, m)] = zero
        if m + 1 <= l_max:
            q[(m + 1, m)] = (2 * m + 1) * z * q[(m, m)]
            dq[(m + 1, m)] = (2 * m + 1) * q[(m, m)]
        for l in range(m + 2, l_max + 1):
            q[(l, m)] = ((2 * l - 1) * z * q[(l - 1, m)] - (l + m - 1) * q[(l - 2, m)]) / (l - m)
            if with_gradient:
                dq[(l, m)] = (
                    (2 * l - 1) * (q[(l - 1, m)] + z * dq[(l - 1, m)]) - (l + m - 1) * dq[(l - 2, m)]
                ) / (l - m)
    values, grads = [], []
    for l in range(l_max + 1):
        for m in range(-l, l + 1):
            a = abs(m)
            norm = math.sqrt((2 * l + 1) / (4 * math.pi) * math.factorial(l - a) / math.factorial(l + a))
            if m == 0:
                values.append(norm * q[(l, 0)])
                if with_gradient:
                    grads.append(torch.stack([zero, zero, norm * dq[(l, 0)]], dim=-1))
                continue
            norm *= math.sqrt(2)
            phase = cos_m[a] if m > 0 else sin_m[a]
            values.append(norm * q[(l, a)] * phase)
            if with_gradient:
                if m > 0:  # d c_a/dx = a c_(a-1), d c_a/dy = -a s_(a-1)
                    dx, dy = a * cos_m[a - 1], -a * sin_m[a - 1]
                else:  # d s_a/dx = a s_(a-1), d s_a/dy = a c_(a-1)
                    dx, dy = a * sin_m[a - 1], a * cos_m[a - 1]
                nq = norm * q[(l, a)]
                grads.append(torch.stack([nq * dx, nq * dy, norm * dq[(l, a)] * phase], dim=-1))
    ylm = torch.stack(values, dim=-1)
    if not with_gradient:
        return ylm
    return ylm, torch.stack(grads, dim=-1)


def _double_factorial(n: int) -> int:
    return 1 if n <= 0 else n * _double_factorial(n - 2)


def envelope(x: torch.Tensor, p: int = 6) -> torch.Tensor:
    u = 1 - (p + 1) * (p + 2) / 2 * x**p + p * (p + 2) * x ** (p + 1) - p * (p + 1) / 2 * x ** (p + 2)
    return torch.where(x < 1, u, torch.zeros_like(u))


def envelope_derivative(x: torch.Tensor, p: int = 6) -> torch.Tensor:
    du = (p + 1) * (p + 2) * p / 2 * (-(x ** (p - 1)) + 2 * x**p - x ** (p + 1))
    return torch.where(x < 1, du, torch.zeros_like(du))


class PowerSpectrum(nn.Module):
    """Descriptor module; `channel_of` maps Z -> neighbour channel (a buffer, baked into ONNX)."""

    def __init__(self, cutoff: float, n_radial: int, l_max: int, channel_elements: list[int] | None):
        super().__init__()
        self.cutoff, self.n_radial, self.l_max = cutoff, n_radial, l_max
        self.n_channels = len(channel_elements) if channel_elements else 1
        table = torch.zeros(MAX_Z + 1, dtype=torch.int64)
        for c, z in enumerate(channel_elements or []):
            table[z] = c
        self.register_buffer("channel_of", table)
        self.register_buffer("freq", torch.arange(1, n_radial + 1, dtype=torch.float32) * math.pi / cutoff)
        cn = self.n_channels * n_radial
        a, b = torch.triu_indices(cn, cn)
        self.register_buffer("pairs", a * cn + b)  # a <= b, flat index into the CN x CN matrix
        self.dim = cn + len(a) * (l_max + 1)

    @property
    def n_lm(self) -> int:
        return (self.l_max + 1) ** 2

    def edge_terms(self, edge_vec: torch.Tensor) -> torch.Tensor:
        """T_{n,lm}(r) = R_n(|r|) Y_lm(r/|r|) for edge vectors [..., 3] -> [..., n_radial * n_lm]."""
        r = torch.sqrt((edge_vec * edge_vec).sum(dim=-1))
        radial = torch.sin(r[..., None] * self.freq) / r[..., None] * envelope(r / self.cutoff)[..., None]
        ylm = real_spherical_harmonics(edge_vec / r[..., None], self.l_max)
        return (radial[..., :, None] * ylm[..., None, :]).flatten(-2)

    def edge_terms_jacobian(self, edge_vec: torch.Tensor) -> torch.Tensor:
        """dT/dr for edge vectors [E,3] -> [E, 3, n_radial * n_lm], analytically:
        dT/dr = R_n'(r) u Y_lm + R_n(r) (1 - u u^T) grad Y_lm / r, with u = r / |r|.
        """
        r = torch.sqrt((edge_vec * edge_vec).sum(dim=-1))
        u = edge_vec / r[:, None]
        kr = r[:, None] * self.freq
        x = r / self.cutoff
        env, denv = envelope(x)[:, None], envelope_derivative(x)[:, None] / self.cutoff
        bessel = torch.sin(kr) / r[:, None]
        dbessel = (self.freq * torch.cos(kr) - bessel) / r[:, None]
        radial = bessel * env  # [E, nr]
        dradial = dbessel * env + bessel * denv
        ylm, grad = real_spherical_harmonics(u, self.l_max, with_gradient=True)  # [E,nlm], [E,3,nlm]
        grad = (grad - u[:, :, None] * (u[:, :, None] * grad).sum(dim=1, keepdim=True)) / r[:, None, None]
        jac = (dradial[:, None, :, None] * u[:, :, None, None]) * ylm[:, None, None, :]
        jac = jac + radial[:, None, :, None] * grad[:, :, None, :]
        return jac.flatten(-2)

    def slots(self, species: torch.Tensor, edge_index: torch.Tensor) -> torch.Tensor:
        """Row of each edge's contribution in the density: centre i times channels + channel."""
        return edge_index[0] * self.n_channels + self.channel_of[species[edge_index[1]]]

    def density(self, species, edge_index, terms: torch.Tensor) -> torch.Tensor:
        """Neighbour density A [B, N, channels * n_radial, n_lm] from edge terms [B, E, n_radial*n_lm]."""
        nb, n_atoms = terms.shape[0], species.shape[0]
        slot = self.slots(species, edge_index)
        dens = torch.zeros(nb, n_atoms * self.n_channels, terms.shape[2], dtype=terms.dtype, device=terms.device)
        dens = dens.index_add(1, slot, terms)
        return dens.reshape(nb, n_atoms, self.n_channels * self.n_radial, self.n_lm)

    def spectrum(self, dens: torch.Tensor) -> torch.Tensor:
        """Descriptors [B, N, D] from the density A [B, N, CN, n_lm]."""
        parts = [dens[..., 0]]  # two-body: A_{a,00}
        for l in range(self.l_max + 1):
            block = dens[..., l * l : (l + 1) * (l + 1)]  # [B,N,CN,2l+1]
            gram = torch.matmul(block, block.transpose(-1, -2)).flatten(-2)  # [B,N,CN*CN]
            parts.append(torch.index_select(gram, -1, self.pairs))
        return torch.cat(parts, dim=-1)

    def spectrum_vjp(self, dens: torch.Tensor, grad_desc: torch.Tensor) -> torch.Tensor:
        """dE/dA [M,N,CN,n_lm] from dE/dB [M,N,D] and A [1 or M,N,CN,n_lm]; linear in grad_desc.

        For p_ab = Σ_m A_am A_bm (a <= b): Σ_ab G_ab dp_ab/dA_cm = Σ_b (G + G^T)_cb A_bm.
        """
        cn = self.n_channels * self.n_radial
        m, n = grad_desc.shape[0], grad_desc.shape[1]
        n_pairs = self.pairs.shape[0]
        blocks = []
        for l in range(self.l_max + 1):
            g = grad_desc[..., cn + l * n_pairs : cn + (l + 1) * n_pairs]
            full = torch.zeros(m, n, cn * cn, dtype=g.dtype, device=g.device).index_add(2, self.pairs, g).reshape(m, n, cn, cn)
            blocks.append(torch.matmul(full + full.transpose(-1, -2), dens[..., l * l : (l + 1) * (l + 1)]))
        out = torch.cat(blocks, dim=-1)
        two_body = torch.nn.functional.pad(grad_desc[..., :cn, None], (0, self.n_lm - 1))
        return out + two_body

    def forward(self, species: torch.Tensor, edge_index: torch.Tensor, edge_vec: torch.Tensor) -> torch.Tensor:
        """species [N], edge_index [2,E], edge_vec [B,E,3] -> descriptors [B,N,D]."""
        return self.spectrum(self.density(species, edge_index, self.edge_terms(edge_vec)))
