"""Δ-learning on a base potential: the universal committee.

A foundation model (SevenNet-0) is one network: it cannot say what it does not know, and
re-exporting it takes half an hour on two cores, so it cannot learn every campaign round. The
universal committee keeps it fixed as the base and adds a small committee (model.py) trained on
its residuals, E_dft - E_base and F_dft - F_base:

    E_m = E_base + mean(Δ) + s_E · (Δ_m - mean(Δ))      (edge_grad likewise with s_F)

The committee mean is the base plus the mean correction; the members' spread is the Δ
committee's, scaled by factors fitted on held-out data (recalibration of a bootstrap ensemble,
Palmer et al., npj Comput. Mater. 8, 115 (2022)): s_E for energies, s_F for the gradients, so
the energy spread and the force deviation are each calibrated (a member's forces are then not
exactly minus the gradient of its energy; the committee mean is unaffected). Retraining a round fine-tunes the Δ
committee on (DFT - base) of the round's labels and composes a new graph, which takes minutes:
the base graph is copied, not re-exported. Both graphs follow `matdisc-potential-v1` with the
same cutoff, so one neighbour list feeds both and the composed graph follows it too.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

from .data import Graph, collate
from .export import INPUT_NAMES, OUTPUT_NAMES
from .model import Committee


def sha256_file(path: str | Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def _session(path: str | Path, threads: int):
    import onnxruntime as ort

    opts = ort.SessionOptions()
    opts.intra_op_num_threads = threads
    opts.inter_op_num_threads = 1
    return ort.InferenceSession(str(path), opts, providers=["CPUExecutionProvider"])


def _edge_batches(graphs: list[Graph], max_edges: int) -> list[list[int]]:
    batches, current, edges = [], [], 0
    for k, g in enumerate(graphs):
        e = g.edge_index.shape[1]
        if current and edges + e > max_edges:
            batches.append(current)
            current, edges = [], 0
        current.append(k)
        edges += e
    if current:
        batches.append(current)
    return batches


def predict_graphs(path: str | Path, graphs: list[Graph], threads: int = 1, max_edges: int = 5000,
                   log=None) -> list[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """Per graph: (energy [M] eV, forces [M,N,3] eV/Å, stress [M,3,3] eV/Å³, ASE sign) from an ONNX potential.

    Forces and stress are assembled from edge_grad exactly as the TypeScript runtime does
    (models/mlip/assemble.ts): F_k = Σ_{i_e=k} g_e - Σ_{j_e=k} g_e, σ = sym(Σ_e g_e ⊗ r_e) / V.
    Batches are cut at `max_edges` so memory stays bounded (the graph's one-hot sums are E x N).
    """
    sess = _session(path, threads)
    out: list = [None] * len(graphs)
    batches = _edge_batches(graphs, max_edges)
    for n, ids in enumerate(batches):
        b = collate([graphs[k] for k in ids])
        feeds = {
            "species": b.species.numpy(),
            "edge_index": b.edge_index.numpy(),
            "edge_vec": b.edge_vec.numpy(),
            "batch": b.batch.numpy(),
            "n_structures": np.array(b.n_structures, dtype=np.int64),
        }
        energy, grad = sess.run(OUTPUT_NAMES[:2], feeds)
        grad = grad.astype(np.float64)  # [M,E,3]
        ei = b.edge_index.numpy()
        n_atoms = b.species.shape[0]
        forces = np.zeros((grad.shape[0], n_atoms, 3))
        for m in range(grad.shape[0]):
            np.add.at(forces[m], ei[0], grad[m])
            np.subtract.at(forces[m], ei[1], grad[m])
        edge_struct = b.batch.numpy()[ei[0]]
        r = b.edge_vec.numpy().astype(np.float64)
        atom_start = 0
        for s, k in enumerate(ids):
            g = graphs[k]
            mask = edge_struct == s
            w = np.einsum("mea,eb->mab", grad[:, mask], r[mask])
            stress = 0.5 * (w + np.transpose(w, (0, 2, 1))) / g.volume
            out[k] = (energy[:, s].astype(np.float64), forces[:, atom_start:atom_start + g.n_atoms], stress)
            atom_start += g.n_atoms
        if log and (n + 1) % 20 == 0:
            log({"event": "base_predictions", "batches": n + 1, "of": len(batches)})
    return out


def _frame_key(g: Graph) -> str:
    h = hashlib.sha256()
    for a in (g.numbers, g.edge_index, g.edge_vec):
        h.update(np.ascontiguousarray(a).tobytes())
    return h.hexdigest()


def residual_graphs(base: str | Path, graphs: list[Graph], threads: int = 1, log=None,
                    cache: str | Path | None = None) -> list[Graph]:
    """The same frames labelled with DFT - base (energy, forces, and stress where the frame has one).

    `cache`: a JSON file of base predictions by frame (neighbour list hash) and base sha256, so a
    campaign's retraining predicts each label with the base model once, not once per round.
    """
    base_sha = sha256_file(base)
    stored: dict = {}
    if cache is not None and Path(cache).exists():
        blob = json.loads(Path(cache).read_text())
        stored = blob["frames"] if blob.get("base_sha256") == base_sha else {}
    keys = [_frame_key(g) for g in graphs]
    todo = [k for k, key in enumerate(keys) if key not in stored]
    for k, p in zip(todo, predict_graphs(base, [graphs[k] for k in todo], threads=threads, log=log)):
        stored[keys[k]] = [p[0].tolist(), p[1].tolist(), p[2].tolist()]
    if cache is not None and todo:
        tmp = Path(str(cache) + ".tmp")
        tmp.write_text(json.dumps({"base_sha256": base_sha, "frames": stored}))
        tmp.replace(cache)  # atomic: a retried step reads a whole file or none
    preds = [tuple(np.array(x) for x in stored[key]) for key in keys]
    result = []
    for g, (e, f, s) in zip(graphs, preds):
        result.append(replace(
            g,
            energy=0.0 if g.energy_is_base else g.energy - float(e[0]),
            forces=g.forces - f[0],
            stress=None if g.stress is None else g.stress - s[0],
        ))
    return result


def checkpoint_base(blob: dict) -> dict | None:
    """The base potential a Δ committee's checkpoint (checkpoint.load_checkpoint's blob) names.

    The checkpoint records the base's path (relative to the checkpoint, or absolute) and sha256;
    a model moved with its base (committed to models/mlip) finds it beside itself. A changed
    base file is refused: the Δ was fitted to that model's residuals.
    """
    if "base" not in blob:
        return None
    recorded, here = blob["base"], Path(blob["path"]).parent
    path = Path(recorded["path"])
    if not path.is_absolute():
        path = (here / path).resolve()
    if not path.exists():
        path = here / path.name
    if not path.exists():
        raise FileNotFoundError(f"{blob['path']}: its base potential {path} is missing")
    sha = sha256_file(path)
    if sha != recorded["sha256"]:
        raise ValueError(f"{blob['path']}: base potential {path} has sha256 {sha}, the checkpoint was fitted to {recorded['sha256']}")
    return {"path": str(path), "sha256": sha}


def zero_unseen_elements(model: Committee, seen: set[int]) -> None:
    """Make the correction exactly 0 (energy and gradient) on elements without training atoms.

    The per-element modulations of an unseen element are left at their initial values, which
    give arbitrary outputs on unstandardised descriptors; zeroing them makes h1 = h2 = 0 and
    the atom energy b3 = 0, so such atoms get the base prediction (and no spread).
    """
    import torch

    with torch.no_grad():
        unseen = torch.tensor([z for z in range(model.g1.shape[1]) if z not in seen], dtype=torch.long)
        for p in (model.g1, model.b1, model.g2, model.b2):
            p[:, unseen] = 0.0
        model.b3[:, unseen] = 0.0
        model.reference_energy[unseen] = 0.0


def compose(base: str | Path, delta: str | Path, out: str | Path, spread_scale: dict | None = None) -> dict:
    """Write the universal graph: base + mean(Δ) + s (Δ_m - mean Δ) for `energy` and `edge_grad`.

    `spread_scale`: {"energy": s_E, "forces": s_F} (default 1 and 1).

    The base's `embedding` output is kept (it describes the structure, the correction does not).
    Returns what the card records of it.
    """
    b, d = onnx.load(str(base)), onnx.load(str(delta))
    if b.opset_import[0].version != d.opset_import[0].version:
        raise ValueError(f"opset differs: base {b.opset_import[0].version}, delta {d.opset_import[0].version}")
    inputs = set(INPUT_NAMES)
    d = onnx.compose.add_prefix(d, "delta/", rename_inputs=False, rename_outputs=True)
    base_rename = {"energy": "base/energy", "edge_grad": "base/edge_grad"}
    bg, dg = b.graph, d.graph
    nodes = []
    for node in bg.node:
        node.output[:] = [base_rename.get(o, o) for o in node.output]
        node.input[:] = [base_rename.get(i, i) for i in node.input]
        nodes.append(node)
    nodes += list(dg.node)
    spread_scale = {"energy": 1.0, "forces": 1.0, **(spread_scale or {})}
    scales = {name: numpy_helper.from_array(np.array(spread_scale[key], dtype=np.float32), f"universal/{name}/scale")
              for name, key in (("energy", "energy"), ("edge_grad", "forces"))}
    axes = numpy_helper.from_array(np.array([0], dtype=np.int64), "universal/member_axis")
    for name in ("energy", "edge_grad"):
        p = f"universal/{name}"
        nodes += [
            helper.make_node("ReduceMean", [f"delta/{name}", axes.name], [f"{p}/mean"], keepdims=1),
            helper.make_node("Sub", [f"delta/{name}", f"{p}/mean"], [f"{p}/dev"]),
            helper.make_node("Mul", [f"{p}/dev", scales[name].name], [f"{p}/scaled_dev"]),
            helper.make_node("Add", [f"{p}/mean", f"{p}/scaled_dev"], [f"{p}/delta"]),
            helper.make_node("Add", [f"base/{name}", f"{p}/delta"], [name]),
        ]
    outputs = []
    members = dg.output[0].type.tensor_type.shape.dim[0].dim_value
    for o in bg.output:
        if o.name == "energy":
            outputs.append(helper.make_tensor_value_info("energy", TensorProto.FLOAT, [members, "S"]))
        elif o.name == "edge_grad":
            outputs.append(helper.make_tensor_value_info("edge_grad", TensorProto.FLOAT, [members, "E", 3]))
        else:
            outputs.append(o)
    graph = helper.make_graph(
        nodes,
        "universal_committee",
        [i for i in bg.input if i.name in inputs],
        outputs,
        initializer=list(bg.initializer) + list(dg.initializer) + list(scales.values()) + [axes],
    )
    model = helper.make_model(graph, opset_imports=list(b.opset_import), ir_version=b.ir_version)
    onnx.checker.check_model(model)
    onnx.save(model, str(out))
    return {
        "base": {"file": Path(base).name, "sha256": sha256_file(base)},
        "delta": {"file": Path(delta).name, "sha256": sha256_file(delta)},
        "spread_scale": {k: spread_scale[k] for k in ("energy", "forces")},
        "members": members,
    }


def fit_spread_scale(errors: np.ndarray, sigmas: np.ndarray, coverage: float = 0.6827) -> float:
    """The factor s that puts a fraction `coverage` of held-out |errors| inside s σ (1σ of a normal).

    A quantile, not the RMS of |error|/σ: the ratios are heavy-tailed (a few frames where the
    committee agrees and the base is off), and an RMS fit to them inflates every σ far beyond
    the typical error, which would mark every structure untrusted.
    """
    ok = sigmas > 0
    if ok.sum() < 3:
        return 1.0
    return float(np.quantile(np.abs(errors[ok]) / sigmas[ok], coverage))


def scaled_uncertainty(result: dict[str, np.ndarray], scale: dict) -> dict[str, np.ndarray]:
    """metrics.evaluate's arrays with the spread multiplied by the composed graph's factors."""
    return {**result, "energy_std_ev_per_atom": result["energy_std_ev_per_atom"] * scale["energy"],
            "max_force_dev": result["max_force_dev"] * scale["forces"]}


def verify_composition(base: str | Path, delta: str | Path, composed: str | Path, graphs: list[Graph],
                       spread_scale: dict) -> dict:
    """Largest difference, composed graph vs base + mean Δ + s (Δ_m - mean Δ) run separately."""
    if not graphs:
        return {"frames": 0}
    got = predict_graphs(composed, graphs)
    b, d = predict_graphs(base, graphs), predict_graphs(delta, graphs)
    de, df = 0.0, 0.0
    for (ge, gf, _), (be, bf, _), (dE, dF, _) in zip(got, b, d):
        want_e = be[0] + dE.mean(0) + spread_scale["energy"] * (dE - dE.mean(0))
        want_f = bf[0][None] + dF.mean(0)[None] + spread_scale["forces"] * (dF - dF.mean(0)[None])
        de, df = max(de, float(np.abs(ge - want_e).max())), max(df, float(np.abs(gf - want_f).max()))
    return {"frames": len(graphs), "energy_max_abs_diff_ev": de, "forces_max_abs_diff_ev_per_a": df}
