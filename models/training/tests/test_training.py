"""Reference-energy fit, bootstrap weights, and that training lowers the loss."""

import numpy as np
import torch
from mlip_helpers import graph_of, random_frame, tiny_model

from matdisc_training.extxyz import Frame
from matdisc_training.mlip.data import Graph, collate, fit_reference_energies
from matdisc_training.mlip.features import frame_features
from matdisc_training.mlip.train import TrainSettings, bootstrap_weights, fit_normalisation, predict, train


def _labelled(graph: Graph, energy: float, forces: np.ndarray) -> Graph:
    return Graph(**{**graph.__dict__, "energy": energy, "forces": forces})


def test_reference_fit_recovers_per_element_energies():
    graphs = []
    for seed, (n_o, n_ti) in enumerate([(2, 1), (4, 2), (3, 2), (5, 1)]):
        numbers = np.array([8] * n_o + [22] * n_ti)
        frame = Frame(numbers=numbers, positions=np.zeros((len(numbers), 3)), cell=np.eye(3) * 9, pbc=(True,) * 3,
                      energy=-432.1 * n_o - 1602.5 * n_ti, forces=np.zeros((len(numbers), 3)), stress=None)
        graphs.append(Graph(numbers=numbers, edge_index=np.zeros((2, 0), dtype=np.int64),
                            edge_vec=np.zeros((0, 3), dtype=np.float32), energy=frame.energy,
                            forces=frame.forces, stress=None, volume=729.0, dataset="x", source=str(seed)))
    refs = fit_reference_energies(graphs)
    assert abs(refs[8] + 432.1) < 1e-8 and abs(refs[22] + 1602.5) < 1e-8


def test_bootstrap_weights_are_resamples_that_differ_per_member():
    w = bootstrap_weights(50, 4, seed=3)
    assert w.shape == (4, 50) and torch.all(w.sum(1) == 50)
    assert not torch.equal(w[0], w[1])
    assert torch.equal(w, bootstrap_weights(50, 4, seed=3))
    assert torch.all(bootstrap_weights(5, 4, seed=0, enabled=False) == 1)


def test_training_fits_a_teacher_committee():
    teacher, student = tiny_model(seed=1), tiny_model(seed=2)
    teacher.energy_scale.fill_(20.0)  # forces of order 1 eV/Å
    graphs = []
    for k in range(6):
        g = graph_of(random_frame(40 + k, n_atoms=4))
        energy, forces, _ = predict(teacher, collate([g]), create_graph=False, with_reference=True)
        graphs.append(_labelled(g, float(energy[0, 0].detach()), forces[0].detach().numpy().astype(np.float64)))
    for z, ref in fit_reference_energies(graphs).items():  # as the pipeline does before training
        student.reference_energy[z] = ref
    features = [frame_features(student.descriptor, g) for g in graphs]
    fit_normalisation(student, graphs, features)
    before = _force_rmse(student, graphs)
    settings = TrainSettings(epochs=30, lr=3e-3, warmup_steps=2, max_atoms_per_batch=8, ema_decay=0.9, seed=0)
    ema, summary = train(student, graphs, features, settings, log=lambda r: None)
    assert summary["steps"] == 30 * 3
    assert _force_rmse(ema, graphs) < 0.9 * before
    first, last = summary["history"][0], summary["history"][-1]
    assert last["train_rmse_e_mev_per_atom"] < 0.5 * first["train_rmse_e_mev_per_atom"]


def _force_rmse(model, graphs) -> float:
    b = collate(graphs)
    _, forces, _ = predict(model, b, create_graph=False)
    return float(torch.sqrt(((forces.mean(0) - b.forces) ** 2).mean()))
