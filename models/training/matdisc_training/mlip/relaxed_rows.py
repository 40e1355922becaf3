"""Materials Project rows (MP-20 / MPTS-52 CSV) as force labels for the universal committee.

Their cells are DFT-relaxed structures, so the DFT forces on them are ~0: a real label. Their
energies are not usable as labels: the CSVs give formation energies with an unstated correction
scheme (MP2020 anion and U corrections are several eV per atom on oxides of Fe, Mn, ...), while
the base model predicts raw GGA/GGA+U energies. Each frame is therefore written with
`energy_label=base`: its energy residual is 0 by definition (the base model, trained on MPtrj,
is taken as right on MP's own relaxed structures) and only its forces teach the correction.
What these rows give the Δ committee is breadth: every element it sees gets standardised
descriptors and its members agree where the base is known to be good.

Never pass MP-20's test split here (the generator and the MLIP are measured on it).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ..generator.cif import parse_cif
from ..generator.data import lattice_from_parameters, read_rows


def write_relaxed_frames(csv_files: list[str], out: str | Path, max_atoms: int, max_rows: int, seed: int = 0,
                         elements: set[str] | None = None) -> dict:
    """Write up to `max_rows` rows with at most `max_atoms` sites, drawn at random over the files.

    `elements`: keep only rows whose elements the base model covers (its card's `elements`).
    """
    rows = []
    for f in csv_files:
        if "test" in Path(f).name and "without_mp20_test" not in Path(f).name:
            raise ValueError(f"{f}: a test split; MP-20's test rows must never be training data")
        for r in read_rows(Path(f)):
            rows.append((Path(f).name, r))
    order = np.random.default_rng(seed).permutation(len(rows))
    written, skipped, lines = 0, 0, []
    for k in order:
        if written >= max_rows:
            break
        name, row = rows[k]
        try:
            cif = parse_cif(row["cif"])
        except ValueError:
            skipped += 1
            continue
        if len(cif.symbols) > max_atoms or (elements is not None and not set(cif.symbols) <= elements):
            continue
        lattice = lattice_from_parameters(*cif.lengths, *cif.angles)
        cart = cif.frac_coords @ lattice
        lines.append(f"{len(cif.symbols)}")
        lines.append(
            f'Lattice="{" ".join(f"{x:.8f}" for x in lattice.reshape(-1))}" '
            "Properties=species:S:1:pos:R:3:forces:R:3 energy=0.0 energy_label=base "
            f'material_id={row["material_id"]} source_file={name} pbc="T T T"'
        )
        for s, p in zip(cif.symbols, cart):
            lines.append(f"{s} {p[0]:.8f} {p[1]:.8f} {p[2]:.8f} 0.0 0.0 0.0")
        written += 1
    Path(out).write_text("\n".join(lines) + "\n")
    return {"rows_read": len(rows), "frames": written, "parse_failures": skipped}
