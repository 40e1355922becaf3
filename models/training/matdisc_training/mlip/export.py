"""ONNX export of a Committee under the matdisc-potential-v1 contract.

Inputs:  species int64[N], edge_index int64[2,E] (row 0 = centre i, row 1 = neighbour j),
         edge_vec float32[E,3] (r_ij = x_j - x_i + shift, Å), batch int64[N], n_structures int64[].
Outputs: energy float32[M,S] (eV, total, reference energies included),
         edge_grad float32[M,E,3] (dE_m / d edge_vec, eV/Å),
         embedding float32[S,F] (member-mean of the atom-mean of the final invariant features).

Recipe: a pure function computes the energies and, with torch.autograd.grad, their gradient;
make_fx traces it symbolically (core ATen decompositions, so the backward becomes plain ops),
and torch.onnx.export(dynamo=True) turns the traced graph into ONNX with dynamic N, E, S.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import torch
from torch._decomp import core_aten_decompositions
from torch.fx.experimental.proxy_tensor import make_fx

from .model import Committee
from .deterministic_scatter import rewrite_file

INPUT_NAMES = ["species", "edge_index", "edge_vec", "batch", "n_structures"]
OUTPUT_NAMES = ["energy", "edge_grad", "embedding"]
OPSET = 18


def potential_fn(model: Committee):
    """The function the ONNX graph computes: (inputs) -> (energy, edge_grad, embedding)."""
    members = model.cfg.members

    def fn(species, edge_index, edge_vec, batch, n_structures):
        n_struct = n_structures.item()
        torch._check(n_struct >= 0)
        ev = edge_vec.detach().unsqueeze(0).repeat(members, 1, 1).requires_grad_(True)
        energy, embedding = model(species, edge_index, ev, batch, n_struct)
        (grad,) = torch.autograd.grad(energy.sum(), ev)
        return energy, grad, embedding

    return fn


def example_inputs(n_atoms: int, n_edges: int, n_structures: int, seed: int = 0, species=(14,)):
    """Random inputs of the right dtypes (not physical; for tracing and graph checks)."""
    g = torch.Generator().manual_seed(seed)
    sp = torch.tensor(species)[torch.randint(0, len(species), (n_atoms,), generator=g)]
    ei = torch.randint(0, n_atoms, (2, n_edges), generator=g)
    ev = (torch.rand(n_edges, 3, generator=g) - 0.5) * 6.0
    batch = torch.sort(torch.randint(0, n_structures, (n_atoms,), generator=g))[0]
    return sp, ei, ev.float(), batch, torch.tensor(n_structures, dtype=torch.int64)


def trace(model: Committee, inputs) -> torch.fx.GraphModule:
    model = model.eval()
    with torch.enable_grad():
        gm = make_fx(
            potential_fn(model),
            tracing_mode="symbolic",
            decomposition_table=core_aten_decompositions(),
            _allow_non_fake_inputs=True,
        )(*inputs)
    return gm.eval()


def graph_text(gm: torch.fx.GraphModule) -> str:
    """The traced graph as text, with tensor-constant names normalised, for identity checks."""
    return re.sub(r"_tensor_constant\d+", "_tensor_constant", str(gm.graph))


def export_onnx(model: Committee, path: str | Path, opset: int = OPSET) -> dict:
    """Trace at two sizes, check the graphs agree, write the ONNX file; returns I/O metadata."""
    species = tuple(model.cfg.elements)
    a = trace(model, example_inputs(23, 211, 3, seed=1, species=species))
    b = trace(model, example_inputs(41, 517, 5, seed=2, species=species))
    if graph_text(a) != graph_text(b):
        raise RuntimeError("traced graph depends on the input size; refusing to export")
    inputs = example_inputs(23, 211, 3, seed=1, species=species)
    n, e, s = torch.export.Dim("N"), torch.export.Dim("E"), torch.export.Dim("S")
    dynamic = {
        "species": {0: n},
        "edge_index": {1: e},
        "edge_vec": {0: e},
        "batch": {0: n},
        "n_structures": {},
    }
    del s  # S is the value of n_structures, not a tensor axis of any input
    program = torch.onnx.export(
        a,
        inputs,
        input_names=INPUT_NAMES,
        output_names=OUTPUT_NAMES,
        dynamic_shapes=list(dynamic.values()),
        opset_version=opset,
        dynamo=True,
        external_data=False,
    )
    program.save(str(path), external_data=False)
    _name_output_axes(path)
    # Reducing scatters sum in thread order in ONNX Runtime: forces would change run to run.
    rewrite_file(path)
    return io_metadata(model, opset)


def _name_output_axes(path: str | Path) -> None:
    """The exporter names the structure axis after its symbol (u0); call it S as the contract does."""
    import onnx

    proto = onnx.load(str(path))
    for out in proto.graph.output:
        dims = out.type.tensor_type.shape.dim
        if out.name == "energy":
            dims[1].dim_param = "S"
        elif out.name == "embedding":
            dims[0].dim_param = "S"
        elif out.name == "edge_grad":
            dims[1].dim_param = "E"
    onnx.save(proto, str(path))


def io_metadata(model: Committee, opset: int = OPSET) -> dict:
    m, f = model.cfg.members, model.cfg.hidden
    return {
        "opset": opset,
        "inputs": {
            "species": {"dtype": "int64", "shape": ["N"]},
            "edge_index": {"dtype": "int64", "shape": [2, "E"]},
            "edge_vec": {"dtype": "float32", "shape": ["E", 3]},
            "batch": {"dtype": "int64", "shape": ["N"]},
            "n_structures": {"dtype": "int64", "shape": []},
        },
        "outputs": {
            "energy": {"dtype": "float32", "shape": [m, "S"]},
            "edge_grad": {"dtype": "float32", "shape": [m, "E", 3]},
            "embedding": {"dtype": "float32", "shape": ["S", f]},
        },
    }


def run_onnx(path: str | Path, inputs) -> list[np.ndarray]:
    import onnxruntime as ort

    sess = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    feeds = {name: t.numpy() for name, t in zip(INPUT_NAMES, inputs)}
    return sess.run(OUTPUT_NAMES, feeds)


def run_torch(model: Committee, inputs) -> list[np.ndarray]:
    with torch.enable_grad():
        out = potential_fn(model.eval())(*inputs)
    return [t.detach().numpy() for t in out]


def graph_inputs(graphs) -> tuple:
    """Contract inputs for a list of data.Graph frames."""
    from .data import collate

    b = collate(graphs)
    return b.species, b.edge_index, b.edge_vec, b.batch, torch.tensor(b.n_structures, dtype=torch.int64)


def verify_onnx(model: Committee, path: str | Path, graphs) -> dict:
    """Largest relative difference, ONNX Runtime vs PyTorch, per output, on the given frames.

    Relative to the largest magnitude of each output. Skipped (reported as such) when
    onnxruntime is not installed.
    """
    try:
        import onnxruntime  # noqa: F401
    except ImportError:
        return {"onnxruntime": "not installed; not verified"}
    import onnxruntime

    result = {"onnxruntime": onnxruntime.__version__, "frames": len(graphs)}
    if not graphs:
        return result
    inputs = graph_inputs(graphs)
    got, want = run_onnx(path, inputs), run_torch(model, inputs)
    for name, g, w in zip(OUTPUT_NAMES, got, want):
        if g.shape != w.shape:
            raise RuntimeError(f"ONNX output {name} has shape {g.shape}, PyTorch {w.shape}")
        result[f"{name}_max_rel_diff"] = float(np.abs(g - w).max() / max(np.abs(w).max(), 1e-12))
    result["energy_max_abs_diff_ev"] = float(np.abs(got[0] - want[0]).max())
    return result
