"""PyTorch checkpoints of a committee: config, member seeds, EMA weights and buffers."""

from __future__ import annotations

import json
from pathlib import Path

import torch

from .model import Committee, ModelConfig

FORMAT = "matdisc-mlip-checkpoint-v1"


def save_checkpoint(model: Committee, seeds: list[int], path: str | Path, name: str, base: dict | None = None) -> None:
    """`base`: for a Δ committee, the base potential it corrects ({"path", "sha256"}; see delta.py)."""
    state = {k: v.detach().clone() for k, v in model.state_dict().items()}
    blob = {"format": FORMAT, "name": name, "config": model.cfg.to_dict(), "seeds": seeds, "state_dict": state}
    if base is not None:
        blob["base"] = base
    torch.save(blob, path)


def load_checkpoint(path: str | Path) -> tuple[Committee, dict]:
    """Load a `.pt` checkpoint, or the checkpoint a model card names (its "checkpoint" field)."""
    path = Path(path)
    if path.suffix == ".json":
        card = json.loads(path.read_text())
        if not card.get("checkpoint"):
            raise ValueError(f"{path}: model card names no checkpoint")
        path = path.parent / card["checkpoint"]
    blob = torch.load(path, map_location="cpu", weights_only=True)
    if blob.get("format") != FORMAT:
        raise ValueError(f"{path}: not a {FORMAT} file")
    model = Committee(ModelConfig(**blob["config"]), blob["seeds"])
    model.load_state_dict(blob["state_dict"])
    blob["path"] = str(path)
    return model, blob
