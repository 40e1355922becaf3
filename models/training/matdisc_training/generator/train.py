"""Training of the joint diffusion (DiffCSP's losses) and export of the trained denoiser.

One model serves both tasks. Each structure of a batch is, with probability `csp_fraction`, a
CSP example (clean one-hot types in, no type loss) and otherwise an ab initio example (types
noised by the type DDPM, eps loss with DiffCSP's weight 20). Lattice and coordinates are always
noised. Losses (DiffCSP, arXiv:2309.04475 eqs. 5, 8 and App. G):

    L_lattice = |eps_L - eps_lattice|^2                          (mean over 9 entries)
    L_coord   = |score(f_t|f_0)/sqrt(lambda_s) - score_frac|^2    (mean over real atoms x 3)
    L_type    = |eps_A - eps_types|^2                            (mean over real atoms x T, ab initio rows)
    loss      = L_lattice + L_coord + 20 L_type

The exported weights are an exponential moving average (decay 0.999) of the trained ones.
"""

from __future__ import annotations

import copy
import json
import math
import platform
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import onnx
import torch

from .artifacts import TYPE_CSP_FRACTION, card_json, load_model, save_weights, schedule_json, write_json
from .data import (
    EXCLUDE_FILES,
    TRAIN_FILES,
    PaddedSet,
    bucketed_batches,
    collate,
    lattice_scale_a,
    load_training_set,
    natoms_distribution,
)
from .export import export_onnx, max_abs_diff_onnx_vs_torch, same_graph_at_two_sizes, sha256_file
from .model import Denoiser, DenoiserConfig
from .schedule import Schedule, wrapped_normal_score
from .vocab import ELEMENTS

LOSS_WEIGHTS = {"lattice": 1.0, "coord": 1.0, "type": 20.0}


class ScheduleTensors:
    def __init__(self, schedule: Schedule, device: torch.device):
        self.T = schedule.num_steps
        self.alpha_bars = schedule.torch("alpha_bars").to(device)
        self.sigmas = schedule.torch("sigmas").to(device)
        self.normalisers = schedule.torch("normalisers").to(device)


def diffusion_losses(model: Denoiser, batch: dict, st: ScheduleTensors, g: torch.Generator, csp_fraction: float) -> dict:
    types, frac, lattice, mask = batch["types"], batch["frac"], batch["lattice"], batch["mask"]
    dev = mask.device
    b, n, n_types = types.shape
    s = torch.randint(1, st.T + 1, (b,), generator=g, device=dev)
    abar = st.alpha_bars[s]
    c0, c1 = abar.sqrt(), (1 - abar).sqrt()
    sig, lam = st.sigmas[s], st.normalisers[s]

    eps_l = torch.randn(b, 3, 3, generator=g, device=dev)
    lat_t = c0[:, None, None] * lattice + c1[:, None, None] * eps_l
    eps_x = torch.randn(b, n, 3, generator=g, device=dev)
    x = sig[:, None, None] * eps_x
    frac_t = torch.remainder(frac + x, 1.0) * mask.unsqueeze(-1)
    eps_a = torch.randn(b, n, n_types, generator=g, device=dev)
    types_t = (c0[:, None, None] * types + c1[:, None, None] * eps_a) * mask.unsqueeze(-1)
    csp = torch.rand(b, generator=g, device=dev) < csp_fraction
    types_in = torch.where(csp[:, None, None], types, types_t)

    pred_l, pred_x, pred_a = model(types_in, frac_t, lat_t, mask, s.float() / st.T)

    target_x = wrapped_normal_score(x, sig[:, None, None]) / lam.sqrt()[:, None, None]
    m3 = mask.unsqueeze(-1)
    loss_l = ((pred_l - eps_l) ** 2).mean()
    loss_x = (((pred_x - target_x) ** 2) * m3).sum() / (3 * mask.sum())
    type_mask = mask * (~csp).float()[:, None]
    loss_a = (((pred_a - eps_a) ** 2) * type_mask.unsqueeze(-1)).sum() / (n_types * type_mask.sum()).clamp(min=1.0)
    loss = LOSS_WEIGHTS["lattice"] * loss_l + LOSS_WEIGHTS["coord"] * loss_x + LOSS_WEIGHTS["type"] * loss_a
    return {"loss": loss, "lattice": loss_l, "coord": loss_x, "type": loss_a}


