"""Python reference sampler (DiffCSP predictor-corrector, seeded) and the PyTorch eager bench.

Only for verification and benchmarking: the sampler users run is the TypeScript one, which reads
the same schedule JSON (`sampler.per_step` there is the algorithm written out step by step).
"""

from __future__ import annotations

import json
import math
import re
import time
from pathlib import Path

import numpy as np
import torch

from .artifacts import load_model
from .vocab import ELEMENTS, type_index


def load_schedule_json(model_path: Path) -> dict:
    p = Path(model_path)
    stem = p.name.split(".")[0]
    with open(p.with_name(f"{stem}.schedule.json")) as f:
        return json.load(f)


def parse_composition(text: str) -> list[int]:
    """'Li2O2' or 'Li 2 O 2' -> type indices, one per atom."""
    out: list[int] = []
    for sym, count in re.findall(r"([A-Z][a-z]?)\s*(\d*)", text.replace(" ", "")):
        out += [type_index(sym)] * (int(count) if count else 1)
    if not out:
        raise ValueError(f"cannot read a composition from {text!r}")
    return out


@torch.no_grad()
def sample(model, sched: dict, natoms: list[int], seed: int, step_lr: float | None = None, csp_types: list[int] | None = None) -> dict:
    """Sample len(natoms) structures. csp_types: type indices of one cell (CSP mode, same for all)."""
    mode = "csp" if csp_types is not None else "gen"
    step_lr = sched["sampler"]["step_lr"][mode] if step_lr is None else step_lr
    T = sched["num_steps"]
    f64 = lambda k, sub: torch.tensor(sched[sub][k], dtype=torch.float64)
    betas, alphas, abars, post = (f64(k, "lattice") for k in ("betas", "alphas", "alpha_bars", "posterior_sigmas"))
    sig, lam = f64("sigmas", "coords"), f64("normalisers", "coords")
    sig_begin = sched["coords"]["sigma_begin"]
    n_types = len(sched["elements"])

    b, n = len(natoms), max(natoms)
    g = torch.Generator().manual_seed(seed)
    mask = torch.zeros(b, n)
    for i, k in enumerate(natoms):
        mask[i, :k] = 1.0
    m3 = mask.unsqueeze(-1)
    lat = torch.randn(b, 3, 3, generator=g)
    frac = torch.rand(b, n, 3, generator=g) * m3
    if csp_types is not None:
        types = torch.nn.functional.one_hot(torch.tensor(csp_types), n_types).float().expand(b, n, n_types).contiguous()
    else:
        types = torch.randn(b, n, n_types, generator=g) * m3

    for s in range(T, 0, -1):
        t = torch.full((b,), s / T)
        noise = (lambda *shape: torch.randn(*shape, generator=g)) if s > 1 else (lambda *shape: torch.zeros(*shape))
        # corrector: one Langevin step on the coordinates
        _, sf, _ = model(types, frac, lat, mask, t)
        score = sf * float(lam[s].sqrt())
        gamma = step_lr * (float(sig[s]) / sig_begin) ** 2
        frac = torch.remainder(frac + gamma * score + math.sqrt(2 * gamma) * noise(b, n, 3), 1.0) * m3
        # predictor: reverse step of every variable
        e_l, sf, e_a = model(types, frac, lat, mask, t)
        score = sf * float(lam[s].sqrt())
        d2 = float(sig[s] ** 2 - sig[s - 1] ** 2)
        std = math.sqrt(float(sig[s - 1] ** 2) * d2 / float(sig[s] ** 2))
        frac = torch.remainder(frac + d2 * score + std * noise(b, n, 3), 1.0) * m3
        c0, c1 = 1.0 / math.sqrt(float(alphas[s])), float(betas[s]) / math.sqrt(float(1 - abars[s]))
        lat = c0 * (lat - c1 * e_l) + float(post[s]) * noise(b, 3, 3)
        if csp_types is None:
            types = (c0 * (types - c1 * e_a) + float(post[s]) * noise(b, n, n_types)) * m3

    scale = sched["lattice"]["normalisation"]["scale_a"]
    out = []
    for i, k in enumerate(natoms):
        L = lat[i].double().numpy() * scale * k ** (1 / 3)
        idx = types[i, :k].argmax(-1).tolist()
        f = frac[i, :k].double().numpy()
        out.append(_structure(L, idx, f))
    return {"mode": mode, "step_lr": step_lr, "structures": out}


