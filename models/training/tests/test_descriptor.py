import math

import numpy as np
import torch

from matdisc_training.mlip.descriptor import PowerSpectrum, real_spherical_harmonics


def test_spherical_harmonics_addition_theorem():
    g = torch.Generator().manual_seed(0)
    u = torch.nn.functional.normalize(torch.randn(50, 3, generator=g, dtype=torch.float64), dim=-1)
    v = torch.nn.functional.normalize(torch.randn(50, 3, generator=g, dtype=torch.float64), dim=-1)
    yu, yv = real_spherical_harmonics(u, 5), real_spherical_harmonics(v, 5)
    cos = (u * v).sum(-1).numpy()
    for l in range(6):
        s = (yu[:, l * l : (l + 1) ** 2] * yv[:, l * l : (l + 1) ** 2]).sum(-1).numpy()
        legendre = np.polynomial.legendre.legval(cos, [0] * l + [1])
        np.testing.assert_allclose(s, (2 * l + 1) / (4 * math.pi) * legendre, atol=1e-12)


def test_analytic_edge_jacobian_matches_autograd():
    ps = PowerSpectrum(5.0, 4, 3, [8, 22]).double()
    g = torch.Generator().manual_seed(1)
    vec = (torch.rand(20, 3, generator=g, dtype=torch.float64) - 0.5) * 8  # some beyond the cutoff
    jac = ps.edge_terms_jacobian(vec)
    leaf = vec.clone().requires_grad_(True)
    terms = ps.edge_terms(leaf)
    ref = torch.stack(
        [torch.autograd.grad(terms[:, k].sum(), leaf, retain_graph=True)[0] for k in range(terms.shape[1])], dim=-1
    )
    torch.testing.assert_close(jac, ref, atol=1e-12, rtol=1e-10)


def test_spectrum_vjp_matches_autograd():
    ps = PowerSpectrum(5.0, 3, 2, [8, 22]).double()
    g = torch.Generator().manual_seed(2)
    dens = torch.randn(1, 4, 6, 9, generator=g, dtype=torch.float64, requires_grad=True)
    cot = torch.randn(3, 4, ps.dim, generator=g, dtype=torch.float64)
    desc = ps.spectrum(dens.expand(3, -1, -1, -1))
    ref = torch.stack([torch.autograd.grad((desc[m] * cot[m]).sum(), dens, retain_graph=True)[0][0] for m in range(3)])
    torch.testing.assert_close(ps.spectrum_vjp(dens.detach(), cot), ref)
