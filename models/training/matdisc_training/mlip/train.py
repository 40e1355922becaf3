"""Committee training: one pass trains all members, each on its own bootstrap sample.

Member m sees every batch, but its loss weights each frame by how often that frame occurs in its
bootstrap resample of the training frames (multinomial counts, seed + m), so frames a member never
drew do not teach it. Together with per-member initial weights this gives the spread that the
committee's force deviation (DP-GEN model deviation) measures.

Loss per member (weighted means over frames / atoms of the batch):
  energy_weight * ((E - E_dft) / N)^2 + force_weight * |F - F_dft|^2 / 3
  + stress_weight * |sigma - sigma_dft|^2 / 9   (frames with stress only)
E is the network's part (the DFT total minus the fitted per-element references).
"""

from __future__ import annotations

import copy
import json
import math
import sys
import time
from dataclasses import asdict, dataclass

import numpy as np
import torch

from .data import Batch, Graph, collate, pack_batches
from .features import FrameFeatures, collate_features
from .model import Committee


@dataclass(frozen=True)
class TrainSettings:
    epochs: int = 30
    lr: float = 3e-3
    lr_final_fraction: float = 0.02  # cosine decay to lr * this
    warmup_steps: int = 50
    max_atoms_per_batch: int = 128
    energy_weight: float = 1000.0  # (eV/atom)^-2
    force_weight: float = 1.0  # (eV/Å)^-2
    stress_weight: float = 100.0  # (eV/Å³)^-2
    ema_decay: float = 0.99
    bootstrap: bool = True
    seed: int = 0

    def to_dict(self) -> dict:
        return asdict(self)


def bootstrap_weights(n_frames: int, members: int, seed: int, enabled: bool = True) -> torch.Tensor:
    """[M, n_frames] multiplicities of each frame in each member's resample (all ones if disabled)."""
    if not enabled:
        return torch.ones(members, n_frames)
    rows = []
    for m in range(members):
        rng = np.random.default_rng([seed, m])
        rows.append(np.bincount(rng.integers(0, n_frames, n_frames), minlength=n_frames))
    return torch.tensor(np.stack(rows), dtype=torch.float32)


def predict(model: Committee, b: Batch, create_graph: bool, with_reference: bool = False, features=None):
    """Per-member energy [M,S], forces [M,N,3], stress [M,S,3,3] (eV/Å³, ASE sign).

    Same numbers as differentiating the exported graph, computed faster: the descriptors B, the
    density A and the edge-term Jacobians dT/dr do not depend on the weights (`features`, from
    features.collate_features, or computed here). Autograd runs through the per-atom network only:
      dE/dB (autograd) -> dE/dA (PowerSpectrum.spectrum_vjp) -> dE/dr_e = Σ_k dE/dA[i_e,c_e,k] dT_k/dr_e
    """
    ps, m = model.descriptor, model.cfg.members
    n = b.species.shape[0]
    if features is None:
        with torch.no_grad():
            with torch.enable_grad():
                dterms = ps.edge_terms_jacobian(b.edge_vec).detach()
            dens = ps.density(b.species, b.edge_index, ps.edge_terms(b.edge_vec)[None])[0]
            desc = ps.spectrum(dens[None])[0]
    else:
        desc, dens, dterms = features
    desc = desc[None].expand(m, -1, -1).clone().requires_grad_(True)
    atom_e, hidden = model.atom_energies(b.species, desc)
    energy, _ = model.pool(b.species, atom_e, hidden, b.batch, b.n_structures, with_reference)
    (d_desc,) = torch.autograd.grad(energy.sum(), desc, create_graph=create_graph)
    d_dens = ps.spectrum_vjp(dens[None], d_desc)
    rows = torch.index_select(d_dens.reshape(m, n * ps.n_channels, -1), 1, ps.slots(b.species, b.edge_index))
    grad = torch.einsum("mek,exk->mex", rows, dterms)  # dE_m/dr_e
    i, j = b.edge_index[0], b.edge_index[1]
    forces = torch.zeros(m, n, 3, device=grad.device).index_add(1, i, grad).index_add(1, j, -grad)
    # sigma_ab = (1/V) sum_e dE/dr_a * r_b  (= dE/d(strain)/V, ASE sign)
    outer = (grad[..., :, None] * b.edge_vec[None, :, None, :]).reshape(m, -1, 9)
    virial = torch.zeros(m, b.n_structures, 9, device=grad.device).index_add(1, b.batch[i], outer)
    stress = (virial / b.volume[None, :, None]).reshape(m, b.n_structures, 3, 3)
    return energy, forces, stress


def reference_sum(model: Committee, b: Batch) -> torch.Tensor:
    """Σ refs per structure, float64 [S]."""
    return torch.zeros(b.n_structures, dtype=torch.float64, device=b.batch.device).index_add(
        0, b.batch, model.reference_energy[b.species]
    )


def committee_loss(model: Committee, b: Batch, w_frames: torch.Tensor, s: TrainSettings, features=None):
    energy, forces, stress = predict(model, b, create_graph=True, features=features)
    target = (b.energy - reference_sum(model, b)).float()
    w = w_frames[:, b.frame_ids]  # [M,S]
    w_atom = w[:, b.batch]  # [M,N]
    e_err = ((energy - target[None]) / b.n_atoms[None]) ** 2
    f_err = ((forces - b.forces[None]) ** 2).mean(dim=2)
    s_mask = w * b.has_stress[None].float()
    s_err = ((stress - b.stress[None]) ** 2).mean(dim=(2, 3))
    loss_e = (w * e_err).sum(1) / w.sum(1).clamp(min=1e-9)
    loss_f = (w_atom * f_err).sum(1) / w_atom.sum(1).clamp(min=1e-9)
    loss_s = (s_mask * s_err).sum(1) / s_mask.sum(1).clamp(min=1e-9)
    per_member = s.energy_weight * loss_e + s.force_weight * loss_f + s.stress_weight * loss_s
    parts = torch.stack([loss_e.mean(), loss_f.mean(), loss_s.mean()]).detach()  # no sync here
    return per_member.sum(), parts


