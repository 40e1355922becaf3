"""The ONNX export: a size-independent traced graph, and ONNX Runtime agreeing with PyTorch."""

import numpy as np
import pytest
import torch
from mlip_helpers import mlip_model  # noqa: F401 (pytest fixture)
from mlip_helpers import graph_of, random_frame

from matdisc_training.mlip.export import (
    INPUT_NAMES,
    OUTPUT_NAMES,
    example_inputs,
    export_onnx,
    graph_inputs,
    graph_text,
    run_onnx,
    run_torch,
    trace,
)


def test_traced_graph_is_identical_at_two_sizes(mlip_model):
    model = mlip_model
    a = trace(model, example_inputs(7, 40, 2, seed=1, species=(8, 22)))
    b = trace(model, example_inputs(19, 230, 4, seed=2, species=(8, 22)))
    assert graph_text(a) == graph_text(b)
    assert "_local_scalar_dense" in graph_text(a)  # S comes from n_structures, not from a shape


@pytest.fixture(scope="module")
def onnx_file(mlip_model, tmp_path_factory):
    model = mlip_model
    pytest.importorskip("onnxruntime", reason="Not installed: onnxruntime (pip install onnxruntime==1.30.0)")
    path = tmp_path_factory.mktemp("onnx") / "tiny.onnx"
    io = export_onnx(model, path)
    return path, io


def test_onnx_io_matches_the_contract(onnx_file):
    import onnx

    path, io = onnx_file
    proto = onnx.load(str(path))
    assert [i.name for i in proto.graph.input] == INPUT_NAMES
    assert [o.name for o in proto.graph.output] == OUTPUT_NAMES
    dims = {o.name: [d.dim_param or d.dim_value for d in o.type.tensor_type.shape.dim] for o in proto.graph.output}
    assert dims == {"energy": [4, "S"], "edge_grad": [4, "E", 3], "embedding": ["S", 8]}
    assert io["opset"] >= 18


def test_exported_graph_has_no_reducing_scatter(onnx_file):
    """ONNX Runtime sums ScatterND(reduction=add) in thread order: the exporter rewrites them all."""
    import onnx

    from matdisc_training.mlip.deterministic_scatter import reducing_scatters

    path, _ = onnx_file
    proto = onnx.load(str(path))
    assert reducing_scatters(proto) == []
    assert any(o.endswith("_det_onehot") for n in proto.graph.node for o in n.output)


def test_onnx_matches_pytorch_on_random_periodic_structures(onnx_file, mlip_model):
    model = mlip_model
    path, _ = onnx_file
    frames = [random_frame(20 + k, n_atoms=3 + 2 * k) for k in range(3)]
    for batch in ([frames[0]], frames):  # one structure, then several of different sizes
        inputs = graph_inputs([graph_of(f) for f in batch])
        got, want = run_onnx(path, inputs), run_torch(model, inputs)
        for name, g, w in zip(OUTPUT_NAMES, got, want):
            assert g.shape == w.shape, name
            assert np.abs(g - w).max() <= 1e-5 * np.abs(w).max() + 1e-6, name


def test_far_padding_edge_is_inert_and_empty_structures_are_zero(onnx_file, mlip_model):
    """ONNX Runtime cannot run the graph with E = 0 (zero-size broadcast), so the contract says:
    pad with one edge i -> i longer than the cutoff. Such an edge adds exactly nothing."""
    model = mlip_model
    path, _ = onnx_file
    far = 2.0 * model.cfg.cutoff
    padded = (torch.tensor([8, 22]), torch.zeros((2, 1), dtype=torch.int64), torch.tensor([[far, 0.0, 0.0]]),
              torch.tensor([0, 1]), torch.tensor(3))
    bare = (padded[0], torch.zeros((2, 0), dtype=torch.int64), torch.zeros((0, 3)), padded[3], padded[4])
    got, want = run_onnx(path, padded), run_torch(model, bare)
    assert got[0].shape == (4, 3) and got[1].shape == (4, 1, 3)
    np.testing.assert_allclose(got[0], want[0], rtol=1e-6)
    assert np.all(got[1] == 0)
    assert np.all(got[0][:, 2] == 0)  # a structure without atoms has zero energy
