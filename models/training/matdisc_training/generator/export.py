"""ONNX export of the denoiser with dynamic B and N, and its checks (onnxruntime == PyTorch,
the graph traced at two sizes is the same graph)."""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import onnx
import torch

from .model import Denoiser

INPUT_NAMES = ["atom_types", "frac_coords", "lattice", "mask", "t"]
OUTPUT_NAMES = ["eps_lattice", "score_frac", "eps_types"]
OPSET = 18


def random_inputs(batch: int, n_atoms: int, n_types: int, seed: int, n_padded: int = 1) -> dict[str, torch.Tensor]:
    """Noisy-looking inputs: last `n_padded` atoms of each structure are padding (mask 0, zeros)."""
    g = torch.Generator().manual_seed(seed)
    mask = torch.ones(batch, n_atoms)
    if n_padded:
        mask[:, n_atoms - n_padded :] = 0.0
    types = torch.randn(batch, n_atoms, n_types, generator=g) * mask.unsqueeze(-1)
    frac = torch.rand(batch, n_atoms, 3, generator=g) * mask.unsqueeze(-1)
    lattice = torch.eye(3).expand(batch, 3, 3) + 0.3 * torch.randn(batch, 3, 3, generator=g)
    t = torch.rand(batch, generator=g) * 0.98 + 0.01
    return {"atom_types": types, "frac_coords": frac, "lattice": lattice.contiguous(), "mask": mask, "t": t}


def _dynamic_shapes():
    b = torch.export.Dim("batch", min=1, max=65536)
    n = torch.export.Dim("n_atoms", min=1, max=1024)
    return {
        "atom_types": {0: b, 1: n},
        "frac_coords": {0: b, 1: n},
        "lattice": {0: b},
        "mask": {0: b, 1: n},
        "t": {0: b},
    }


def export_onnx(model: Denoiser, path: Path, example_batch: int = 3, example_atoms: int = 7) -> onnx.ModelProto:
    """Export with dynamic B and N (torch.onnx.export, dynamo=True, opset 18), weights embedded."""
    model = model.eval()
    x = random_inputs(example_batch, example_atoms, model.cfg.n_types, seed=0)
    program = torch.onnx.export(
        model,
        tuple(x[k] for k in INPUT_NAMES),
        input_names=INPUT_NAMES,
        output_names=OUTPUT_NAMES,
        dynamic_shapes=_dynamic_shapes(),
        opset_version=OPSET,
        dynamo=True,
        external_data=False,
    )
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    program.save(str(path), external_data=False)
    proto = onnx.load(str(path))
    for node in proto.graph.node:  # source locations of the tracer: bulky and machine-specific
        node.ClearField("metadata_props")
        node.ClearField("doc_string")
    proto.producer_version = torch.__version__.split("+")[0]
    onnx.checker.check_model(proto)
    onnx.save(proto, str(path))
    return proto


def graph_signature(proto: onnx.ModelProto) -> str:
    """The graph with names that depend on tracing (metadata, doc strings) dropped: two exports of
    the same model at different example sizes must give the same signature."""
    g = onnx.GraphProto()
    g.CopyFrom(proto.graph)
    for node in g.node:
        node.ClearField("doc_string")
        node.ClearField("metadata_props")
    for vi in list(g.input) + list(g.output) + list(g.value_info):
        vi.ClearField("doc_string")
        vi.ClearField("metadata_props")
    for init in g.initializer:
        init.ClearField("doc_string")
        init.ClearField("metadata_props")
    g.ClearField("doc_string")
    g.ClearField("metadata_props")
    return hashlib.sha256(g.SerializeToString(deterministic=True)).hexdigest()


def same_graph_at_two_sizes(model: Denoiser, tmpdir: Path) -> tuple[bool, str, str]:
    a = export_onnx(model, Path(tmpdir) / "a.onnx", 2, 5)
    b = export_onnx(model, Path(tmpdir) / "b.onnx", 5, 11)
    sa, sb = graph_signature(a), graph_signature(b)
    return sa == sb, sa, sb


def run_onnx(path: Path, inputs: dict[str, torch.Tensor], threads: int = 1) -> list[np.ndarray]:
    import onnxruntime as ort

    opts = ort.SessionOptions()
    opts.intra_op_num_threads = threads
    opts.inter_op_num_threads = 1
    sess = ort.InferenceSession(str(path), opts, providers=["CPUExecutionProvider"])
    return sess.run(OUTPUT_NAMES, {k: v.numpy() for k, v in inputs.items()})


def max_abs_diff_onnx_vs_torch(model: Denoiser, path: Path, batch: int, n_atoms: int, seed: int) -> float:
    x = random_inputs(batch, n_atoms, model.cfg.n_types, seed=seed, n_padded=min(2, n_atoms - 1))
    with torch.no_grad():
        ref = model.eval()(*(x[k] for k in INPUT_NAMES))
    got = run_onnx(path, x)
    return max(float(np.max(np.abs(r.numpy() - o))) for r, o in zip(ref, got))


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()
