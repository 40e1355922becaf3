"""Symmetries of the dense denoiser, the schedules, and the data reader (fast, PyTorch only)."""

import math

import numpy as np
import pytest
import torch

from matdisc_training.generator.cif import parse_cif
from matdisc_training.generator.data import canonical_crystal, lattice_from_parameters, reduce_cell
from matdisc_training.generator.export import INPUT_NAMES, random_inputs
from matdisc_training.generator.model import Denoiser, DenoiserConfig
from matdisc_training.generator.schedule import (
    Schedule,
    wrapped_normal_normaliser,
    wrapped_normal_score,
    wrapped_normal_score_np,
)

torch.set_num_threads(2)
ATOL = 2e-5


@pytest.fixture(scope="module")
def model():
    torch.manual_seed(3)
    m = Denoiser(DenoiserConfig(hidden=24, layers=2, num_freqs=4, time_dim=16)).double().eval()
    # LayerNorm-initialised weights make some outputs trivially symmetric; perturb everything
    with torch.no_grad():
        for p in m.parameters():
            p.add_(0.1 * torch.randn_like(p))
    return m


def _inputs(b=2, n=6, seed=0):
    x = random_inputs(b, n, 100, seed=seed, n_padded=0)
    x["mask"][1, n - 2 :] = 0.0  # structure 1 has two padding atoms
    for k in ("atom_types", "frac_coords"):
        x[k][1, n - 2 :] = 0.0
    return {k: v.double() for k, v in x.items()}


def _run(model, x):
    with torch.no_grad():
        return model(*(x[k] for k in INPUT_NAMES))


def test_permutation_of_atoms_permutes_outputs(model):
    x = _inputs()
    perm = torch.tensor([3, 0, 2, 1, 4, 5])  # keeps the padding of structure 1 at 4, 5
    y = dict(x)
    for k in ("atom_types", "frac_coords", "mask"):
        y[k] = x[k][:, perm]
    a, b = _run(model, x), _run(model, y)
    torch.testing.assert_close(b[0], a[0], atol=ATOL, rtol=0)
    torch.testing.assert_close(b[1], a[1][:, perm], atol=ATOL, rtol=0)
    torch.testing.assert_close(b[2], a[2][:, perm], atol=ATOL, rtol=0)


def test_translation_of_frac_coords_leaves_outputs_unchanged(model):
    x = _inputs()
    y = dict(x)
    shift = torch.tensor([[0.37, -0.81, 0.55], [0.2, 0.9, -0.4]], dtype=torch.float64)
    y["frac_coords"] = torch.remainder(x["frac_coords"] + shift[:, None, :], 1.0) * x["mask"].unsqueeze(-1)
    for a, b in zip(_run(model, x), _run(model, y)):
        torch.testing.assert_close(b, a, atol=ATOL, rtol=0)


def test_rotation_rotates_eps_lattice_only(model):
    x = _inputs()
    q, _ = torch.linalg.qr(torch.randn(3, 3, dtype=torch.float64, generator=torch.Generator().manual_seed(1)))
    y = dict(x)
    y["lattice"] = x["lattice"] @ q.T  # rows rotate: v -> Q v
    a, b = _run(model, x), _run(model, y)
    torch.testing.assert_close(b[0], a[0] @ q.T, atol=ATOL, rtol=0)
    torch.testing.assert_close(b[1], a[1], atol=ATOL, rtol=0)
    torch.testing.assert_close(b[2], a[2], atol=ATOL, rtol=0)


def test_padding_atoms_do_not_change_real_atoms(model):
    x = _inputs()
    # same structures, padded further with garbage values at mask 0
    y = {}
    n_extra = 3
    g = torch.Generator().manual_seed(9)
    for k in ("atom_types", "frac_coords"):
        extra = torch.randn(2, n_extra, x[k].shape[-1], generator=g, dtype=torch.float64)
        y[k] = torch.cat([x[k], extra], dim=1)
    y["mask"] = torch.cat([x["mask"], torch.zeros(2, n_extra, dtype=torch.float64)], dim=1)
    # garbage also in the existing padding slots of structure 1
    y["atom_types"][1, 4:6] = 5.0
    y["frac_coords"][1, 4:6] = 0.3
    y["lattice"], y["t"] = x["lattice"], x["t"]
    a, b = _run(model, x), _run(model, y)
    m = x["mask"].bool()
    torch.testing.assert_close(b[0], a[0], atol=ATOL, rtol=0)
    torch.testing.assert_close(b[1][:, :6][m], a[1][m], atol=ATOL, rtol=0)
    torch.testing.assert_close(b[2][:, :6][m], a[2][m], atol=ATOL, rtol=0)
    assert torch.all(b[1][~y["mask"].bool()] == 0) and torch.all(b[2][~y["mask"].bool()] == 0)


def test_ddpm_outputs_tend_to_the_noisy_input_at_t_1(model):
    # the preconditioning makes eps exact where the reverse step amplifies its error 100x
    x = _inputs()
    x["t"] = torch.ones(2, dtype=torch.float64)
    eps_l, _, eps_a = _run(model, x)
    torch.testing.assert_close(eps_l, x["lattice"], atol=1e-6, rtol=0)
    torch.testing.assert_close(eps_a, x["atom_types"] * x["mask"].unsqueeze(-1), atol=1e-6, rtol=0)