@torch.no_grad()
def evaluate(model, crystals, scale, st, device, csp_fraction, batch_size=128, seed=1234) -> dict:
    """Losses on held-out crystals with fixed noise (same seed every call), averaged per batch."""
    model.eval()
    g = torch.Generator(device=device).manual_seed(seed)
    order = sorted(range(len(crystals)), key=lambda i: crystals[i].n)
    acc = {"loss": 0.0, "lattice": 0.0, "coord": 0.0, "type": 0.0}
    k = 0
    for s in range(0, len(order), batch_size):
        batch = {a: v.to(device) for a, v in collate([crystals[i] for i in order[s : s + batch_size]], scale, model.cfg.n_types).items()}
        out = diffusion_losses(model, batch, st, g, csp_fraction)
        for a in acc:
            acc[a] += float(out[a])
        k += 1
    return {a: v / max(k, 1) for a, v in acc.items()}


def _machine(device: torch.device) -> str:
    if device.type == "cuda":
        return f"{platform.machine()}, {torch.cuda.get_device_name(device)} (CUDA {torch.version.cuda}), TF32 matmuls"
    return f"{platform.machine()}, {torch.get_num_threads()} threads (shared, loaded host)"


def train_command(args) -> None:
    torch.set_num_threads(args.threads)
    device = torch.device(args.device)
    if device.type == "cuda":
        torch.backends.cuda.matmul.allow_tf32 = True
        torch.backends.cudnn.allow_tf32 = True
    torch.manual_seed(args.seed)
    rng = np.random.default_rng(args.seed)
    t_start = time.time()

    ts = load_training_set(extra=tuple(e for e in args.extra_data.split(",") if e))
    perm = rng.permutation(len(ts.crystals))
    n_val = int(round(args.val_fraction * len(ts.crystals)))
    val = [ts.crystals[i] for i in perm[:n_val]]
    train = [ts.crystals[i] for i in perm[n_val:]]
    scale = lattice_scale_a(train)
    schedule = Schedule(num_steps=args.num_steps)
    st = ScheduleTensors(schedule, device)
    cfg = DenoiserConfig(hidden=args.hidden, layers=args.layers, num_freqs=args.num_freqs)
    model = Denoiser(cfg).to(device)
    ema = copy.deepcopy(model).eval()
    for p in ema.parameters():
        p.requires_grad_(False)
    params, ema_params = list(model.parameters()), list(ema.parameters())
    opt = torch.optim.AdamW(params, lr=args.lr, weight_decay=0.0)
    padded = PaddedSet(train, scale, cfg.n_types, device)
    steps_per_epoch = math.ceil(len(train) / args.batch_size)
    total = int(round(args.epochs * steps_per_epoch)) if args.epochs else args.steps
    # progress runs to 1 at `total` steps or, with --max-minutes, when the wall-time budget is spent
    # (whichever comes first), so a time-limited run still ends its cosine learning-rate decay.
    budget_s = 60 * args.max_minutes if args.max_minutes else None
    progress = lambda k: min(1.0, max(k / total, (time.time() - t_start) / budget_s if budget_s else 0.0))
    lr_at = lambda p: args.lr * (0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * p)))
    g = torch.Generator(device=device).manual_seed(args.seed)
    t_data = time.time() - t_start
    print(json.dumps({"event": "start", "device": str(device), "train": len(train), "val": len(val), "steps": total, "steps_per_epoch": steps_per_epoch, "lattice_scale_a": scale, "data_load_s": round(t_data, 1)}), flush=True)

    keys = ("loss", "lattice", "coord", "type")
    log = []
    run = torch.zeros(len(keys), device=device)  # running sums stay on the device: no sync per step
    step, n_run, stopped_early = 0, 0, False
    t_train = time.time()
    while step < total and not stopped_early:
        for idx in bucketed_batches(train, args.batch_size, rng):
            if step >= total:
                break
            if budget_s and (time.time() - t_start) > budget_s:
                stopped_early = True
                break
            model.train()
            out = diffusion_losses(model, padded.batch(idx), st, g, TYPE_CSP_FRACTION)
            for pg in opt.param_groups:
                pg["lr"] = lr_at(progress(step))
            opt.zero_grad(set_to_none=True)
            out["loss"].backward()
            torch.nn.utils.clip_grad_norm_(params, 1.0)
            opt.step()
            decay = min(0.999, (1 + step) / (10 + step))
            with torch.no_grad():
                torch._foreach_lerp_(ema_params, params, 1 - decay)
                run += torch.stack([out[a].detach() for a in keys])
            step += 1
            n_run += 1
            if step % args.log_every == 0 or step == total:
                sums = run.tolist()
                entry = {"step": step, "epoch": round(step / steps_per_epoch, 2), "elapsed_s": round(time.time() - t_start, 1), "lr": lr_at(progress(step)), **{f"train_{a}": v / n_run for a, v in zip(keys, sums)}}
                if step % args.val_every == 0 or step == total:
                    entry.update({f"val_{a}": v for a, v in evaluate(ema, val, scale, st, device, TYPE_CSP_FRACTION).items()})
                log.append(entry)
                print(json.dumps(entry), flush=True)
                run.zero_()
                n_run = 0
    train_wall = time.time() - t_train
    final_val = evaluate(ema, val, scale, st, device, TYPE_CSP_FRACTION)
    final_train = evaluate(ema, train[: len(val)], scale, st, device, TYPE_CSP_FRACTION)
    print(json.dumps({"event": "trained", "steps": step, "train_wall_s": round(train_wall, 1), "val": final_val, "train_subset": final_train}), flush=True)

    out_dir = Path(args.out)
    out_dir.mkdir(parents=True, exist_ok=True)
    name = args.name
    ema_cpu = copy.deepcopy(ema).to("cpu").eval()
    onnx_path = out_dir / f"{name}.onnx"
    # weights, schedule and card first: if the export fails (another torch version), the .pt is
    # kept and `generator-export` finishes the job on another machine
    save_weights(out_dir / f"{name}.pt", ema_cpu, {"seed": args.seed})
    write_json(out_dir / f"{name}.schedule.json", schedule_json(name, schedule, scale, natoms_distribution(train), TYPE_CSP_FRACTION), indent=None)
    seen = sorted({int(z) for c in train for z in c.types})
    flags = {"max_minutes": args.max_minutes} if args.max_minutes else {}
    if device.type == "cuda":
        flags["device"] = args.device
    if args.log_every != 100:
        flags["log_every"] = args.log_every
    if args.val_every != 500:
        flags["val_every"] = args.val_every
    fields = dict(
        untrained=False,
        seed=args.seed,
        elements_in_training_data=[ELEMENTS[i] for i in seen],
        data={
            "root": "MP-20, CDVAE split files: /work/shared/data/mp_20, or $MATDISC_MP20_ROOT (a copy of the same files)",
            "train_files": list(TRAIN_FILES),
            "excluded_if_material_id_in": list(EXCLUDE_FILES),
            **{k: v for k, v in ts.report.items()},
            "held_out_validation": {"rows": len(val), "fraction": args.val_fraction, "note": "random rows of the training rows (seeded); losses below"},
            "training_rows": len(train),
            "preprocessing": "cells reduced (greedy pairwise reduction, Niggli-like sign convention) and rebuilt from parameters in pymatgen's from_parameters orientation",
        },
        training={
            "steps": step,
            "planned_steps": total,
            "stopped_by_max_minutes": stopped_early,
            "max_minutes": args.max_minutes,
            "epochs": round(step / steps_per_epoch, 2),
            "batch_size": args.batch_size,
            "optimizer": "AdamW, weight decay 0, grad-norm clip 1.0",
            "lr": {"peak": args.lr, "schedule": "cosine to 0.1 x peak over the planned steps or the --max-minutes wall budget, whichever ends first"},
            "ema_decay": 0.999,
            "loss_weights": LOSS_WEIGHTS,
            "csp_fraction": TYPE_CSP_FRACTION,
            "num_steps": schedule.num_steps,
            "lattice_scale_a": scale,
            "device": str(device),
            "threads": args.threads,
            "data_load_s": round(t_data, 1),
            "train_wall_s": round(train_wall, 1),
            "total_wall_s_before_export": round(time.time() - t_start, 1),
            "final_losses_ema": {"held_out": final_val, "train_subset_same_size": final_train},
            "log": log,
            "torch": torch.__version__,
            "python": platform.python_version(),
            "machine": _machine(device),
        },
        reproduce=(
            "cd models/training && ../../.venv/bin/python -m matdisc_training generator-train --out ../generator "
            f"--name {name} --steps {total} --seed {args.seed} --hidden {args.hidden} --layers {args.layers} "
            f"--num-freqs {args.num_freqs} --batch-size {args.batch_size} --lr {args.lr} --num-steps {args.num_steps} --threads {args.threads}"
            + "".join(f" --{k.replace('_', '-')} {v}" for k, v in flags.items())
        ),
    )
    card_path = out_dir / f"{name}.card.json"
    write_json(card_path, {**card_json(name, None, cfg, sum(p.numel() for p in ema_cpu.parameters()), **fields), "checks": {"export": "pending"}})
    try:
        card = export_and_check(out_dir / f"{name}.pt", card_path)
    except Exception as err:  # keep the weights; `generator-export` can finish on another machine
        print(json.dumps({"event": "export_failed", "error": f"{type(err).__name__}: {err}"}), flush=True)
        raise
    print(json.dumps({"event": "exported", "onnx": str(onnx_path), "bytes": onnx_path.stat().st_size, "checks": card["checks"], "wall_s": round(time.time() - t_start, 1)}), flush=True)


