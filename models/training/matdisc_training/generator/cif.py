"""A small CIF reader for MP-20's pymatgen-written P1 listings.

It reads `_cell_length_{a,b,c}`, `_cell_angle_{alpha,beta,gamma}` and the `_atom_site_*` loop
(`type_symbol`, `fract_x/y/z`, optional `occupancy`). It does not apply symmetry operations: it
refuses files whose symmetry loop lists anything but the identity, rather than read them wrongly.
"""

from __future__ import annotations

import math
import re
import shlex
from dataclasses import dataclass

import numpy as np


class CifParseError(ValueError):
    """Raised when a CIF lacks the cell or atom-site data, or uses features this reader ignores."""


@dataclass(frozen=True)
class CifCrystal:
    """Cell parameters (Å, degrees), element symbols and fractional coordinates (wrapped to [0,1))."""

    lengths: tuple[float, float, float]
    angles: tuple[float, float, float]
    symbols: tuple[str, ...]
    frac_coords: np.ndarray  # [n, 3]


_NUMBER = re.compile(r"^([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)(?:\(\d+\))?$")


def _number(text: str) -> float:
    m = _NUMBER.match(text.strip())
    if not m:
        raise CifParseError(f"not a number: {text!r}")
    return float(m.group(1))


def _tokens(line: str) -> list[str]:
    try:
        return shlex.split(line, posix=True)
    except ValueError:
        return line.split()


def _symbol(type_symbol: str) -> str:
    """Element of an `_atom_site_type_symbol` ("Fe2+" -> "Fe", "O" -> "O")."""
    m = re.match(r"([A-Za-z]{1,2})", type_symbol)
    if not m:
        raise CifParseError(f"bad type symbol {type_symbol!r}")
    s = m.group(1)
    return s[0].upper() + s[1:].lower()


def parse_cif(text: str) -> CifCrystal:
    """Parse the first data block of a P1 CIF."""
    tags: dict[str, str] = {}
    loops: list[tuple[list[str], list[list[str]]]] = []
    lines = [ln.strip() for ln in text.splitlines()]
    i = 0
    while i < len(lines):
        ln = lines[i]
        if not ln or ln.startswith("#"):
            i += 1
            continue
        if ln.lower() == "loop_":
            i += 1
            names: list[str] = []
            while i < len(lines) and lines[i].startswith("_"):
                names.append(lines[i].split()[0].lower())
                i += 1
            rows: list[list[str]] = []
            buf: list[str] = []
            while i < len(lines):
                row = lines[i]
                if not row or row.startswith("#"):
                    i += 1
                    continue
                if row.startswith("_") or row.lower() == "loop_" or row.lower().startswith("data_"):
                    break
                buf.extend(_tokens(row))
                while len(buf) >= len(names):
                    rows.append(buf[: len(names)])
                    buf = buf[len(names) :]
                i += 1
            loops.append((names, rows))
            continue
        if ln.startswith("_"):
            parts = ln.split(None, 1)
            value = parts[1] if len(parts) > 1 else ""
            tok = _tokens(value)
            tags[parts[0].lower()] = tok[0] if tok else value
        i += 1

    try:
        lengths = tuple(_number(tags[f"_cell_length_{x}"]) for x in "abc")
        angles = tuple(_number(tags[f"_cell_angle_{x}"]) for x in ("alpha", "beta", "gamma"))
    except KeyError as err:
        raise CifParseError(f"missing cell tag {err.args[0]}") from None

    for names, rows in loops:
        for key in ("_symmetry_equiv_pos_as_xyz", "_space_group_symop_operation_xyz"):
            if key in names:
                col = names.index(key)
                ops = {r[col].replace(" ", "").lower() for r in rows}
                if ops - {"x,y,z"}:
                    raise CifParseError("symmetry operations other than the identity are not applied by this reader")

    site = next((lp for lp in loops if "_atom_site_fract_x" in lp[0]), None)
    if site is None:
        raise CifParseError("no _atom_site_fract_x loop")
    names, rows = site
    sym_col = names.index("_atom_site_type_symbol") if "_atom_site_type_symbol" in names else names.index("_atom_site_label")
    cols = [names.index(f"_atom_site_fract_{x}") for x in "xyz"]
    occ_col = names.index("_atom_site_occupancy") if "_atom_site_occupancy" in names else None
    symbols: list[str] = []
    coords: list[list[float]] = []
    for r in rows:
        if occ_col is not None and not math.isclose(_number(r[occ_col]), 1.0, abs_tol=1e-3):
            raise CifParseError("partial occupancy is not supported")
        symbols.append(_symbol(r[sym_col]))
        coords.append([_number(r[c]) for c in cols])
    if not symbols:
        raise CifParseError("no atoms")
    frac = np.mod(np.asarray(coords, dtype=np.float64), 1.0)
    frac[frac >= 1.0] = 0.0
    return CifCrystal(lengths, angles, tuple(symbols), frac)  # type: ignore[arg-type]
