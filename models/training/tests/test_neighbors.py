import numpy as np

from matdisc_training.mlip.neighbors import neighbor_list


def test_fcc_shells_and_self_images():
    a = 3.6
    cell = np.array([[0, a / 2, a / 2], [a / 2, 0, a / 2], [a / 2, a / 2, 0]])
    edge_index, vec = neighbor_list(np.zeros((1, 3)), cell, (True, True, True), 5.0)
    d = np.round(np.linalg.norm(vec, axis=1), 3)
    shells, counts = np.unique(d, return_counts=True)
    assert counts.tolist() == [12, 6, 24] and np.allclose(shells, [2.546, 3.6, 4.409])
    assert (edge_index == 0).all()  # all neighbours are periodic self-images


def test_full_list_is_symmetric():
    rng = np.random.default_rng(0)
    cell = 4.0 * np.eye(3) + rng.uniform(-0.3, 0.3, (3, 3))
    pos = rng.uniform(0, 1, (5, 3)) @ cell + 7.0  # outside the cell on purpose
    edge_index, vec = neighbor_list(pos, cell, (True, True, True), 4.5)
    forward = {(i, j, *np.round(v, 6)) for (i, j), v in zip(edge_index.T.tolist(), vec)}
    backward = {(j, i, *np.round(-v, 6)) for (i, j), v in zip(edge_index.T.tolist(), vec)}
    assert forward == backward
    # every edge vector is x_j - x_i + (integer lattice vector)
    frac = np.linalg.solve(cell.T, (vec - (pos[edge_index[1]] - pos[edge_index[0]])).T).T
    np.testing.assert_allclose(frac, np.round(frac), atol=1e-9)
