"""Physics invariants of the PyTorch committee (T5): symmetries, extensivity, F = -dE/dx, stress."""

import numpy as np
import torch
from mlip_helpers import mlip_model  # noqa: F401 (pytest fixture)
from mlip_helpers import graph_of, random_frame, tiny_model

from matdisc_training.extxyz import Frame
from matdisc_training.mlip.data import collate
from matdisc_training.mlip.export import potential_fn
from matdisc_training.mlip.train import predict


def energies(model, frames):
    """Committee energies [M,S] (eV, references included) through the exported function."""
    b = collate([graph_of(f) for f in frames])
    energy, _, _ = potential_fn(model)(b.species, b.edge_index, b.edge_vec, b.batch, torch.tensor(b.n_structures))
    return energy.detach().double().numpy()


def _with(frame: Frame, **changes) -> Frame:
    fields = {k: getattr(frame, k) for k in ("numbers", "positions", "cell", "pbc", "energy", "forces", "stress")}
    return Frame(**{**fields, **changes})


def test_rotation_translation_permutation_invariance(mlip_model):
    model = mlip_model
    f = random_frame(3)
    rng = np.random.default_rng(0)
    q, _ = np.linalg.qr(rng.normal(size=(3, 3)))
    rotated = _with(f, positions=f.positions @ q.T, cell=f.cell @ q.T)
    translated = _with(f, positions=f.positions + np.array([0.37, -1.2, 5.1]))
    perm = rng.permutation(f.n_atoms)
    permuted = _with(f, numbers=f.numbers[perm], positions=f.positions[perm])
    e = energies(model, [f, rotated, translated, permuted])
    for k in (1, 2, 3):
        np.testing.assert_allclose(e[:, k], e[:, 0], rtol=2e-6)


def test_members_differ_and_species_matter(mlip_model):
    model = mlip_model
    f = random_frame(4)
    swapped = _with(f, numbers=np.where(f.numbers == 8, 22, 8))
    e = energies(model, [f, swapped])
    assert np.ptp(e[:, 0]) > 1e-4  # members are different functions
    assert np.all(np.abs(e[:, 0] - e[:, 1]) > 1e-3)


def test_energy_is_extensive_over_supercells(mlip_model):
    model = mlip_model
    f = random_frame(5)
    doubled = _with(
        f,
        numbers=np.concatenate([f.numbers, f.numbers]),
        positions=np.concatenate([f.positions, f.positions + f.cell[0]]),
        cell=f.cell * np.array([[2.0], [1.0], [1.0]]),
    )
    e = energies(model, [f, doubled])
    np.testing.assert_allclose(e[:, 1], 2 * e[:, 0], rtol=2e-6)


def network_energies(model, frames):
    """Committee energies [M,S] without the reference energies (small numbers: float32 FD is fine)."""
    energy, _, _ = predict(model, collate([graph_of(f) for f in frames]), create_graph=False)
    return energy.detach().double().numpy()


def test_forces_are_minus_energy_gradient():
    model = tiny_model(seed=7)
    f = random_frame(6, n_atoms=4)
    _, forces, _ = predict(model, collate([graph_of(f)]), create_graph=False)
    h = 2e-3
    for atom, axis in [(0, 0), (1, 2), (3, 1)]:
        plus, minus = f.positions.copy(), f.positions.copy()
        plus[atom, axis] += h
        minus[atom, axis] -= h
        e = network_energies(model, [_with(f, positions=plus), _with(f, positions=minus)])
        fd = -(e[:, 0] - e[:, 1]) / (2 * h)
        np.testing.assert_allclose(forces[:, atom, axis].numpy(), fd, atol=2e-4, rtol=1e-3)


def test_stress_is_strain_derivative():
    model = tiny_model(seed=8)
    f = random_frame(9, n_atoms=4)
    b = collate([graph_of(f)])
    _, _, stress = predict(model, b, create_graph=False)
    volume = abs(np.linalg.det(f.cell))
    h = 1e-3
    for a, c in [(0, 0), (1, 2)]:
        eps = np.zeros((3, 3))
        eps[a, c] = eps[c, a] = h / 2 if a != c else h
        strained = [_with(f, positions=f.positions @ (np.eye(3) + s * eps).T, cell=f.cell @ (np.eye(3) + s * eps).T)
                    for s in (1, -1)]
        e = network_energies(model, strained)
        deriv = (e[:, 0] - e[:, 1]) / (2 * h) / volume
        np.testing.assert_allclose(stress[:, 0, a, c].numpy(), deriv, atol=2e-4, rtol=2e-2)


def test_training_path_matches_exported_function(mlip_model):
    model = mlip_model
    frames = [random_frame(10), random_frame(11, n_atoms=5)]
    b = collate([graph_of(f) for f in frames])
    energy, forces, _ = predict(model, b, create_graph=False, with_reference=True)
    e_ref, grad, _ = potential_fn(model)(b.species, b.edge_index, b.edge_vec, b.batch, torch.tensor(b.n_structures))
    i, j = b.edge_index
    f_ref = torch.zeros_like(forces).index_add(1, i, grad).index_add(1, j, -grad)
    torch.testing.assert_close(energy, e_ref.detach(), rtol=1e-6, atol=1e-4)
    torch.testing.assert_close(forces, f_ref.detach(), rtol=1e-5, atol=1e-5)
