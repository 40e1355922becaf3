"""Rewrite every reducing ``ScatterND`` (``reduction="add"``) of an ONNX graph as a one-hot matmul.

torch's ``index_add`` / ``scatter_add`` (message passing, per-structure sums, and their gradients in
the force graph) export as ``ScatterND(reduction="add")``. ONNX Runtime's CPU kernel runs it on
several threads with an unordered float accumulation, so forces change from run to run in the
last digits — up to 3e-2 eV/Å measured on sevennet-0 (microsoft/onnxruntime#18048, #23396).

The replacement sums in a fixed order for any thread count::

    out = data + reshape(OneHot(idx, T)ᵀ @ reshape(updates, [M, F]), shape(data))

with ``OneHot(idx, T)[m, t] = (idx[m] == t)`` built in the graph (``Equal`` of ``idx`` against
``Range(T)``), T = ``data.shape[0]``. MLAS's SGEMM splits work over output rows and columns, never
over the summed dimension, so each output element has one summation order. It costs T·M·F
multiply-adds instead of M·F: batch many small structures rather than one huge one.

Only scatters whose indices have shape ``[M, 1]`` (index_add along the first axis, the only form
torch's exporter writes) are rewritten; any other form is refused, so nothing is changed silently.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def _const(name: str, values, dtype=np.int64) -> onnx.NodeProto:
    return helper.make_node(
        "Constant", [], [name], value=numpy_helper.from_array(np.asarray(values, dtype=dtype), name)
    )


def reducing_scatters(model: onnx.ModelProto) -> list[onnx.NodeProto]:
    return [
        n
        for n in model.graph.node
        if n.op_type in ("ScatterND", "ScatterElements")
        and any(a.name == "reduction" and a.s.decode() != "none" for a in n.attribute)
    ]


def make_deterministic(model: onnx.ModelProto) -> tuple[onnx.ModelProto, int]:
    """Returns the rewritten model and how many scatters were replaced."""
    inferred = onnx.shape_inference.infer_shapes(model)
    types = {v.name: v.type.tensor_type for v in [*inferred.graph.value_info, *inferred.graph.input]}
    graph = model.graph
    new_nodes: list[onnx.NodeProto] = []
    replaced = 0
    for node in graph.node:
        reduction = next((a.s.decode() for a in node.attribute if a.name == "reduction"), "none")
        if node.op_type not in ("ScatterND", "ScatterElements") or reduction == "none":
            new_nodes.append(node)
            continue
        if node.op_type != "ScatterND" or reduction != "add":
            raise ValueError(f"{node.name}: {node.op_type} reduction={reduction} has no deterministic rewrite")
        data, indices, updates = node.input
        idx_type = types.get(indices)
        if idx_type is not None and idx_type.HasField("shape"):
            dims = idx_type.shape.dim
            if len(dims) != 2 or (dims[1].HasField("dim_value") and dims[1].dim_value != 1):
                raise ValueError(f"{node.name}: indices of shape {dims} are not [M, 1]")
        elem = types[updates].elem_type if updates in types else TensorProto.FLOAT
        p = f"{node.name}_det"
        new_nodes += [
            _const(f"{p}_zero", 0),
            _const(f"{p}_one", 1),
            _const(f"{p}_first", [0]),
            _const(f"{p}_second", [1]),
            _const(f"{p}_minus1", [-1]),
            _const(f"{p}_axis1", [1]),
            # T = data.shape[0]; idx: [M]
            helper.make_node("Shape", [data], [f"{p}_dshape"]),
            helper.make_node("Gather", [f"{p}_dshape", f"{p}_zero"], [f"{p}_T"], axis=0),
            helper.make_node("Squeeze", [indices, f"{p}_axis1"], [f"{p}_idx"]),
            # onehot_t: [T, M] = (range(T)[:, None] == idx[None, :])
            helper.make_node("Range", [f"{p}_zero", f"{p}_T", f"{p}_one"], [f"{p}_range"]),
            helper.make_node("Unsqueeze", [f"{p}_range", f"{p}_axis1"], [f"{p}_rcol"]),
            helper.make_node("Unsqueeze", [f"{p}_idx", f"{p}_first"], [f"{p}_irow"]),
            helper.make_node("Equal", [f"{p}_rcol", f"{p}_irow"], [f"{p}_eq"]),
            helper.make_node("Cast", [f"{p}_eq"], [f"{p}_onehot"], to=elem),
            # updates: [M, ...] -> [M, F]
            helper.make_node("Shape", [updates], [f"{p}_ushape"]),
            helper.make_node("Slice", [f"{p}_ushape", f"{p}_first", f"{p}_second"], [f"{p}_M"]),
            helper.make_node("Concat", [f"{p}_M", f"{p}_minus1"], [f"{p}_flatshape"], axis=0),
            helper.make_node("Reshape", [updates, f"{p}_flatshape"], [f"{p}_flat"]),
            helper.make_node("MatMul", [f"{p}_onehot", f"{p}_flat"], [f"{p}_sum"]),
            helper.make_node("Reshape", [f"{p}_sum", f"{p}_dshape"], [f"{p}_shaped"]),
            helper.make_node("Add", [data, f"{p}_shaped"], list(node.output)),
        ]
        replaced += 1
    del graph.node[:]
    graph.node.extend(new_nodes)
    onnx.checker.check_model(model)
    return model, replaced


def rewrite_file(path: str | Path) -> int:
    """Rewrites the model at ``path`` in place; returns the number of scatters replaced."""
    model = onnx.load(str(path))
    model, n = make_deterministic(model)
    onnx.save(model, str(path))
    return n


if __name__ == "__main__":
    import sys

    for f in sys.argv[1:]:
        print(f, rewrite_file(f))