def test_structures_in_a_batch_are_independent(model):
    x = _inputs()
    full = _run(model, x)
    one = _run(model, {k: v[1:2] for k, v in x.items()})
    for a, b in zip(full, one):
        torch.testing.assert_close(b[0], a[1], atol=ATOL, rtol=0)


def test_wrapped_normal_score_is_gradient_of_log_density():
    sigma = 0.3
    x = np.linspace(-0.7, 0.9, 23)
    k = np.arange(-10, 11)
    logp = lambda v: np.log(np.exp(-((v[:, None] + k) ** 2) / (2 * sigma**2)).sum(-1))
    h = 1e-5
    fd = (logp(x + h) - logp(x - h)) / (2 * h)
    np.testing.assert_allclose(wrapped_normal_score_np(x, np.full_like(x, sigma)), fd, rtol=1e-6, atol=1e-6)
    t = wrapped_normal_score(torch.tensor(x), torch.tensor(sigma, dtype=torch.float64))
    np.testing.assert_allclose(t.numpy(), fd, rtol=1e-6, atol=1e-6)


def test_normaliser_limits_and_monte_carlo():
    assert wrapped_normal_normaliser(0.005) == pytest.approx(1 / 0.005**2, rel=1e-6)  # unwrapped limit
    rng = np.random.default_rng(0)
    sigma = 0.5
    x = np.mod(sigma * rng.standard_normal(400_000), 1.0)
    mc = np.mean(wrapped_normal_score_np(x, np.full_like(x, sigma)) ** 2)
    assert wrapped_normal_normaliser(sigma) == pytest.approx(mc, rel=0.02)


def test_schedule_arrays():
    s = Schedule(num_steps=1000)
    assert len(s.betas) == len(s.sigmas) == len(s.normalisers) == 1001
    assert s.betas[0] == 0 and s.alpha_bars[0] == 1 and s.sigmas[0] == 0 and s.normalisers[0] == 1
    assert s.sigmas[1] == pytest.approx(0.005) and s.sigmas[-1] == pytest.approx(0.5)
    assert s.alpha_bars[-1] < 1e-3 and np.all(np.diff(s.alpha_bars) < 0)
    np.testing.assert_allclose(s.alpha_bars, np.cumprod(1 - s.betas))


CIF = """# generated using pymatgen
data_TmMgHg2
_symmetry_space_group_name_H-M   'P 1'
_cell_length_a   5.04880040
_cell_length_b   5.04880040
_cell_length_c   5.04880040
_cell_angle_alpha   60.00000000
_cell_angle_beta   60.00000000
_cell_angle_gamma   60.00000000
_symmetry_Int_Tables_number   1
loop_
 _symmetry_equiv_pos_site_id
 _symmetry_equiv_pos_as_xyz
  1  'x, y, z'
loop_
 _atom_site_type_symbol
 _atom_site_label
 _atom_site_symmetry_multiplicity
 _atom_site_fract_x
 _atom_site_fract_y
 _atom_site_fract_z
 _atom_site_occupancy
  Tm  Tm0  1  0.00000000  0.00000000  0.00000000  1
  Mg  Mg1  1  0.50000000  0.50000000  0.50000000  1
  Hg  Hg2  1  0.25000000  0.25000000  0.25000000  1
  Hg  Hg3  1  0.75000000  0.75000000  1.00000000  1
"""


def test_cif_reader_and_canonical_cell():
    c = parse_cif(CIF)
    assert c.symbols == ("Tm", "Mg", "Hg", "Hg")
    assert c.lengths == pytest.approx((5.0488004,) * 3) and c.angles == pytest.approx((60.0,) * 3)
    assert c.frac_coords[3, 2] == 0.0  # wrapped into [0, 1)
    cr = canonical_crystal("mp-x", CIF)
    assert abs(np.linalg.det(cr.lattice)) == pytest.approx(91.00172128, rel=1e-6)
    assert list(cr.types) == [68, 11, 79, 79]


def test_reduce_cell_keeps_the_crystal():
    L = lattice_from_parameters(3.0, 4.0, 5.0, 80.0, 95.0, 105.0)
    upper = np.array([[1, 2, 3], [0, 1, -2], [0, 0, 1]])
    lower = np.array([[1, 0, 0], [1, 1, 0], [-1, 2, 1]])
    M = lower @ upper  # unimodular: a skewed basis of the same lattice
    assert round(np.linalg.det(M)) == 1
    f = np.random.default_rng(0).random((5, 3))
    Ls, fs = M @ L, np.mod(f @ np.linalg.inv(M), 1.0)
    Lr, fr = reduce_cell(Ls, fs)
    assert np.linalg.det(Lr) > 0 and abs(np.linalg.det(Lr)) == pytest.approx(abs(np.linalg.det(L)))
    assert sorted(np.linalg.norm(Lr, axis=1)) == pytest.approx(sorted(np.linalg.norm(L, axis=1)), rel=1e-9)
    # same Cartesian positions modulo the lattice
    d = (fr @ Lr) - (f @ L)
    frac_d = d @ np.linalg.inv(L)
    np.testing.assert_allclose(frac_d - np.round(frac_d), 0, atol=1e-9)