def _structure(L: np.ndarray, idx: list[int], f: np.ndarray) -> dict:
    if np.linalg.det(L) < 0:  # same crystal, right-handed basis: x = f L = (-f)(-L)
        L, f = -L, np.mod(-f, 1.0)
        f[f >= 1.0] = 0.0
    vol = float(np.linalg.det(L))
    lengths = np.linalg.norm(L, axis=1)
    ang = lambda u, v: math.degrees(math.acos(np.clip(L[u] @ L[v] / (lengths[u] * lengths[v]), -1, 1)))
    return {
        "elements": [ELEMENTS[k] for k in idx],
        "atomic_numbers": [k + 1 for k in idx],
        "frac_coords": f.tolist(),
        "lattice_a": L.tolist(),
        "lengths_a": lengths.tolist(),
        "angles_deg": [ang(1, 2), ang(0, 2), ang(0, 1)],
        "volume_a3": vol,
        "min_distance_a": min_distance(L, f),
    }


def min_distance(L: np.ndarray, f: np.ndarray) -> float:
    """Smallest interatomic distance over periodic images (-2..2 shifts), Å; inf for one atom in a big cell."""
    d = f[:, None, :] - f[None, :, :]
    d -= np.round(d)
    r = np.arange(-2, 3)
    shifts = np.stack(np.meshgrid(r, r, r, indexing="ij"), -1).reshape(-1, 3)
    x = (d[:, :, None, :] + shifts) @ L
    dist = np.linalg.norm(x, axis=-1)
    dist[dist < 1e-8] = np.inf  # the atom itself
    return float(dist.min())


def sample_command(args) -> None:
    torch.set_num_threads(args.threads)
    model = load_model(Path(args.model))
    sched = load_schedule_json(Path(args.model))
    rng = np.random.default_rng(args.seed)
    csp_types = parse_composition(args.composition) if args.composition else None
    if csp_types is not None:
        natoms = [len(csp_types)] * args.n
    elif args.natoms:
        natoms = [args.natoms] * args.n
    else:
        dist = sched["natoms_distribution"]["overall"]
        ks, cs = np.array([int(k) for k in dist]), np.array(list(dist.values()), dtype=float)
        natoms = rng.choice(ks, size=args.n, p=cs / cs.sum()).tolist()
    t0 = time.time()
    res = sample(model, sched, natoms, args.seed, args.step_lr, csp_types)
    wall = time.time() - t0
    structs = res["structures"]
    valid = [s for s in structs if s["min_distance_a"] > 0.5 and s["volume_a3"] > 0.1]
    doc = {
        "model": str(args.model),
        "seed": args.seed,
        "num_steps": sched["num_steps"],
        "threads": args.threads,
        "wall_s": wall,
        "structural_validity": {"rule": "min interatomic distance > 0.5 Å and volume > 0.1 Å^3 (CDVAE)", "fraction": len(valid) / len(structs)},
        **res,
    }
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    with open(args.out, "w") as f:
        json.dump(doc, f, indent=1)
    print(json.dumps({"out": args.out, "n": len(structs), "wall_s": round(wall, 2), "valid_fraction": doc["structural_validity"]["fraction"]}))


@torch.no_grad()
def bench(model, sched: dict, natoms_list: list[int], batch: int, calls: int, seed: int) -> list[dict]:
    """Time `calls` eager denoiser calls per size on a batch of `batch` cells; a full PC sampling run
    costs 2 * num_steps calls, so structures/minute = batch * 60 / (2 * num_steps * s_per_call)."""
    T = sched["num_steps"]
    n_types = len(sched["elements"])
    g = torch.Generator().manual_seed(seed)
    out = []
    for n in natoms_list:
        x = (
            torch.randn(batch, n, n_types, generator=g),
            torch.rand(batch, n, 3, generator=g),
            torch.randn(batch, 3, 3, generator=g),
            torch.ones(batch, n),
            torch.full((batch,), 0.5),
        )
        model(*x)  # warm-up
        t0 = time.perf_counter()
        for _ in range(calls):
            model(*x)
        per_call = (time.perf_counter() - t0) / calls
        out.append({"natoms": n, "batch": batch, "s_per_call": per_call, "structures_per_minute": batch * 60.0 / (2 * T * per_call)})
    return out


def bench_command(args) -> None:
    torch.set_num_threads(args.threads)
    model = load_model(Path(args.model))
    sched = load_schedule_json(Path(args.model))
    natoms = [int(x) for x in str(args.natoms).split(",")]
    res = bench(model, sched, natoms, args.batch, args.calls, args.seed)
    print(json.dumps({"runtime": "pytorch-eager", "torch": torch.__version__, "model": str(args.model), "threads": args.threads, "num_steps": sched["num_steps"], "calls_per_structure": 2 * sched["num_steps"], "results": res}))
