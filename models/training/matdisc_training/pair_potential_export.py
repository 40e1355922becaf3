"""Analytic test potentials exported in matdisc's potential contract (matdisc-potential-v1).

A committee of Morse pair potentials with a smooth (C2) cutoff, written as a PyTorch module and
exported to ONNX, so the TypeScript runtime can be tested against numbers known in closed form.
The members differ slightly in their parameters, so the committee has a non-zero spread.

Contract (what every matdisc potential takes and returns):

    inputs   species       int64[N]     atomic numbers
             edge_index    int64[2, E]  row 0 = centre i, row 1 = neighbour j (full list)
             edge_vec      float32[E, 3] r_ij = x_j - x_i + shift (Å)
             batch         int64[N]     structure index of each atom
             n_structures  int64[]      number of structures S
    outputs  energy        float32[M, S]    total energy per member and structure (eV)
             edge_grad     float32[M, E, 3] dE_m / d edge_vec (eV/Å)
             embedding     float32[S, 2]    per-structure mean of (coordination, atom energy)

Energy of member m (both directions of every pair are in the list, hence the 1/2):

    E_m = 1/2 Σ_edges D_m [exp(-2 a_m (r - r0)) - 2 exp(-a_m (r - r0))] s(r)
    r0  = k_m (R_i + R_j)                 R: Cordero covalent radii (Å)
    s(r) = 1 - 10 t³ + 15 t⁴ - 6 t⁵,      t = clamp((r - r_on) / (r_cut - r_on), 0, 1)

edge_grad is written analytically (dE/dr · r_vec / r), not by autograd, so the exported graph
is forward-only; the TypeScript tests check it against finite differences of the energy.

    python -m matdisc_training.pair_potential_export --out test/models/mlip/fixtures

writes, for each variant, <name>.onnx, <name>.card.json (the model card) and
<name>.params.json (every number of the analytic form, for the tests).
"""

from __future__ import annotations

import argparse
import hashlib
import json
from pathlib import Path

import torch

from .mlip.deterministic_scatter import rewrite_file

# Z = 1..94, Cordero et al., Dalton Trans. 2832 (2008), as in crystal/elements.ts.
SYMBOLS = (
    "H He Li Be B C N O F Ne Na Mg Al Si P S Cl Ar K Ca Sc Ti V Cr Mn Fe Co Ni Cu Zn Ga Ge As Se "
    "Br Kr Rb Sr Y Zr Nb Mo Tc Ru Rh Pd Ag Cd In Sn Sb Te I Xe Cs Ba La Ce Pr Nd Pm Sm Eu Gd Tb "
    "Dy Ho Er Tm Yb Lu Hf Ta W Re Os Ir Pt Au Hg Tl Pb Bi Po At Rn Fr Ra Ac Th Pa U Np Pu"
).split()
COVALENT_RADII = [
    0.31, 0.28, 1.28, 0.96, 0.84, 0.76, 0.71, 0.66, 0.57, 0.58, 1.66, 1.41, 1.21, 1.11, 1.07, 1.05,
    1.02, 1.06, 2.03, 1.76, 1.7, 1.6, 1.53, 1.39, 1.39, 1.32, 1.26, 1.24, 1.32, 1.22, 1.22, 1.2,
    1.19, 1.2, 1.2, 1.16, 2.2, 1.95, 1.9, 1.75, 1.64, 1.54, 1.47, 1.46, 1.42, 1.39, 1.45, 1.44,
    1.42, 1.39, 1.39, 1.38, 1.39, 1.4, 2.44, 2.15, 2.07, 2.04, 2.03, 2.01, 1.99, 1.98, 1.98, 1.96,
    1.94, 1.92, 1.92, 1.89, 1.9, 1.87, 1.87, 1.75, 1.7, 1.62, 1.51, 1.44, 1.41, 1.36, 1.36, 1.32,
    1.45, 1.46, 1.48, 1.4, 1.5, 1.5, 2.6, 2.21, 2.15, 2.06, 2.0, 1.96, 1.9, 1.87,
]
assert len(SYMBOLS) == len(COVALENT_RADII) == 94

