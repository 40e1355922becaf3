"""MP-20 rows -> canonical crystals (reduced, standard-oriented cells) -> padded batches.

The training set is `pilot_first1000/train.csv.gz` + `biternary/val.csv.gz`, minus every
material_id that also appears in an evaluation set (`biternary/test.csv.gz`,
`pilot_first1000/test.csv.gz`), deduplicated by material_id. `extra` adds the rows of other
datasets beside MP-20 (`EXTRA_SOURCES`: MPTS-52 val/test without MP-20's test materials, Perov-5,
Carbon-24), checked again against MP-20's test ids, and cut to the model's `max_atoms`. Rows of the
binary systems that the rediscovery bench and `matdisc demo` hold out (`HELD_OUT_SYSTEMS`) are
never used, from any file, so those stay honest after a retraining.

Cells are reduced (pairwise Gauss/Lagrange reduction until no vector shortens, then signs chosen so
the cell is right-handed with all angles acute or all obtuse, as Niggli types I/II) and rebuilt
from their parameters in pymatgen's `Lattice.from_parameters` orientation, as CDVAE/DiffCSP do
(they use pymatgen's exact Niggli reduction; this greedy reduction is close but not identical).
"""

from __future__ import annotations

import csv
import gzip
import math
import os
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from .cif import CifParseError, parse_cif
from .vocab import ELEMENTS, chemical_system, type_index

# MATDISC_MP20_ROOT points elsewhere (a copy of the csv.gz files, e.g. on a GPU machine).
DATA_ROOT = Path(os.environ.get("MATDISC_MP20_ROOT", "/work/shared/data/mp_20"))
TRAIN_FILES = ("pilot_first1000/train.csv.gz", "biternary/val.csv.gz")
EXCLUDE_FILES = ("biternary/test.csv.gz", "pilot_first1000/test.csv.gz")
# Other datasets of ../shared/data (paths relative to it), by the name `--extra-data` takes.
EXTRA_SOURCES = {
    "mpts52": ("mpts_52/val_without_mp20_test.csv.gz", "mpts_52/test_without_mp20_test.csv.gz"),
    "perov5": ("perov_5/val.csv", "perov_5/test.csv"),
    "carbon24": ("carbon_24/val.csv", "carbon_24/test.csv"),
}
# Binary systems whose known phases bench/rediscovery.ts and `matdisc demo` (Li-F) look for.
HELD_OUT_SYSTEMS = frozenset({"F-Li", "Al-As", "Li-Se", "Te-Zn", "F-Rb", "Ca-In"})
MAX_ATOMS = 20


@dataclass(frozen=True)
class Crystal:
    material_id: str
    types: np.ndarray  # int64 [n], type index = Z - 1
    frac: np.ndarray  # float64 [n, 3] in [0, 1)
    lattice: np.ndarray  # float64 [3, 3], rows are vectors, Å

    @property
    def n(self) -> int:
        return len(self.types)


def read_rows(path: Path):
    csv.field_size_limit(1 << 30)
    with (gzip.open(path, "rt", newline="") if path.suffix == ".gz" else open(path, newline="")) as f:
        yield from csv.DictReader(f)


def lattice_from_parameters(a, b, c, alpha, beta, gamma) -> np.ndarray:
    """pymatgen's Lattice.from_parameters (vesta=False): c along z, a in the xz plane. Å, degrees."""
    al, be, ga = (math.radians(x) for x in (alpha, beta, gamma))
    val = (math.cos(al) * math.cos(be) - math.cos(ga)) / (math.sin(al) * math.sin(be))
    gamma_star = math.acos(max(-1.0, min(1.0, val)))
    va = [a * math.sin(be), 0.0, a * math.cos(be)]
    vb = [-b * math.sin(al) * math.cos(gamma_star), b * math.sin(al) * math.sin(gamma_star), b * math.cos(al)]
    vc = [0.0, 0.0, float(c)]
    return np.array([va, vb, vc], dtype=np.float64)


def parameters(lattice: np.ndarray) -> tuple[float, ...]:
    a, b, c = (float(np.linalg.norm(v)) for v in lattice)
    ang = lambda u, v: math.degrees(math.acos(max(-1.0, min(1.0, float(u @ v) / (np.linalg.norm(u) * np.linalg.norm(v))))))
    return a, b, c, ang(lattice[1], lattice[2]), ang(lattice[0], lattice[2]), ang(lattice[0], lattice[1])