def _log(record: dict) -> None:
    print(json.dumps(record), file=sys.stderr, flush=True)


def train(
    model: Committee, graphs: list[Graph], features: list[FrameFeatures], s: TrainSettings, log=_log,
    budget_s: float | None = None,
) -> tuple[Committee, dict]:
    """Train in place; returns (EMA copy of the model, summary). Deterministic for a given seed
    (on the CPU; CUDA's atomic index_add is not bit-reproducible).

    Runs on the device of the model (features must be there too). With `budget_s`, training stops
    after that many seconds, and the learning-rate schedule runs on progress =
    max(step / planned steps, elapsed / budget), so a run cut by the clock still ends its decay.
    """
    torch.manual_seed(s.seed)
    rng = np.random.default_rng(s.seed)
    device = model.w1.device
    weights = bootstrap_weights(len(graphs), model.cfg.members, s.seed, s.bootstrap).to(device)
    ema = copy.deepcopy(model)
    params = list(model.parameters())
    ema_params = list(ema.parameters())
    opt = torch.optim.Adam(params, lr=s.lr)
    n_batches = len(pack_batches(graphs, np.arange(len(graphs)), s.max_atoms_per_batch))
    total = max(1, s.epochs * n_batches)
    step, t0, lr = 0, time.time(), s.lr
    history = []
    stopped_by_budget = False
    for epoch in range(s.epochs):
        sums = torch.zeros(3, dtype=torch.float64, device=device)
        batches = pack_batches(graphs, rng.permutation(len(graphs)), s.max_atoms_per_batch)
        n_done = 0
        for ids in batches:
            elapsed = time.time() - t0
            if budget_s is not None and elapsed > budget_s:
                stopped_by_budget = True
                break
            lr = s.lr * _schedule(step, total, s, elapsed / budget_s if budget_s else 0.0)
            for group in opt.param_groups:
                group["lr"] = lr
            b = collate([graphs[k] for k in ids], ids).to(device)
            loss, parts = committee_loss(model, b, weights, s, collate_features([features[k] for k in ids]))
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            with torch.no_grad():
                decay = min(s.ema_decay, (1 + step) / (10 + step))
                torch._foreach_lerp_(ema_params, params, 1 - decay)
            sums += parts
            n_done += 1
            step += 1
        if n_done == 0:
            break
        mean = (sums / n_done).tolist()
        record = {
            "epoch": epoch + 1,
            "lr": round(lr, 6),
            "wall_s": round(time.time() - t0, 1),
            "train_rmse_e_mev_per_atom": round(1000 * math.sqrt(mean[0]), 3),
            "train_rmse_f_ev_per_a": round(math.sqrt(mean[1]), 4),
            "train_rmse_s_mev_per_a3": round(1000 * math.sqrt(mean[2]), 4),
        }
        if n_done < len(batches):
            record["partial_epoch_batches"] = f"{n_done}/{len(batches)}"
        history.append(record)
        log(record)
        if stopped_by_budget:
            break
    summary = {"steps": step, "wall_s": round(time.time() - t0, 1), "history": history,
               "epochs_run": round(step / max(1, n_batches), 2), "planned_steps": total}
    if budget_s is not None:
        summary.update(budget_s=round(budget_s, 1), stopped_by_budget=stopped_by_budget)
    return ema, summary


def _schedule(step: int, total: int, s: TrainSettings, time_progress: float = 0.0) -> float:
    if step < s.warmup_steps:
        return (step + 1) / s.warmup_steps
    x = min(1.0, max((step - s.warmup_steps) / max(1, total - s.warmup_steps), time_progress))
    return s.lr_final_fraction + (1 - s.lr_final_fraction) * 0.5 * (1 + math.cos(math.pi * x))


MIN_ATOMS_FOR_OWN_STATISTICS = 20


@torch.no_grad()
def fit_normalisation(model: Committee, graphs: list[Graph], features: list[FrameFeatures], only_new=False) -> None:
    """Per-element descriptor mean/std and the energy scale (RMS force component), from training data.

    With `only_new`, elements that already have statistics (a fine-tuned model) keep them.
    """
    desc = torch.cat([f.desc for f in features])
    species = torch.cat([torch.from_numpy(g.numbers) for g in graphs]).to(desc.device)
    pooled_mean, pooled_std = desc.double().mean(0), desc.double().std(0, unbiased=False)
    for z in torch.unique(species).tolist():
        if only_new and not torch.all(model.desc_std[z] == 1.0):
            continue
        d = desc[species == z].double()
        mean, std = d.mean(0), d.std(0, unbiased=False)
        if len(d) < MIN_ATOMS_FOR_OWN_STATISTICS:  # a rare element: its few atoms would give std ~ 0
            mean, std = pooled_mean, pooled_std
        # a feature (nearly) constant on one element would blow up its standardised value elsewhere
        std = torch.maximum(std, 0.1 * pooled_std)
        std = torch.where(std > 1e-6 * (mean.abs() + 1e-6), std, torch.ones_like(std))
        model.desc_mean[z] = mean.float()
        model.desc_std[z] = std.float()
    if not only_new:
        forces = np.concatenate([g.forces for g in graphs])
        model.energy_scale.fill_(float(np.sqrt(np.mean(forces**2))))