def export_and_check(pt_path: Path, card_path: Path) -> dict:
    """Export `<name>.pt` to `<name>.onnx` beside it, run the checks (ONNX == PyTorch at three
    sizes, the same graph traced at two sizes) and write them and the sha256 into the card."""
    model = load_model(pt_path)
    onnx_path = Path(pt_path).with_suffix(".onnx")
    export_onnx(model, onnx_path)
    with tempfile.TemporaryDirectory() as d:
        same, sig_a, sig_b = same_graph_at_two_sizes(model, Path(d))
    diffs = {f"B{b}_N{n}": max_abs_diff_onnx_vs_torch(model, onnx_path, b, n, seed=5 + b) for b, n in ((4, 9), (1, 20), (16, 3))}
    card = json.loads(Path(card_path).read_text())
    card["sha256"] = sha256_file(onnx_path)
    card["checks"] = {
        "onnx_vs_torch_max_abs": diffs,
        "graph_identical_at_two_sizes": same,
        "graph_sha256": sig_a,
        "exported_with": {"torch": torch.__version__, "onnx": onnx.__version__, "onnxruntime": _ort_version()},
    }
    write_json(card_path, card)
    if not same:
        raise RuntimeError(f"graph traced at two sizes differs ({sig_a} != {sig_b})")
    return card


def _ort_version() -> str:
    import onnxruntime

    return onnxruntime.__version__


def export_command(args) -> None:
    torch.set_num_threads(args.threads)
    card = export_and_check(Path(args.weights), Path(args.card))
    print(json.dumps({"event": "exported", "sha256": card["sha256"], "checks": card["checks"]}), flush=True)