DEPTH_EV = 0.35
ALPHA_PER_A = 1.4
R_ON_A = 4.0
R_CUT_A = 5.0
N_MEMBERS = 4

# name -> relative spread of the member parameters (0 = identical members).
VARIANTS = {"morse-committee": 1.0, "morse-identical": 0.0, "morse-wide": 4.0}


def member_parameters(spread: float, n_members: int = N_MEMBERS) -> dict:
    """Depth D_m (eV), stiffness a_m (1/Å) and radius scale k_m of each member."""
    offsets = [m - (n_members - 1) / 2 for m in range(n_members)]  # -1.5, -0.5, 0.5, 1.5
    return {
        "depth_ev": [DEPTH_EV * (1 + 0.02 * spread * o) for o in offsets],
        "alpha_per_a": [ALPHA_PER_A * (1 - 0.01 * spread * o) for o in offsets],
        "radius_scale": [1 + 0.004 * spread * o for o in offsets],
    }


class MorseCommittee(torch.nn.Module):
    """M Morse pair potentials evaluated on one batched neighbour list."""

    def __init__(self, depth_ev, alpha_per_a, radius_scale, r_on=R_ON_A, r_cut=R_CUT_A):
        super().__init__()
        radii = torch.tensor([0.0] + COVALENT_RADII, dtype=torch.float32)  # index = Z
        scale = torch.tensor(radius_scale, dtype=torch.float32)
        self.register_buffer("depth", torch.tensor(depth_ev, dtype=torch.float32))
        self.register_buffer("alpha", torch.tensor(alpha_per_a, dtype=torch.float32))
        self.register_buffer("radius", scale[:, None] * radii[None, :])  # [M, 95]
        self.r_on = float(r_on)
        self.r_cut = float(r_cut)

    def forward(self, species, edge_index, edge_vec, batch, n_structures):
        n_atoms = species.shape[0]
        n_members = self.depth.shape[0]
        src = edge_index[0]
        dst = edge_index[1]
        # Explicit sum of squares: ONNX Runtime's ReduceSum gets the shape wrong when E = 0.
        x, y, z = edge_vec[:, 0], edge_vec[:, 1], edge_vec[:, 2]
        r = torch.sqrt(x * x + y * y + z * z)  # [E]
        # index_select exports as Gather; advanced indexing becomes GatherND, which ONNX Runtime
        # mishandles when there are no edges (E = 0, e.g. one atom in a large cell).
        z_src = torch.index_select(species, 0, src)
        z_dst = torch.index_select(species, 0, dst)
        r0 = torch.index_select(self.radius, 1, z_src) + torch.index_select(self.radius, 1, z_dst)  # [M, E]
        alpha = self.alpha[:, None]
        ex = torch.exp(-alpha * (r[None, :] - r0))
        phi = self.depth[:, None] * (ex * ex - 2.0 * ex)
        dphi = -2.0 * alpha * self.depth[:, None] * (ex * ex - ex)
        width = self.r_cut - self.r_on
        t = torch.clamp((r - self.r_on) / width, 0.0, 1.0)
        sw = 1.0 - t * t * t * (10.0 - 15.0 * t + 6.0 * t * t)
        dsw = -30.0 * t * t * (1.0 - t) * (1.0 - t) / width
        e_edge = 0.5 * phi * sw[None, :]  # [M, E]
        de_dr = 0.5 * (dphi * sw[None, :] + phi * dsw[None, :])
        edge_grad = (de_dr / r[None, :])[:, :, None] * edge_vec[None, :, :]  # [M, E, 3]

        e_atom = torch.zeros(n_members, n_atoms, dtype=e_edge.dtype).index_add(1, src, e_edge)
        n_struct = n_structures.item()
        torch._check(n_struct >= 1)
        energy = torch.zeros(n_members, n_struct, dtype=e_edge.dtype).index_add(1, batch, e_atom)

        coordination = torch.zeros(n_atoms, dtype=sw.dtype).index_add(0, src, sw)
        features = torch.stack([coordination, e_atom.mean(0)], dim=1)  # [N, 2]
        sums = torch.zeros(n_struct, 2, dtype=features.dtype).index_add(0, batch, features)
        counts = torch.zeros(n_struct, dtype=features.dtype).index_add(
            0, batch, torch.ones(n_atoms, dtype=features.dtype)
        )
        embedding = sums / torch.clamp(counts, min=1.0)[:, None]
        return energy, edge_grad, embedding


