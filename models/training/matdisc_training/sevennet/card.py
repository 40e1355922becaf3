"""`sevennet-export`: write <name>.onnx and its model card (format matdisc-potential-v1)."""

from __future__ import annotations

import hashlib
import json
import platform
import shlex
import sys
import time
from importlib import metadata
from pathlib import Path

import torch

from .. import __version__
from ..elements import SYMBOLS
from ..mlip.card import RUNTIME_NOTES
from .export import crystal_inputs, example_inputs, export_onnx, verify_onnx
from .model import SevenNetPotential, load_sevenn_model

SEVENNET_CITATION = (
    "Park et al., J. Chem. Theory Comput. 20, 4857 (2024): SevenNet, trained on MPtrj "
    "(Deng et al., Nat. Mach. Intell. 5, 1031 (2023))"
)


def _sha256(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def checkpoint_path(name_or_path: str) -> Path:
    """The checkpoint file sevenn loads for a pretrained name (or the path itself)."""
    p = Path(name_or_path)
    if p.is_file():
        return p
    import sevenn.util as util

    return Path(util.pretrained_name_to_path(name_or_path))


def export_command(args) -> dict:
    t0 = time.time()
    torch.set_num_threads(args.threads)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    model, config = load_sevenn_model(args.model)
    potential = SevenNetPotential(model).eval()
    onnx_path = out / f"{args.name}.onnx"
    card_path = out / f"{args.name}.card.json"
    if getattr(args, "card_only", False):  # the ONNX file stays; so do the command and checks that made it
        old = json.loads(card_path.read_text())
        if old["sha256"] != _sha256(onnx_path):
            raise ValueError(f"{onnx_path} does not match {card_path}; export it again")
        metrics = json.loads(Path(args.metrics).read_text()) if args.metrics else None
        io = {k: v for k, v in old["onnx"].items() if k != "file"}
        io["verification"] = verification(potential, onnx_path)
        card = build_card(args, potential, config, io, onnx_path, metrics, old["export_wall_s"])
        card["reproduce"] = old["reproduce"]
        card["card_reproduce"] = "python -m matdisc_training " + " ".join(shlex.quote(a) for a in sys.argv[1:])
        if args.bench:
            card["benchmark"] = json.loads(Path(args.bench).read_text())
        card_path.write_text(json.dumps(card, indent=2) + "\n")
        return card
    io = export_onnx(potential, onnx_path)
    io["verification"] = verification(potential, onnx_path)
    metrics = json.loads(Path(args.metrics).read_text()) if args.metrics else None
    card = build_card(args, potential, config, io, onnx_path, metrics, round(time.time() - t0, 1))
    if args.bench:
        card["benchmark"] = json.loads(Path(args.bench).read_text())
    (out / f"{args.name}.card.json").write_text(json.dumps(card, indent=2) + "\n")
    return card


def verification(potential: SevenNetPotential, onnx_path: Path) -> dict:
    """ONNX Runtime (Python) vs the eager wrapper: random graphs and two rattled crystals."""
    return {
        "random_23_atoms_3_structures": verify_onnx(potential, onnx_path, example_inputs(potential, 23, 211, 3, seed=11)),
        "crystals_si64_nacl64": verify_onnx(potential, onnx_path, crystal_inputs(potential)),
        "one_padding_edge": verify_onnx(potential, onnx_path, (torch.tensor([14]), torch.zeros(2, 1, dtype=torch.int64),
                                                               torch.tensor([[10.0, 0.0, 0.0]]), torch.tensor([0]),
                                                               torch.tensor(1))),
        "note": "largest differences relative to the largest |value| of each output; the wrapper equals sevenn's own "
        "calculator, and test/models/mlip/sevennet.test.ts checks the ONNX file against sevenn's calculator on MP-20 "
        "structures through the TypeScript runtime",
    }


def build_card(args, potential: SevenNetPotential, config: dict, io: dict, onnx_path: Path, metrics: dict | None,
               wall_s: float) -> dict:
    ckpt = checkpoint_path(args.model)
    elements = [SYMBOLS[z] for z in potential.atomic_numbers()]
    version = metadata.version("sevenn")
    card = {
        "name": args.name,
        "kind": "mlip",
        "format": "matdisc-potential-v1",
        "cutoff_a": potential.cutoff,
        "members": 1,
        "elements": elements,
        "energy_scale": "MPtrj: VASP PBE/PBE+U total energies in the Materials Project's settings "
        "(uncorrected, no MP2020 compatibility corrections)",
        "description": f"SevenNet-0 (11Jul2024), a universal equivariant potential for {len(elements)} elements, "
        "trained on MPtrj; exported from the sevenn package's weights, one member (no committee spread)",
        "implemented_properties": ["energy", "forces", "stress"],
        "runtime_notes": {
            **{k: v for k, v in RUNTIME_NOTES.items() if k != "reference_energies"},
            "reference_energies": "SevenNet's per-species energy shift and scale are inside the graph: energy is a total energy",
            "cutoff": "SevenNet-0 uses 5.0 Å with an XPLOR switch from 4.5 Å; the graph sets the switch to exactly 0 at and "
            "beyond 5.0 Å, so edges of a longer neighbour list add nothing",
        },
        "source": {
            "package": "sevenn",
            "version": version,
            "pretrained": args.model,
            "checkpoint_file": ckpt.name,
            "checkpoint_sha256": _sha256(ckpt),
            "model_version_in_checkpoint": config.get("version"),
            "license": "MIT (the sevenn package, which ships the SevenNet-0 weights)",
            "citation": SEVENNET_CITATION,
        },
        "architecture": {
            "type": "NequIP-style E(3)-equivariant message passing (sevenn AtomGraphSequential)",
            "layers": config.get("num_convolution_layer"),
            "channels": config.get("channel"),
            "lmax": config.get("lmax"),
            "irreps": config.get("irreps_manual"),
            "radial_basis": config.get("radial_basis"),
            "cutoff_function": config.get("cutoff_function"),
            "parameters": int(sum(p.numel() for p in potential.parameters())),
            "embedding": "structure mean of the 128 invariant node features entering the readout",
            "export_changes": "Z -> one-hot by comparison with arange, index_select gathers, index_add aggregation, "
            "cutoff mask at 5.0 Å; forces and stress come from edge_grad in the runtime "
            "(matdisc_training/sevennet/model.py)",
        },
        "torch_reference": {
            "builder": "matdisc_training.sevennet.model:build_module",
            "arg": f"{args.name}.card.json",
            "loader_note": "the builder reads source.pretrained from this card and builds the eager sevenn model",
        },
        "reproduce": "python -m matdisc_training " + " ".join(shlex.quote(a) for a in sys.argv[1:]),
        "toolchain": {"matdisc_training": __version__, "torch": torch.__version__, "python": platform.python_version(),
                      "sevenn": version},
        "export_wall_s": wall_s,
        "onnx": {**io, "file": onnx_path.name},
        "sha256": _sha256(onnx_path),
    }
    if metrics is not None:
        card["metrics"] = {
            "units": {"energy_mae": "meV/atom", "force_mae": "eV/Å per Cartesian component"},
            "published_reference": "zero-shot force MAE of SevenNet-0 on the mlearn test sets as quoted in issue #5; "
            "mlearn data: Zuo et al., J. Phys. Chem. A 124, 731 (2020)",
            **metrics,
        }
    return card
