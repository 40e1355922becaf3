"""A small extended-XYZ reader for labelled DFT frames (energy, forces, optional stress).

Reads the subset of the format that `shared/data/mlip` uses:

    <number of atoms>
    Lattice="ax ay az bx by bz cx cy cz" Properties=species:S:1:pos:R:3:forces:R:3 energy=<eV> ...
    <symbol> <x> <y> <z> <fx> <fy> <fz>

Units: Å, eV, eV/Å; `stress` (9 numbers, row-major) in eV/Å³ with the ASE sign convention
(positive = tensile). Lattice rows are the cell vectors.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .elements import atomic_number


@dataclass(frozen=True)
class Frame:
    """One labelled periodic cell."""

    numbers: np.ndarray  # int64[N], atomic numbers
    positions: np.ndarray  # float64[N,3], Å
    cell: np.ndarray  # float64[3,3], rows are lattice vectors, Å
    pbc: tuple[bool, bool, bool]
    energy: float | None  # eV, whole cell
    forces: np.ndarray | None  # float64[N,3], eV/Å
    stress: np.ndarray | None  # float64[3,3], eV/Å³, ASE sign
    info: dict = field(default_factory=dict)  # remaining key=value pairs, as strings
    source: str = ""  # "<file>:<frame index>"

    @property
    def n_atoms(self) -> int:
        return len(self.numbers)


class ExtxyzError(ValueError):
    """Raised when a file is not the extended XYZ this reader understands; says file and line."""


def _parse_comment(line: str) -> dict[str, str]:
    out: dict[str, str] = {}
    lexer = shlex.shlex(line, posix=True)
    lexer.whitespace_split = True
    lexer.commenters = ""
    for token in lexer:
        key, sep, value = token.partition("=")
        out[key] = value if sep else "T"
    return out


def _parse_properties(spec: str) -> list[tuple[str, str, int]]:
    parts = spec.split(":")
    if len(parts) % 3:
        raise ValueError(f"bad Properties={spec!r}")
    return [(parts[k], parts[k + 1], int(parts[k + 2])) for k in range(0, len(parts), 3)]


def read_extxyz(path: str | Path) -> list[Frame]:
    """Read every frame of an extended-XYZ file."""
    path = Path(path)
    lines = path.read_text().splitlines()
    frames: list[Frame] = []
    k = 0
    while k < len(lines):
        if not lines[k].strip():
            k += 1
            continue
        try:
            n = int(lines[k].strip())
        except ValueError as err:
            raise ExtxyzError(f"{path}:{k + 1}: expected an atom count") from err
        if k + 2 + n > len(lines):
            raise ExtxyzError(f"{path}:{k + 1}: frame of {n} atoms runs past the end of the file")
        comment = _parse_comment(lines[k + 1])
        rows = [lines[k + 2 + a].split() for a in range(n)]
        try:
            frames.append(_frame(comment, rows, f"{path.name}:{len(frames)}"))
        except (KeyError, ValueError) as err:
            raise ExtxyzError(f"{path}:{k + 2}: {err}") from err
        k += 2 + n
    return frames


def _frame(comment: dict[str, str], rows: list[list[str]], source: str) -> Frame:
    cell = np.array([float(x) for x in comment.pop("Lattice").split()], dtype=np.float64).reshape(3, 3)
    props = _parse_properties(comment.pop("Properties", "species:S:1:pos:R:3"))
    columns: dict[str, np.ndarray] = {}
    col = 0
    for name, kind, width in props:
        block = [r[col : col + width] for r in rows]
        if kind == "S":
            columns[name] = np.array([b[0] for b in block])
        elif kind in ("R", "I"):
            columns[name] = np.array(block, dtype=np.float64 if kind == "R" else np.int64)
        col += width
    numbers = np.array([atomic_number(s) for s in columns["species"]], dtype=np.int64)
    pbc_text = comment.pop("pbc", "T T T").split()
    pbc = tuple(v.upper() in ("T", "TRUE", "1") for v in pbc_text)
    energy = float(comment.pop("energy")) if "energy" in comment else None
    stress = None
    if "stress" in comment:
        values = [float(x) for x in comment.pop("stress").split()]
        if len(values) == 9:
            stress = np.array(values).reshape(3, 3)
        elif len(values) == 6:  # Voigt xx yy zz yz xz xy
            xx, yy, zz, yz, xz, xy = values
            stress = np.array([[xx, xy, xz], [xy, yy, yz], [xz, yz, zz]])
        else:
            raise ValueError(f"stress has {len(values)} values, expected 6 or 9")
    return Frame(
        numbers=numbers,
        positions=columns["pos"],
        cell=cell,
        pbc=pbc,  # type: ignore[arg-type]
        energy=energy,
        forces=columns.get("forces"),
        stress=stress,
        info=comment,
        source=source,
    )
