"""The files shipped beside a denoiser: `<name>.schedule.json`, `<name>.card.json`, `<name>.pt`
(PyTorch weights for the Python reference sampler), and the ONNX-vs-PyTorch reference file."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import torch

from . import FORMAT, SCHEDULE_FORMAT
from .export import INPUT_NAMES, OUTPUT_NAMES, OPSET, random_inputs, sha256_file
from .model import Denoiser, DenoiserConfig
from .schedule import Schedule
from .vocab import ELEMENTS

# DiffCSP's recommended Langevin step sizes for MP-20 (scripts/evaluate.py: CSP 1e-5;
# scripts/generation.py: ab initio 5e-6).
STEP_LR = {"csp": 1e-5, "gen": 5e-6}
TYPE_CSP_FRACTION = 0.5  # training mix: fraction of structures whose types are given clean (CSP)


def _floats(a: np.ndarray) -> list[float]:
    return [float(x) for x in np.asarray(a, dtype=np.float64)]


def schedule_json(name: str, schedule: Schedule, lattice_scale: float, natoms: dict, csp_fraction: float) -> dict:
    ddpm = {
        "betas": _floats(schedule.betas),
        "alphas": _floats(schedule.alphas),
        "alpha_bars": _floats(schedule.alpha_bars),
        "posterior_sigmas": _floats(schedule.posterior_sigmas),
    }
    return {
        "format": SCHEDULE_FORMAT,
        "model": name,
        "onnx_contract": FORMAT,
        "num_steps": schedule.num_steps,
        "indexing": "every array has num_steps + 1 entries, index s = 0..num_steps; s = 0 is clean data "
        "(beta 0, alpha_bar 1, sigma 0, normaliser 1). Sampling runs s = num_steps .. 1 and feeds the "
        "network t = s / num_steps (float32).",
        "lattice": {
            "process": "ddpm",
            "beta_schedule": "cosine",
            "cosine_s": 0.008,
            "beta_clip": [1e-4, 0.9999],
            **ddpm,
            "prior": "standard normal per entry of the normalised lattice",
            "normalisation": {
                "scale_a": lattice_scale,
                "natoms_exponent": 1.0 / 3.0,
                "to_model": "lattice_model = lattice_angstrom / (scale_a * n_atoms ** (1/3)), n_atoms = real atoms of that structure",
                "from_model": "lattice_angstrom = lattice_model * scale_a * n_atoms ** (1/3)",
                "rows_are_lattice_vectors": True,
            },
        },
        "coords": {
            "process": "wrapped_normal",
            "sigma_begin": schedule.sigma_begin,
            "sigma_end": schedule.sigma_end,
            "sigma_spacing": "geometric over s = 1..num_steps",
            "sigmas": _floats(schedule.sigmas),
            "normalisers": _floats(schedule.normalisers),
            "normaliser_definition": "E_{x ~ WN(0, sigma^2)} [(d/dx log p_WN(x; sigma))^2] per coordinate, by quadrature",
            "score_output": "score_frac = (d/df_t log q(f_t | f_0)) / sqrt(normaliser[s]); the score itself is score_frac * sqrt(normaliser[s])",
            "prior": "uniform on [0, 1)",
        },
        "types": {
            "process": "ddpm",
            "same_schedule_as": "lattice",
            **ddpm,
            "one_hot_scale": 1.0,
            "prior": "standard normal per entry of [N, T]",
            "decode": "type index k = argmax over the T axis of the final atom_types; Z = k + 1; element = elements[k]",
            "csp": f"types are given: feed the exact one-hot at every step and ignore eps_types "
            f"(the network was trained with {csp_fraction:.0%} of structures in this mode, {1 - csp_fraction:.0%} with noisy types)",
        },
        "sampler": {
            "algorithm": "diffcsp-predictor-corrector",
            "reference": "Jiao et al., NeurIPS 2023, arXiv:2309.04475, Algorithms 1-2; DiffCSP diffusion_w_type.sample",
            "step_lr": dict(STEP_LR),
            "corrector_steps": 1,
            "init": {
                "lattice_model": "N(0, 1) per entry",
                "frac_coords": "U[0, 1)",
                "atom_types": "N(0, 1) per entry (gen); exact one-hot (csp)",
            },
            "per_step": [
                "z = fresh N(0,1) noise for every draw when s > 1, zeros when s = 1",
                "corrector (Langevin on coordinates only, at t = s/T): (_, sf, _) = net(A, F, L, mask, t); "
                "score = sf * sqrt(normalisers[s]); gamma = step_lr * (sigmas[s] / sigma_begin)^2; "
                "F = (F + gamma * score + sqrt(2 * gamma) * z) mod 1",
                "predictor (same t = s/T): (eL, sf, eA) = net(A, F, L, mask, t); score = sf * sqrt(normalisers[s]); "
                "F = (F + (sigmas[s]^2 - sigmas[s-1]^2) * score + sqrt(sigmas[s-1]^2 * (sigmas[s]^2 - sigmas[s-1]^2) / sigmas[s]^2) * z) mod 1; "
                "L = (L - betas[s] / sqrt(1 - alpha_bars[s]) * eL) / sqrt(alphas[s]) + posterior_sigmas[s] * z; "
                "A = (A - betas[s] / sqrt(1 - alpha_bars[s]) * eA) / sqrt(alphas[s]) + posterior_sigmas[s] * z (gen only)",
                "padding atoms: keep mask 0 and their inputs at 0; outputs there are 0",
            ],
        },
        "elements": list(ELEMENTS),
        "natoms_distribution": natoms,
    }


def write_json(path: Path, obj: dict, indent: int | None = 1) -> None:
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w") as f:
        json.dump(obj, f, indent=indent)
        f.write("\n")


def save_weights(path: Path, model: Denoiser, extra: dict | None = None) -> None:
    torch.save({"config": model.cfg.to_dict(), "state_dict": model.state_dict(), **(extra or {})}, path)


def load_model(path: Path) -> Denoiser:
    """Denoiser from `<name>.pt` (or from the `.onnx` / card path next to it)."""
    p = Path(path)
    if p.suffix != ".pt":
        p = p.with_name(p.name.split(".")[0] + ".pt")
    ckpt = torch.load(p, map_location="cpu", weights_only=True)
    model = Denoiser(DenoiserConfig(**ckpt["config"]))
    model.load_state_dict(ckpt["state_dict"])
    return model.eval()


def reference_cases(model: Denoiser, seed: int = 123) -> dict:
    """Two cases, B = 2, N = 5: structure 0 has 5 real atoms, structure 1 has 4 (atom 4 padded).
    Case 0 has noisy types, case 1 one-hot types (CSP-like)."""
    cases = []
    for c in range(2):
        x = random_inputs(2, 5, model.cfg.n_types, seed=seed + c, n_padded=0)
        x["mask"][1, 4] = 0.0
        for k in ("atom_types", "frac_coords"):
            x[k][1, 4] = 0.0
        if c == 1:
            idx = torch.randint(0, model.cfg.n_types, (2, 5), generator=torch.Generator().manual_seed(seed + 10))
            x["atom_types"] = torch.nn.functional.one_hot(idx, model.cfg.n_types).float() * x["mask"].unsqueeze(-1)
        with torch.no_grad():
            out = model.eval()(*(x[k] for k in INPUT_NAMES))
        enc = lambda v: {"shape": list(v.shape), "data": [float(e) for e in v.reshape(-1).tolist()]}
        cases.append({"inputs": {k: enc(x[k]) for k in INPUT_NAMES}, "outputs": {k: enc(v) for k, v in zip(OUTPUT_NAMES, out)}})
    return cases


def card_json(name: str, onnx_path: Path | None, cfg: DenoiserConfig, n_params: int, **fields) -> dict:
    return {
        "name": name,
        "kind": "generator",
        "format": FORMAT,
        "schedule": f"{name}.schedule.json",
        "sha256": sha256_file(onnx_path) if onnx_path is not None else None,
        "onnx_opset": OPSET,
        "inputs": {
            "atom_types": "float32[B,N,T] one-hot or noisy one-hot, T = 100, index k = Z - 1",
            "frac_coords": "float32[B,N,3] in [0,1)",
            "lattice": "float32[B,3,3] normalised lattice (rows are vectors): L_angstrom / (scale_a * n_atoms^(1/3)), scale_a in the schedule JSON",
            "mask": "float32[B,N] 1 real atom, 0 padding",
            "t": "float32[B] s / num_steps in (0, 1]",
        },
        "outputs": {
            "eps_lattice": "float32[B,3,3] predicted noise of the normalised-lattice DDPM",
            "score_frac": "float32[B,N,3] predicted wrapped-normal score divided by sqrt(normaliser[s]); 0 at padding",
            "eps_types": "float32[B,N,T] predicted noise of the type DDPM; 0 at padding; ignored in CSP mode",
        },
        "architecture": {"kind": "dense CSPNet-like denoiser", **cfg.to_dict(), "parameters": n_params},
        "torch_reference": {"weights": f"{name}.pt", "loader": "matdisc_training.generator.artifacts:load_model"},
        "metrics": {},
        "metrics_note": "left empty here; the TypeScript evaluation fills it",
        **fields,
    }
