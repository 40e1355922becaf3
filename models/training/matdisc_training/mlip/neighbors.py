"""Full periodic neighbour list, in the form the ONNX potential contract takes.

For each ordered pair (i, j, image) with 0 < |r_ij| < cutoff, where
r_ij = x_j - x_i + shift and shift = n @ cell for integer n, one edge is listed: both i->j and
j->i appear, and an atom's own periodic images are neighbours too. Brute force over the images
that can reach the cutoff; fine for the ~100-atom cells used in training.
"""

from __future__ import annotations

import numpy as np


def image_range(cell: np.ndarray, pbc: tuple[bool, bool, bool], cutoff: float) -> np.ndarray:
    """Number of images needed along each lattice vector, for fractional coordinates in [0, 1)."""
    volume = abs(np.linalg.det(cell))
    reps = []
    for k in range(3):
        if not pbc[k]:
            reps.append(0)
            continue
        cross = np.cross(cell[(k + 1) % 3], cell[(k + 2) % 3])
        spacing = volume / np.linalg.norm(cross)  # distance between lattice planes
        reps.append(int(np.ceil(cutoff / spacing)) + 1)
    return np.array(reps)


def neighbor_list(
    positions: np.ndarray,
    cell: np.ndarray,
    pbc: tuple[bool, bool, bool],
    cutoff: float,
) -> tuple[np.ndarray, np.ndarray]:
    """Return (edge_index int64[2,E], edge_vec float64[E,3]); row 0 = centre i, row 1 = neighbour j."""
    positions = np.asarray(positions, dtype=np.float64)
    cell = np.asarray(cell, dtype=np.float64)
    frac = np.linalg.solve(cell.T, positions.T).T
    wrap = np.where(np.array(pbc), np.floor(frac), 0.0)
    frac = frac - wrap  # in [0,1) along periodic axes
    wrapped = frac @ cell
    offset = wrap @ cell  # positions = wrapped + offset
    reps = image_range(cell, pbc, cutoff)
    grids = np.meshgrid(*[np.arange(-r, r + 1) for r in reps], indexing="ij")
    images = np.stack([g.ravel() for g in grids], axis=1).astype(np.float64)  # [K,3]
    shifts = images @ cell  # [K,3]
    n = len(positions)
    centre, neighbour, vectors = [], [], []
    chunk = max(1, 2_000_000 // max(1, n * n))
    for start in range(0, len(shifts), chunk):
        s = shifts[start : start + chunk]
        # d[k, i, j] = wrapped_j + s_k - wrapped_i
        d = wrapped[None, None, :, :] + s[:, None, None, :] - wrapped[None, :, None, :]
        dist2 = np.einsum("kijx,kijx->kij", d, d)
        mask = (dist2 < cutoff * cutoff) & (dist2 > 1e-12)
        k, i, j = np.nonzero(mask)
        centre.append(i)
        neighbour.append(j)
        # back to the unwrapped positions: r_ij = x_j - x_i + shift', same geometry
        vectors.append(d[k, i, j])
    i = np.concatenate(centre)
    j = np.concatenate(neighbour)
    vec = np.concatenate(vectors)
    order = np.lexsort((j, i))
    del offset  # edge vectors are geometric; the shift that realises them is not needed
    return np.stack([i[order], j[order]]).astype(np.int64), vec[order]
