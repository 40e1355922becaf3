"""The card of a universal committee: a base potential plus a Δ committee (delta.py), composed."""

from __future__ import annotations

import json
from pathlib import Path

from .card import _sha256, build_card


def build_universal_card(*, base: dict, spread: dict | None, onnx_path: Path, io: dict, **kwargs) -> dict:
    """The Δ committee's card, re-addressed to the composed graph.

    `elements` are the base's (the composed graph serves all of them; elements the Δ committee
    never saw get the base prediction and no spread, see delta.zero_unseen_elements).
    """
    card = build_card(onnx_path=onnx_path, io=io, **kwargs)
    base_card_path = Path(base["path"]).with_suffix("").with_suffix(".card.json")
    base_card = json.loads(base_card_path.read_text())
    delta_elements = card["elements"]
    card["elements"] = base_card["elements"]
    card["description"] = (
        f"universal committee: {base_card['name']} plus a {card['members']}-member Δ committee trained on its "
        f"residuals (DFT - {base_card['name']}) for {', '.join(delta_elements)}; "
        + card["description"].split("; ", 1)[-1]
    )
    card["energy_scale"] = (
        f"{base_card['name']}'s (MPtrj, VASP GGA/GGA+U) moved by the Δ committee's per-element references "
        "to the scale of its training labels"
    )
    card["universal"] = {
        "base": {"name": base_card["name"], "file": Path(base["path"]).name, "sha256": base["sha256"]},
        "delta_elements": delta_elements,
        "unseen_elements": "base prediction only: correction and spread exactly 0",
        "spread_scale": spread,
        "calibration": "s fitted on the even-numbered frames of each held-out set so 68.3 % of |error| lie within s σ "
        "(s_E from energies per atom and the energy spread, s_F from the per-frame max force error and "
        "max force deviation); metrics are on the odd-numbered frames with the scaled spread",
        "composition": "E_m = E_base + mean(Δ) + s_E (Δ_m - mean Δ); edge_grad likewise with s_F",
    }
    card["torch_reference"] = {
        "builder": "matdisc_training.mlip.universal_card:build_torch_reference",
        "arg": onnx_path.with_suffix("").name + ".card.json",
        "note": "SevenNet-0 in eager sevenn modules plus the Δ committee, combined as in the graph",
    }
    card["architecture"]["type"] = f"{base_card['name']} + committee of descriptor networks on its residuals"
    if "universal" in io and "export_error" not in io:
        card["onnx"]["delta_file"] = io["universal"]["delta"]["file"]
        card["sha256"] = _sha256(onnx_path)
    return card


def build_torch_reference(card_path: str):
    """Eager PyTorch twin of a universal committee, for bench/mlip_torch_eager.py: SevenNet-0 in
    eager sevenn modules plus the Δ committee, combined as the composed graph combines them."""
    import torch

    from ..sevennet.model import build_module
    from .checkpoint import load_checkpoint
    from .export import potential_fn
    from .delta import checkpoint_base

    card = json.loads(Path(card_path).read_text())
    delta, blob = load_checkpoint(card_path)
    base_path = Path(checkpoint_base(blob)["path"])
    base = build_module(str(base_path.with_suffix("").with_suffix(".card.json")))
    correction = potential_fn(delta.eval())
    scale = card["universal"]["spread_scale"]

    class Universal(torch.nn.Module):
        def forward(self, species, edge_index, edge_vec, batch, n_structures):
            be, bg, emb = base(species, edge_index, edge_vec, batch, n_structures)[:3]
            de, dg, _ = correction(species, edge_index, edge_vec, batch, n_structures)
            me, mg = de.mean(0, keepdim=True), dg.mean(0, keepdim=True)
            return (be + me + scale["energy"] * (de - me), bg + mg + scale["forces"] * (dg - mg), emb)

    return Universal().eval()