def reduce_cell(lattice: np.ndarray, frac: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Greedy pairwise reduction. Returns (L', f') with L' = M L (M unimodular) and f' = f M^-1."""
    L = lattice.copy()
    M = np.eye(3, dtype=np.int64)
    for _ in range(200):
        changed = False
        order = np.argsort(np.einsum("ij,ij->i", L, L), kind="stable")
        L, M = L[order], M[order]
        for i in range(3):
            for j in range(3):
                if i == j:
                    continue
                r = round(float(L[i] @ L[j]) / float(L[j] @ L[j]))
                if r != 0 and np.linalg.norm(L[i] - r * L[j]) < np.linalg.norm(L[i]) - 1e-9:
                    L[i] = L[i] - r * L[j]
                    M[i] = M[i] - r * M[j]
                    changed = True
        if not changed:
            break
    signs = np.ones(3)
    p_ab, p_ac, p_bc = L[0] @ L[1], L[0] @ L[2], L[1] @ L[2]
    want_positive = p_ab * p_ac * p_bc > 0
    best = None
    for s in ([1, 1, 1], [-1, -1, 1], [-1, 1, -1], [1, -1, -1], [-1, -1, -1], [1, 1, -1], [1, -1, 1], [-1, 1, 1]):
        s = np.array(s, dtype=float)
        q = np.array([s[0] * s[1] * p_ab, s[0] * s[2] * p_ac, s[1] * s[2] * p_bc])
        ok = (q >= -1e-9).all() if want_positive else (q <= 1e-9).all()
        if ok and np.linalg.det(s[:, None] * L) > 0:
            best = s
            break
    if best is not None:
        signs = best
    elif np.linalg.det(L) < 0:
        signs = -signs
    L = signs[:, None] * L
    M = (signs[:, None] * M).round().astype(np.int64)
    f = np.mod(frac @ np.linalg.inv(M), 1.0)
    f[f >= 1.0] = 0.0
    return L, f


def canonical_crystal(material_id: str, cif_text: str) -> Crystal:
    cif = parse_cif(cif_text)
    lat = lattice_from_parameters(*cif.lengths, *cif.angles)
    lat, frac = reduce_cell(lat, cif.frac_coords)
    lat = lattice_from_parameters(*parameters(lat))
    types = np.array([type_index(s) for s in cif.symbols], dtype=np.int64)
    return Crystal(material_id, types, frac, lat)


@dataclass
class TrainingSet:
    crystals: list[Crystal]
    report: dict  # rows read, exclusions, parse failures


def load_training_set(
    root: Path = DATA_ROOT, extra: tuple[str, ...] = (), max_atoms: int = MAX_ATOMS
) -> TrainingSet:
    """MP-20's training rows, plus the `extra` sources' rows (files under `root`'s parent)."""
    unknown = [e for e in extra if e not in EXTRA_SOURCES]
    if unknown:
        raise ValueError(f"--extra-data: unknown source(s) {unknown}; expected some of {sorted(EXTRA_SOURCES)}")
    excluded_ids: set[str] = set()
    for name in EXCLUDE_FILES:
        excluded_ids.update(r["material_id"] for r in read_rows(root / name))
    crystals: list[Crystal] = []
    seen: set[str] = set()
    report = {
        "files": {},
        "excluded_ids_in_eval_sets": len(excluded_ids),
        "duplicates": 0,
        "excluded": 0,
        "held_out_systems": sorted(HELD_OUT_SYSTEMS),
        "held_out": 0,
        "too_many_atoms": 0,
        "parse_failures": [],
    }
    files = [(name, root / name) for name in TRAIN_FILES]
    files += [(name, root.parent / name) for source in extra for name in EXTRA_SOURCES[source]]
    for name, path in files:
        n_rows = n_kept = 0
        for row in read_rows(path):
            n_rows += 1
            # Perov-5 and Carbon-24 ids are not Materials Project ids: keep them apart.
            mid = row["material_id"] if name in TRAIN_FILES or name.startswith("mpts_52/") else f"{name.split('/')[0]}:{row['material_id']}"
            if mid in excluded_ids:
                report["excluded"] += 1
                continue
            if mid in seen:
                report["duplicates"] += 1
                continue
            seen.add(mid)
            try:
                crystal = canonical_crystal(mid, row["cif"])
            except (CifParseError, KeyError, ValueError) as err:
                report["parse_failures"].append({"material_id": mid, "error": str(err)})
                continue
            if crystal.n > max_atoms:
                report["too_many_atoms"] += 1
                continue
            if chemical_system(ELEMENTS[t] for t in crystal.types) in HELD_OUT_SYSTEMS:
                report["held_out"] += 1
                continue
            crystals.append(crystal)
            n_kept += 1
        report["files"][name] = {"rows": n_rows, "kept": n_kept}
    report["rows_used"] = len(crystals)
    return TrainingSet(crystals, report)


def lattice_scale_a(crystals: list[Crystal]) -> float:
    """Mean of (V / n)^(1/3) over the set, Å: the model lattice is L / (scale * n^(1/3))."""
    return float(np.mean([abs(np.linalg.det(c.lattice)) ** (1 / 3) / c.n ** (1 / 3) for c in crystals]))


def natoms_distribution(crystals: list[Crystal]) -> dict:
    overall = Counter(c.n for c in crystals)
    by_sys: dict[str, Counter] = defaultdict(Counter)
    for c in crystals:
        by_sys[chemical_system(ELEMENTS[i] for i in c.types)][c.n] += 1
    as_dict = lambda cnt: {str(k): int(v) for k, v in sorted(cnt.items())}
    return {
        "overall": as_dict(overall),
        "by_chemical_system": {k: as_dict(v) for k, v in sorted(by_sys.items())},
    }


class PaddedSet:
    """Every crystal of a list padded once to the largest cell and kept on one device, so a batch
    is an index_select instead of a Python loop (what keeps a GPU busy). `batch(idx)` returns the
    same tensors, bit for bit, as `collate([crystals[i] for i in idx], ...)`."""

    def __init__(self, crystals: list[Crystal], lattice_scale: float, n_types: int, device: torch.device):
        n_max = max(c.n for c in crystals)
        k = len(crystals)
        types = torch.zeros(k, n_max, dtype=torch.int64)
        frac = torch.zeros(k, n_max, 3)
        lattice = torch.zeros(k, 3, 3)
        natoms = torch.zeros(k, dtype=torch.int64)
        for i, c in enumerate(crystals):
            types[i, : c.n] = torch.as_tensor(c.types)
            frac[i, : c.n] = torch.as_tensor(c.frac, dtype=torch.float32)
            lattice[i] = torch.as_tensor(c.lattice / (lattice_scale * c.n ** (1 / 3)), dtype=torch.float32)
            natoms[i] = c.n
        self.n_types = n_types
        self.natoms_host = natoms.numpy()
        self.types, self.frac, self.lattice, self.natoms = (t.to(device) for t in (types, frac, lattice, natoms))
        self.device = device

    def batch(self, idx) -> dict[str, torch.Tensor]:
        n = int(self.natoms_host[idx].max())
        ix = torch.as_tensor(np.asarray(idx, dtype=np.int64)).to(self.device, non_blocking=True)
        mask = (torch.arange(n, device=self.device)[None, :] < self.natoms[ix][:, None]).float()
        types = torch.nn.functional.one_hot(self.types[ix, :n], self.n_types).float() * mask.unsqueeze(-1)
        return {"types": types, "frac": self.frac[ix, :n], "lattice": self.lattice[ix], "mask": mask}


def collate(crystals: list[Crystal], lattice_scale: float, n_types: int) -> dict[str, torch.Tensor]:
    """Pad to the largest cell: types as one-hot [B,N,T], frac [B,N,3], normalised lattice [B,3,3], mask [B,N]."""
    b, n = len(crystals), max(c.n for c in crystals)
    types = torch.zeros(b, n, n_types)
    frac = torch.zeros(b, n, 3)
    mask = torch.zeros(b, n)
    lattice = torch.zeros(b, 3, 3)
    for i, c in enumerate(crystals):
        types[i, torch.arange(c.n), torch.as_tensor(c.types)] = 1.0
        frac[i, : c.n] = torch.as_tensor(c.frac, dtype=torch.float32)
        mask[i, : c.n] = 1.0
        lattice[i] = torch.as_tensor(c.lattice / (lattice_scale * c.n ** (1 / 3)), dtype=torch.float32)
    return {"types": types, "frac": frac, "lattice": lattice, "mask": mask}


def bucketed_batches(crystals: list[Crystal], batch_size: int, rng: np.random.Generator) -> list[list[int]]:
    """One epoch of index batches: shuffle, sort chunks of 16 batches by size (less padding), shuffle batches."""
    idx = rng.permutation(len(crystals))
    chunk = 16 * batch_size
    batches = []
    for s in range(0, len(idx), chunk):
        part = sorted(idx[s : s + chunk], key=lambda i: crystals[i].n)
        batches += [part[k : k + batch_size] for k in range(0, len(part), batch_size)]
    order = rng.permutation(len(batches))
    return [batches[i] for i in order]
