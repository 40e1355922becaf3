"""SevenNet's own PyTorch results (sevenn's ASE calculator) for structures given as JSON.

    python -m matdisc_training.sevennet.reference [--model 7net-0] < structures.json > results.json

Input: a JSON list of {"lattice": [[3]x3] (rows, Å), "species": ["Si", ...], "cart": [[x, y, z], ...]}.
Output: a JSON list of {"energy_ev", "forces_ev_per_a", "stress_ev_per_a3" (3x3, ASE sign)}.
Used by test/models/mlip/sevennet.test.ts to compare the exported ONNX graph with the original model.
"""

from __future__ import annotations

import argparse
import json
import sys
import warnings

from .model import DEFAULT_MODEL


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default=DEFAULT_MODEL, help="pretrained name or checkpoint path")
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args(argv)
    warnings.filterwarnings("ignore")
    import torch
    from ase import Atoms
    from sevenn.calculator import SevenNetCalculator

    torch.set_num_threads(args.threads)
    calc = SevenNetCalculator(args.model, device="cpu")
    out = []
    for s in json.load(sys.stdin):
        atoms = Atoms(symbols=s["species"], positions=s["cart"], cell=s["lattice"], pbc=True)
        atoms.calc = calc
        out.append({
            "energy_ev": float(atoms.get_potential_energy()),
            "forces_ev_per_a": atoms.get_forces().tolist(),
            "stress_ev_per_a3": atoms.get_stress(voigt=False).tolist(),
        })
    json.dump(out, sys.stdout)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
