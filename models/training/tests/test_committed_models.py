"""The committed committees in models/mlip: card fields, hashes, and ONNX == checkpoint on random cells."""

import hashlib
import json
from pathlib import Path

import numpy as np
import pytest
from mlip_helpers import graph_of, random_frame

from matdisc_training.elements import atomic_number
from matdisc_training.mlip.checkpoint import load_checkpoint
from matdisc_training.mlip.export import INPUT_NAMES, OUTPUT_NAMES, graph_inputs, run_onnx, run_torch

MODELS = Path(__file__).resolve().parents[2] / "mlip"
# Our trained committees (they carry a checkpoint); SevenNet-0 is checked against sevenn itself
# by test/models/mlip/sevennet.test.ts.
# The universal committee's checkpoint is its Δ part alone: tests/test_universal.py checks it.
CARDS = sorted(p for p in MODELS.glob("*.card.json")
               if "checkpoint" in json.loads(p.read_text()) and "universal" not in json.loads(p.read_text()))
REQUIRED = {"name", "kind", "format", "cutoff_a", "members", "elements", "element_reference_energies_ev",
            "energy_scale", "training", "metrics", "reproduce", "onnx", "sha256"}


@pytest.mark.parametrize("card_path", CARDS, ids=lambda p: p.name)
def test_card_describes_its_files(card_path):
    card = json.loads(card_path.read_text())
    assert REQUIRED <= card.keys()
    assert card["kind"] == "mlip" and card["format"] == "matdisc-potential-v1" and card["members"] == 4
    onnx_path = card_path.parent / card["onnx"]["file"]
    assert hashlib.sha256(onnx_path.read_bytes()).hexdigest() == card["sha256"]
    assert hashlib.sha256((card_path.parent / card["checkpoint"]).read_bytes()).hexdigest() == card["checkpoint_sha256"]
    assert list(card["onnx"]["inputs"]) == INPUT_NAMES and list(card["onnx"]["outputs"]) == OUTPUT_NAMES
    assert set(card["element_reference_energies_ev"]) == set(card["elements"])
    assert onnx_path.stat().st_size < 5_000_000


@pytest.mark.parametrize("card_path", CARDS, ids=lambda p: p.name)
def test_onnx_matches_checkpoint(card_path):
    pytest.importorskip("onnxruntime", reason="Not installed: onnxruntime (pip install onnxruntime==1.30.0)")
    card = json.loads(card_path.read_text())
    model, _ = load_checkpoint(card_path)
    elements = tuple(atomic_number(s) for s in card["elements"])
    frames = [random_frame(60 + k, n_atoms=4 + k, elements=elements, a=4.6) for k in range(3)]
    inputs = graph_inputs([graph_of(f, card["cutoff_a"]) for f in frames])
    got, want = run_onnx(card_path.parent / card["onnx"]["file"], inputs), run_torch(model.eval(), inputs)
    for name, g, w in zip(OUTPUT_NAMES, got, want):
        assert np.abs(g - w).max() <= 1e-5 * np.abs(w).max() + 1e-6, name
