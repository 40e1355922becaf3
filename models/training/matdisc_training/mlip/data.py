"""Training graphs: frames with their neighbour lists, batching, and per-element references."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from ..extxyz import Frame, read_extxyz
from .neighbors import neighbor_list


@dataclass(frozen=True)
class Graph:
    """One frame as the model sees it (edge vectors in float32, labels in float64)."""

    numbers: np.ndarray  # int64[N]
    edge_index: np.ndarray  # int64[2,E]
    edge_vec: np.ndarray  # float32[E,3]
    energy: float  # eV
    forces: np.ndarray  # float64[N,3]
    stress: np.ndarray | None  # float64[3,3] eV/Å³ ASE sign, or None
    volume: float  # Å³
    dataset: str  # file stem, e.g. "Si_training"
    source: str  # "<file>:<index>"
    # the energy label is the base model's own (relaxed_rows.py): its Δ residual is 0 by definition
    energy_is_base: bool = False

    @property
    def n_atoms(self) -> int:
        return len(self.numbers)


def to_graph(frame: Frame, cutoff: float, dataset: str) -> Graph:
    if frame.energy is None or frame.forces is None:
        raise ValueError(f"{frame.source}: frame has no energy or forces")
    ei, ev = neighbor_list(frame.positions, frame.cell, frame.pbc, cutoff)
    return Graph(
        numbers=frame.numbers,
        edge_index=ei,
        edge_vec=ev.astype(np.float32),
        energy=float(frame.energy),
        forces=frame.forces,
        stress=frame.stress,
        volume=float(abs(np.linalg.det(frame.cell))),
        dataset=dataset,
        source=frame.source,
        energy_is_base=frame.info.get("energy_label") == "base",
    )


def load_graphs(path: str | Path, cutoff: float) -> list[Graph]:
    path = Path(path)
    stem = path.name.split(".")[0]
    return [to_graph(f, cutoff, stem) for f in read_extxyz(path)]


def file_sha256(path: str | Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def holdout_split(graphs: list[Graph], fraction: float, seed: int) -> tuple[list[Graph], list[Graph]]:
    """Seeded split into (train, held-out); the held-out part is round(fraction * len) frames."""
    rng = np.random.default_rng(seed)
    order = rng.permutation(len(graphs))
    n_out = int(round(fraction * len(graphs)))
    out = set(order[:n_out].tolist())
    return [g for k, g in enumerate(graphs) if k not in out], [g for k, g in enumerate(graphs) if k in out]


def element_counts(graphs: list[Graph], elements: list[int]) -> np.ndarray:
    col = {z: k for k, z in enumerate(elements)}
    counts = np.zeros((len(graphs), len(elements)))
    for r, g in enumerate(graphs):
        for z in g.numbers:
            counts[r, col[int(z)]] += 1
    return counts


def fit_reference_energies(graphs: list[Graph], residual: np.ndarray | None = None) -> dict[int, float]:
    """Least squares E ≈ Σ_el n_el · ref_el over the frames (or over `residual` if given).

    Elements must not appear on two DFT scales in one fit: the fit has one value per element.
    Rank-deficient systems (a fixed composition ratio) get the minimum-norm solution.
    """
    elements = sorted({int(z) for g in graphs for z in g.numbers})
    a = element_counts(graphs, elements)
    y = np.array([g.energy for g in graphs]) if residual is None else residual
    ref, *_ = np.linalg.lstsq(a, y, rcond=None)
    return {z: float(r) for z, r in zip(elements, ref)}


@dataclass
class Batch:
    species: torch.Tensor  # int64[N]
    edge_index: torch.Tensor  # int64[2,E]
    edge_vec: torch.Tensor  # float32[E,3]
    batch: torch.Tensor  # int64[N]
    n_structures: int
    energy: torch.Tensor  # float64[S]
    forces: torch.Tensor  # float32[N,3]
    stress: torch.Tensor  # float32[S,3,3] (zeros where missing)
    has_stress: torch.Tensor  # bool[S]
    n_atoms: torch.Tensor  # float32[S]
    volume: torch.Tensor  # float32[S]
    frame_ids: torch.Tensor  # int64[S], index into the list the batch was drawn from

    def to(self, device: torch.device | str) -> "Batch":
        """The same batch with every tensor on `device` (a no-op on the CPU)."""
        device = torch.device(device)
        if device.type == "cpu":
            return self
        return Batch(**{k: v.to(device, non_blocking=True) if isinstance(v, torch.Tensor) else v
                        for k, v in self.__dict__.items()})


def collate(graphs: list[Graph], ids: list[int] | None = None) -> Batch:
    offsets = np.cumsum([0] + [g.n_atoms for g in graphs[:-1]])
    ei = np.concatenate([g.edge_index + o for g, o in zip(graphs, offsets)], axis=1)
    stress = np.stack([g.stress if g.stress is not None else np.zeros((3, 3)) for g in graphs])
    return Batch(
        species=torch.from_numpy(np.concatenate([g.numbers for g in graphs])),
        edge_index=torch.from_numpy(ei),
        edge_vec=torch.from_numpy(np.concatenate([g.edge_vec for g in graphs])),
        batch=torch.from_numpy(np.concatenate([np.full(g.n_atoms, k) for k, g in enumerate(graphs)])),
        n_structures=len(graphs),
        energy=torch.tensor([g.energy for g in graphs], dtype=torch.float64),
        forces=torch.from_numpy(np.concatenate([g.forces for g in graphs])).float(),
        stress=torch.from_numpy(stress).float(),
        has_stress=torch.tensor([g.stress is not None for g in graphs]),
        n_atoms=torch.tensor([g.n_atoms for g in graphs], dtype=torch.float32),
        volume=torch.tensor([g.volume for g in graphs], dtype=torch.float32),
        frame_ids=torch.tensor(ids if ids is not None else list(range(len(graphs)))),
    )


def pack_batches(graphs: list[Graph], order: np.ndarray, max_atoms: int) -> list[list[int]]:
    """Greedy packing of frames, in the given order, into batches of at most max_atoms atoms."""
    batches, current, n = [], [], 0
    for k in order.tolist():
        if current and n + graphs[k].n_atoms > max_atoms:
            batches.append(current)
            current, n = [], 0
        current.append(k)
        n += graphs[k].n_atoms
    if current:
        batches.append(current)
    return batches