def example_inputs():
    """Two atoms in one structure, two edges; shapes only matter (N, E are dynamic)."""
    return (
        torch.tensor([29, 8], dtype=torch.int64),
        torch.tensor([[0, 1, 0], [1, 0, 0]], dtype=torch.int64),
        torch.tensor([[2.0, 0.0, 0.0], [-2.0, 0.0, 0.0], [0.0, 3.0, 0.0]], dtype=torch.float32),
        torch.tensor([0, 0], dtype=torch.int64),
        torch.tensor(1, dtype=torch.int64),
    )


def export(name: str, spread: float, out_dir: Path) -> Path:
    params = member_parameters(spread)
    module = MorseCommittee(**params).eval()
    n_atoms = torch.export.Dim("n_atoms")
    n_edges = torch.export.Dim("n_edges")
    onnx_path = out_dir / f"{name}.onnx"
    torch.onnx.export(
        module,
        example_inputs(),
        str(onnx_path),
        dynamo=True,
        external_data=False,
        input_names=["species", "edge_index", "edge_vec", "batch", "n_structures"],
        output_names=["energy", "edge_grad", "embedding"],
        dynamic_shapes={
            "species": {0: n_atoms},
            "edge_index": {1: n_edges},
            "edge_vec": {0: n_edges},
            "batch": {0: n_atoms},
            "n_structures": None,
        },
    )
    _strip_metadata(onnx_path)
    rewrite_file(onnx_path)  # deterministic sums under any thread count
    sha = hashlib.sha256(onnx_path.read_bytes()).hexdigest()
    card = {
        "name": name,
        "kind": "mlip",
        "format": "matdisc-potential-v1",
        "cutoff_a": R_CUT_A,
        "members": N_MEMBERS,
        "elements": SYMBOLS,
        "sha256": sha,
        "description": (
            f"Analytic Morse pair-potential committee (test fixture, spread {spread}); "
            "numbers computed with it are plumbing numbers, not physics."
        ),
        "embedding_dim": 2,
        "training": {"source": "matdisc_training.pair_potential_export", "torch": torch.__version__},
    }
    (out_dir / f"{name}.card.json").write_text(json.dumps(card, indent=2) + "\n")
    analytic = {
        "form": "morse-smooth-cutoff",
        "r_on_a": R_ON_A,
        "r_cut_a": R_CUT_A,
        "covalent_radii_a": dict(zip(SYMBOLS, COVALENT_RADII)),
        **params,
    }
    (out_dir / f"{name}.params.json").write_text(json.dumps(analytic, indent=2) + "\n")
    return onnx_path


def _strip_metadata(path: Path) -> None:
    """Drops per-node stack traces (they hold local paths and bloat the file)."""
    import onnx

    model = onnx.load(str(path))
    for node in model.graph.node:
        del node.metadata_props[:]
    model.doc_string = ""
    onnx.save(model, str(path))


def build_module(params_path: Path) -> MorseCommittee:
    """The eager PyTorch module of an exported variant, from its params.json (for benchmarks)."""
    p = json.loads(Path(params_path).read_text())
    return MorseCommittee(p["depth_ev"], p["alpha_per_a"], p["radius_scale"], p["r_on_a"], p["r_cut_a"]).eval()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True, help="directory for the .onnx/.card.json files")
    parser.add_argument("--only", choices=sorted(VARIANTS), help="export one variant")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    for name, spread in VARIANTS.items():
        if args.only and name != args.only:
            continue
        path = export(name, spread, args.out)
        print(f"wrote {path} ({path.stat().st_size} bytes)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
