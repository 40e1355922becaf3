"""ONNX export checks: the graph does not depend on the example size, ONNX == PyTorch for the
fixture and for every committed model, and the fixture's reference file still holds."""

import json
import tempfile
from pathlib import Path

import numpy as np
import pytest
import torch

from matdisc_training.generator.artifacts import load_model
from matdisc_training.generator.export import (
    export_onnx,
    graph_signature,
    max_abs_diff_onnx_vs_torch,
    run_onnx,
    sha256_file,
)

torch.set_num_threads(2)
REPO = Path(__file__).resolve().parents[3]
FIXTURE = REPO / "test/models/generator/fixtures/denoiser-tiny.onnx"
MODELS = sorted((REPO / "models/generator").glob("*.card.json"))

onnx = pytest.importorskip("onnx")
pytest.importorskip("onnxruntime")


def test_fixture_graph_is_identical_when_traced_at_another_size():
    model = load_model(FIXTURE)
    with tempfile.TemporaryDirectory() as d:
        again = export_onnx(model, Path(d) / "again.onnx", example_batch=5, example_atoms=11)
    assert graph_signature(again) == graph_signature(onnx.load(str(FIXTURE)))


def test_fixture_card_matches_its_file():
    card = json.loads(FIXTURE.with_name("denoiser-tiny.card.json").read_text())
    assert card["sha256"] == sha256_file(FIXTURE) and card["metrics"] == {}


def test_fixture_has_dynamic_batch_and_atoms():
    g = onnx.load(str(FIXTURE)).graph
    dims = {i.name: [d.dim_param or d.dim_value for d in i.type.tensor_type.shape.dim] for i in list(g.input) + list(g.output)}
    assert dims == {
        "atom_types": ["batch", "n_atoms", 100],
        "frac_coords": ["batch", "n_atoms", 3],
        "lattice": ["batch", 3, 3],
        "mask": ["batch", "n_atoms"],
        "t": ["batch"],
        "eps_lattice": ["batch", 3, 3],
        "score_frac": ["batch", "n_atoms", 3],
        "eps_types": ["batch", "n_atoms", 100],
    }
    ops = {n.op_type for n in g.node}
    assert not ops & {"Gather", "GatherND", "GatherElements", "ScatterND", "ScatterElements", "NonZero", "Loop", "If"}


def test_fixture_reference_file_matches_onnx():
    ref = json.loads(FIXTURE.with_name("denoiser-tiny.reference.json").read_text())
    tol = ref["tolerance"]
    for case in ref["cases"]:
        feeds = {k: torch.tensor(v["data"], dtype=torch.float32).reshape(v["shape"]) for k, v in case["inputs"].items()}
        outs = run_onnx(FIXTURE, feeds)
        for got, (name, want) in zip(outs, case["outputs"].items()):
            w = np.array(want["data"]).reshape(want["shape"])
            assert np.all(np.abs(got - w) <= tol["abs"] + tol["rel"] * np.abs(w)), name


@pytest.mark.parametrize("sizes", [(1, 1), (3, 7), (8, 20)])
def test_fixture_onnx_equals_pytorch(sizes):
    model = load_model(FIXTURE)
    assert max_abs_diff_onnx_vs_torch(model, FIXTURE, *sizes, seed=sum(sizes)) < 1e-4


@pytest.mark.parametrize("card", MODELS, ids=lambda p: p.name)
def test_committed_model_matches_card_and_pytorch(card):
    meta = json.loads(card.read_text())
    path = card.with_name(f"{meta['name']}.onnx")
    assert sha256_file(path) == meta["sha256"]
    assert path.stat().st_size < 10 * 2**20
    model = load_model(path)
    assert max_abs_diff_onnx_vs_torch(model, path, 4, 12, seed=1) < 1e-3
    assert meta["metrics"] == {} or isinstance(meta["metrics"], dict)
