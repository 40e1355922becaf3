"""The universal committee (mlip/delta.py): SevenNet-0 plus a Δ committee on its residuals.

Checked here: the committed graph is exactly base + mean Δ + s (Δ_m - mean Δ); elements the Δ
never saw get the base prediction; and fine-tuning on one round of new DFT labels (another code's
absolute energy scale) lowers the errors on the next round's labels below what refitting the
per-element offsets alone gives.
"""

import copy
import json
import os
from pathlib import Path

import numpy as np
import pytest
from mlip_helpers import graph_of, random_frame

pytest.importorskip("onnxruntime", reason="Not installed: onnxruntime (pip install onnxruntime==1.30.0)")

from matdisc_training.elements import atomic_number  # noqa: E402
from matdisc_training.mlip.checkpoint import load_checkpoint  # noqa: E402
from matdisc_training.mlip.data import load_graphs  # noqa: E402
from matdisc_training.mlip.delta import checkpoint_base, predict_graphs, residual_graphs, verify_composition  # noqa: E402
from matdisc_training.mlip.metrics import evaluate, summarize  # noqa: E402
from matdisc_training.mlip.pipeline import RunSpec, _shift_references, run  # noqa: E402

MODELS = Path(__file__).resolve().parents[2] / "mlip"
CARD = MODELS / "universal-committee.card.json"
SHARED = Path(os.environ.get("MATDISC_SHARED_DATA", Path(__file__).resolve().parents[4] / "shared" / "data"))
TIO2 = SHARED / "mlip" / "tio2_artrith2016" / "tio2_subset.extxyz"


@pytest.fixture(scope="module")
def card() -> dict:
    return json.loads(CARD.read_text())


def test_card_names_its_parts(card):
    base = MODELS / card["universal"]["base"]["file"]
    delta = MODELS / card["onnx"]["delta_file"]
    assert card["members"] == 4 and card["format"] == "matdisc-potential-v1"
    assert card["elements"] == json.loads(base.with_suffix("").with_suffix(".card.json").read_text())["elements"]
    assert set(card["universal"]["delta_elements"]) <= set(card["elements"])
    assert card["universal"]["spread_scale"]["energy"] > 0 and card["universal"]["spread_scale"]["forces"] > 0
    model, blob = load_checkpoint(CARD)
    assert blob["base"]["spread_scale"]["forces"] == card["universal"]["spread_scale"]["forces"]
    assert checkpoint_base(blob)["path"] == str(base.resolve())
    for name in card["metrics"]["test_sets"]:
        assert card["metrics"]["test_sets"][name]["spearman_energy_std_vs_abs_energy_error"] is not None
    assert delta.exists()


def test_graph_is_base_plus_scaled_delta(card):
    base = MODELS / card["universal"]["base"]["file"]
    delta = MODELS / card["onnx"]["delta_file"]
    elements = tuple(atomic_number(s) for s in ("Mg", "O", "Li", "N"))
    graphs = [graph_of(random_frame(70 + k, n_atoms=4 + k, elements=elements, a=4.4)) for k in range(3)]
    diff = verify_composition(base, delta, MODELS / card["onnx"]["file"], graphs, card["universal"]["spread_scale"])
    assert diff["energy_max_abs_diff_ev"] < 1e-3 and diff["forces_max_abs_diff_ev_per_a"] < 1e-4


def test_unseen_element_gets_the_base_prediction(card):
    unseen = [s for s in card["elements"] if s not in card["universal"]["delta_elements"]]
    assert unseen, "every base element was in the Δ training data"
    z = atomic_number(unseen[0])
    g = graph_of(random_frame(5, n_atoms=3, elements=(z,), a=5.0))
    (be, bf, _), = predict_graphs(MODELS / card["universal"]["base"]["file"], [g])
    (ue, uf, _), = predict_graphs(MODELS / card["onnx"]["file"], [g])
    assert np.allclose(ue, be[0], atol=1e-4) and np.abs(uf - bf[0][None]).max() < 1e-5


@pytest.mark.skipif(not TIO2.exists(), reason=f"shared data missing: {TIO2}")
def test_one_round_of_new_labels_lowers_the_next_rounds_errors(tmp_path):
    """Round 1: 63 TiO2 cells (Artrith 2016: another DFT code, another absolute scale) fine-tune
    the Δ committee; round 2: 62 other cells. The baseline is the committed committee with its
    per-element offsets refitted on round 1 (what any scale change needs): learning must beat it
    on energies (measured: 16.7 -> 7.8 meV/atom) without losing on forces."""
    lines = TIO2.read_text().splitlines()
    blocks, i = [], 0
    while i < len(lines):
        n = int(lines[i])
        blocks.append("\n".join(lines[i:i + n + 2]))
        i += n + 2
    r1, r2 = tmp_path / "round1.extxyz", tmp_path / "round2.extxyz"
    # the file is ordered by kind of cell (bulk polymorphs, distorted, O-deficient): both rounds
    # sample all of it, as two rounds of one campaign sample its chemistry
    r1.write_text("\n".join(blocks[0::16]) + "\n")
    r2.write_text("\n".join(blocks[8::16]) + "\n")

    model, blob = load_checkpoint(CARD)
    base = checkpoint_base(blob)["path"]
    g1 = residual_graphs(base, load_graphs(r1, model.cfg.cutoff))
    g2 = residual_graphs(base, load_graphs(r2, model.cfg.cutoff))
    baseline = copy.deepcopy(model)
    _shift_references(baseline, g1)
    before = summarize(evaluate(baseline, g2[1::2]))  # the fine-tune calibrates on the even frames

    card = run(RunSpec(data=[str(r1)], test=[str(r2)], out=str(tmp_path / "r1"), name="universal-r1",
                       init=str(CARD), epochs=8, threads=1))
    after = card["metrics"]["test_sets"]["round2"]
    print(json.dumps({"before": before, "after": after}))
    assert after["frames"] == before["frames"]
    assert after["energy_mae_mev_per_atom"] < 0.8 * before["energy_mae_mev_per_atom"]
    # forces: the energy-weighted fine-tune of a round's budget leaves them where they were (0.1336
    # -> 0.1331 eV/Å when measured); it must not make them worse
    assert after["force_mae_ev_per_a"] < 1.02 * before["force_mae_ev_per_a"]
    assert card["universal"]["base"]["sha256"] == json.loads(CARD.read_text())["universal"]["base"]["sha256"]
    assert (tmp_path / "r1" / "universal-r1.onnx").exists() and (tmp_path / "r1" / "universal-r1.pt").exists()
