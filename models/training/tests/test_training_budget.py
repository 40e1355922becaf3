"""What the GPU runs rely on, checked on the CPU: the generator's device-side batches equal the
plain collate, and the MLIP trainer stops on its wall-clock budget with its schedule decayed."""

import numpy as np
import torch
from mlip_helpers import graph_of, random_frame, tiny_model

from matdisc_training.generator.data import Crystal, PaddedSet, collate
from matdisc_training.mlip.data import collate as mlip_collate
from matdisc_training.mlip.features import frame_features
from matdisc_training.mlip.train import TrainSettings, _schedule, fit_normalisation, train


def test_padded_set_batches_equal_collate():
    rng = np.random.default_rng(0)
    crystals = []
    for k in range(9):
        n = int(rng.integers(1, 7))
        lattice = np.eye(3) * (3 + k % 3) + rng.uniform(-0.3, 0.3, (3, 3))
        crystals.append(Crystal(f"c{k}", rng.integers(0, 100, n), rng.uniform(0, 1, (n, 3)), lattice))
    padded = PaddedSet(crystals, 2.7, 100, torch.device("cpu"))
    for idx in ([0], [3, 1, 8], list(range(9)), [5, 5, 2]):
        want = collate([crystals[i] for i in idx], 2.7, 100)
        got = padded.batch(idx)
        for key in want:
            assert torch.equal(want[key], got[key]), key


def test_schedule_follows_the_clock_when_it_runs_ahead_of_the_steps():
    s = TrainSettings(warmup_steps=0, lr_final_fraction=0.02)
    assert _schedule(10, 1000, s, 0.0) > 0.99
    assert abs(_schedule(10, 1000, s, 1.0) - 0.02) < 1e-12
    assert abs(_schedule(500, 1000, s, 0.1) - _schedule(500, 1000, s)) < 1e-12  # steps ahead: steps rule


def test_mlip_training_stops_on_its_budget():
    model = tiny_model(seed=2)
    graphs = [graph_of(random_frame(60 + k, n_atoms=4)) for k in range(4)]
    features = [frame_features(model.descriptor, g) for g in graphs]
    fit_normalisation(model, graphs, features)
    settings = TrainSettings(epochs=100000, warmup_steps=1, max_atoms_per_batch=8, seed=0)
    ema, summary = train(model, graphs, features, settings, log=lambda r: None, budget_s=0.5)
    assert summary["stopped_by_budget"] and 0 < summary["steps"] < 100000 * 2
    assert summary["wall_s"] >= 0.5 and summary["budget_s"] == 0.5
    b = mlip_collate(graphs)
    assert torch.isfinite(ema(b.species, b.edge_index, b.edge_vec[None].repeat(4, 1, 1), b.batch, 4)[0]).all()
