"""ONNX export of a SevenNet model under the matdisc-potential-v1 contract (one member).

Outputs: energy float32[1,S], edge_grad float32[1,E,3], embedding float32[S,128] (structure mean
of the 128 invariant node features that enter sevenn's readout).

Same recipe as the committee exporter (mlip/export.py): the energy and its autograd gradient
are traced together with make_fx (symbolic shapes, core ATen decompositions), the trace is
repeated at a second size and must give the same graph, and torch.onnx.export(dynamo=True)
writes it with dynamic N and E.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch
from torch._decomp import core_aten_decompositions
from torch.fx.experimental.proxy_tensor import make_fx

from ..mlip.deterministic_scatter import rewrite_file
from ..mlip.export import INPUT_NAMES, OUTPUT_NAMES, _name_output_axes, graph_text, run_onnx
from .model import SevenNetPotential

OPSET = 18


def potential_fn(potential: SevenNetPotential):
    """(inputs) -> (energy[1,S], edge_grad[1,E,3], embedding[S,F]): what the graph computes."""

    def fn(species, edge_index, edge_vec, batch, n_structures):
        n_struct = n_structures.item()
        torch._check(n_struct >= 0)
        ev = edge_vec.detach().requires_grad_(True)
        energy, embedding = potential(species, edge_index, ev, batch, n_struct)
        (grad,) = torch.autograd.grad(energy.sum(), ev)
        return energy.unsqueeze(0), grad.unsqueeze(0), embedding

    return fn


def example_inputs(potential: SevenNetPotential, n_atoms: int, n_edges: int, n_structures: int, seed: int = 0):
    """Random inputs of the right dtypes and plausible edge lengths (for tracing and checks)."""
    g = torch.Generator().manual_seed(seed)
    zs = torch.tensor(potential.atomic_numbers())
    sp = zs[torch.randint(0, len(zs), (n_atoms,), generator=g)]
    ei = torch.randint(0, n_atoms, (2, n_edges), generator=g)
    direction = torch.randn(n_edges, 3, generator=g)
    length = 1.5 + 4.0 * torch.rand(n_edges, 1, generator=g)
    ev = direction / direction.norm(dim=1, keepdim=True) * length
    batch = torch.sort(torch.randint(0, n_structures, (n_atoms,), generator=g))[0]
    return sp, ei, ev.float(), batch, torch.tensor(n_structures, dtype=torch.int64)


def crystal_inputs(potential: SevenNetPotential, seed: int = 0):
    """Contract inputs for two rattled crystals batched together: diamond Si 2x2x2 (64 atoms) and
    rock-salt NaCl 2x2x2 (64 atoms), 0.05 Å rattle. Physical environments for the export check."""
    from ase.build import bulk

    from ..mlip.neighbors import neighbor_list

    rng = np.random.default_rng(seed)
    crystals = [bulk("Si", "diamond", a=5.43, cubic=True) * (2, 2, 2), bulk("NaCl", "rocksalt", a=5.64, cubic=True) * (2, 2, 2)]
    species, edges, vecs, batch, offset = [], [], [], [], 0
    for s, atoms in enumerate(crystals):
        pos = atoms.get_positions() + rng.normal(scale=0.05, size=(len(atoms), 3))
        ei, ev = neighbor_list(pos, np.array(atoms.get_cell()), (True, True, True), potential.cutoff)
        species.append(atoms.get_atomic_numbers())
        edges.append(ei + offset)
        vecs.append(ev)
        batch.append(np.full(len(atoms), s))
        offset += len(atoms)
    return (torch.from_numpy(np.concatenate(species)).long(), torch.from_numpy(np.concatenate(edges, axis=1)).long(),
            torch.from_numpy(np.concatenate(vecs)).float(), torch.from_numpy(np.concatenate(batch)).long(),
            torch.tensor(len(crystals), dtype=torch.int64))


def trace(potential: SevenNetPotential, inputs) -> torch.fx.GraphModule:
    potential = potential.eval()
    with torch.enable_grad():
        gm = make_fx(
            potential_fn(potential),
            tracing_mode="symbolic",
            decomposition_table=core_aten_decompositions(),
            _allow_non_fake_inputs=True,
        )(*inputs)
    return gm.eval()


def export_onnx(potential: SevenNetPotential, path: str | Path, opset: int = OPSET) -> dict:
    """Trace at two sizes, check the graphs agree, write the ONNX file; returns I/O metadata."""
    inputs = example_inputs(potential, 23, 211, 3, seed=1)
    a = trace(potential, inputs)
    b = trace(potential, example_inputs(potential, 41, 517, 5, seed=2))
    if graph_text(a) != graph_text(b):
        raise RuntimeError("traced graph depends on the input size; refusing to export")
    n, e = torch.export.Dim("N"), torch.export.Dim("E")
    dynamic = [{0: n}, {1: e}, {0: e}, {0: n}, {}]
    program = torch.onnx.export(
        a,
        inputs,
        input_names=INPUT_NAMES,
        output_names=OUTPUT_NAMES,
        dynamic_shapes=dynamic,
        opset_version=opset,
        dynamo=True,
        external_data=False,
    )
    program.save(str(path), external_data=False)
    _name_output_axes(path)
    # Reducing scatters sum in thread order in ONNX Runtime: forces would change run to run.
    rewrite_file(path)
    return io_metadata(opset, int(a.graph.find_nodes(op="output")[0].args[0][2].meta["val"].shape[1]))


def io_metadata(opset: int, embedding_dim: int) -> dict:
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
            "energy": {"dtype": "float32", "shape": [1, "S"]},
            "edge_grad": {"dtype": "float32", "shape": [1, "E", 3]},
            "embedding": {"dtype": "float32", "shape": ["S", embedding_dim]},
        },
    }


def run_torch(potential: SevenNetPotential, inputs) -> list[np.ndarray]:
    with torch.enable_grad():
        out = potential_fn(potential.eval())(*inputs)
    return [t.detach().numpy() for t in out]


def verify_onnx(potential: SevenNetPotential, path: str | Path, inputs) -> dict:
    """Largest differences, ONNX Runtime vs the eager wrapper, on the given contract inputs."""
    import onnxruntime

    got, want = run_onnx(path, inputs), run_torch(potential, inputs)
    result: dict = {"onnxruntime": onnxruntime.__version__}
    for name, g, w in zip(OUTPUT_NAMES, got, want):
        if g.shape != w.shape:
            raise RuntimeError(f"ONNX output {name} has shape {g.shape}, PyTorch {w.shape}")
        result[f"{name}_max_rel_diff"] = float(np.abs(g - w).max() / max(np.abs(w).max(), 1e-12))
    result["energy_max_abs_diff_ev"] = float(np.abs(got[0] - want[0]).max())
    return result
