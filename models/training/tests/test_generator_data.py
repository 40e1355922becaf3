"""The generator's training rows (matdisc_training/generator/data.py): with the extra datasets added,
no MP-20 test material and no held-out system gets in, and no cell exceeds the model's atom limit."""

import pytest

from matdisc_training.generator.data import (
    DATA_ROOT,
    EXCLUDE_FILES,
    HELD_OUT_SYSTEMS,
    MAX_ATOMS,
    load_training_set,
    read_rows,
)
from matdisc_training.generator.vocab import ELEMENTS, chemical_system

pytestmark = pytest.mark.skipif(not (DATA_ROOT / EXCLUDE_FILES[0]).exists(), reason="MP-20 files not present")


def test_mpts52_rows_add_training_data_without_test_materials_or_held_out_systems():
    base = load_training_set()
    more = load_training_set(extra=("mpts52",))
    assert more.report["rows_used"] > base.report["rows_used"] + 1000
    test_ids = {r["material_id"] for name in EXCLUDE_FILES for r in read_rows(DATA_ROOT / name)}
    ids = {c.material_id for c in more.crystals}
    assert len(ids) == len(more.crystals)
    assert not ids & test_ids
    systems = {chemical_system(ELEMENTS[t] for t in c.types) for c in more.crystals}
    assert not systems & HELD_OUT_SYSTEMS
    assert max(c.n for c in more.crystals) <= MAX_ATOMS
    # MPTS-52 holds cells of up to 52 atoms: the cut is real, and so is the held-out filter's reach.
    assert more.report["too_many_atoms"] > 0


def test_unknown_extra_source_is_refused_by_name():
    with pytest.raises(ValueError, match=r"--extra-data: unknown source\(s\) \['mp-21'\]"):
        load_training_set(extra=("mp-21",))
