"""Noise schedules of the joint diffusion, as in DiffCSP (arXiv:2309.04475, App. B/G).

Every array has num_steps + 1 entries indexed by the integer step s = 0..T; s = 0 is the clean
data (beta 0, alpha_bar 1, sigma 0, normaliser 1). The network sees t = s / T.

- lattice and atom types: DDPM with the cosine beta schedule (Nichol & Dhariwal 2021, s = 0.008,
  betas clipped to [1e-4, 0.9999]); posterior sigma_s = sqrt(beta_s (1 - abar_{s-1}) / (1 - abar_s)).
- fractional coordinates: wrapped normal on the torus with geometric sigmas from sigma_begin to
  sigma_end; normaliser lambda(sigma) = E_{x ~ WN(0, sigma^2)} [ (d/dx log p_WN(x))^2 ] per
  coordinate, computed by quadrature (DiffCSP estimates it by Monte Carlo).
"""

from __future__ import annotations

import math

import numpy as np
import torch

N_IMAGES = 10  # periodic images on each side used in the wrapped-normal sums (as DiffCSP)


def cosine_betas(num_steps: int, s: float = 0.008) -> np.ndarray:
    x = np.linspace(0, num_steps, num_steps + 1, dtype=np.float64)
    abar = np.cos(((x / num_steps) + s) / (1 + s) * math.pi * 0.5) ** 2
    abar = abar / abar[0]
    betas = 1.0 - abar[1:] / abar[:-1]
    return np.clip(betas, 1e-4, 0.9999)


def ddpm_schedule(num_steps: int) -> dict[str, np.ndarray]:
    betas = np.concatenate([[0.0], cosine_betas(num_steps)])
    alphas = 1.0 - betas
    alpha_bars = np.cumprod(alphas)
    post = np.zeros_like(betas)
    post[1:] = betas[1:] * (1.0 - alpha_bars[:-1]) / (1.0 - alpha_bars[1:])
    return {"betas": betas, "alphas": alphas, "alpha_bars": alpha_bars, "posterior_sigmas": np.sqrt(post)}


def coord_sigmas(num_steps: int, sigma_begin: float, sigma_end: float) -> np.ndarray:
    geo = np.exp(np.linspace(math.log(sigma_begin), math.log(sigma_end), num_steps))
    return np.concatenate([[0.0], geo])


def wrapped_normal_score_np(x: np.ndarray, sigma: np.ndarray, n_images: int = N_IMAGES) -> np.ndarray:
    """d/dx log p_WN(x; sigma) (float64), stable for small sigma. x, sigma broadcast."""
    k = np.arange(-n_images, n_images + 1, dtype=np.float64)
    d = x[..., None] + k
    logw = -(d**2) / (2.0 * sigma[..., None] ** 2)
    logw -= logw.max(axis=-1, keepdims=True)
    w = np.exp(logw)
    return -(w * d).sum(-1) / w.sum(-1) / sigma**2


def wrapped_normal_normaliser(sigma: float, n_quad: int = 4001) -> float:
    """E[(d/dx log p_WN)^2] for x ~ WN(0, sigma^2), by trapezoid quadrature over x = sigma z,
    z in [-10, 10] (the wrapped score is periodic, so integrating the unwrapped normal is exact)."""
    z = np.linspace(-10.0, 10.0, n_quad)
    w = np.exp(-0.5 * z**2) / math.sqrt(2 * math.pi)
    s = wrapped_normal_score_np(sigma * z, np.full_like(z, sigma))
    return float(np.trapezoid(w * s**2, z))


def coord_normalisers(sigmas: np.ndarray) -> np.ndarray:
    out = np.ones_like(sigmas)
    for i, sg in enumerate(sigmas):
        if sg > 0:
            out[i] = wrapped_normal_normaliser(float(sg))
    return out


def wrapped_normal_score(x: torch.Tensor, sigma: torch.Tensor, n_images: int = N_IMAGES) -> torch.Tensor:
    """Torch version of d/dx log p_WN(x; sigma): the score of q(f_t | f_0) at f_t = f_0 + x."""
    k = torch.arange(-n_images, n_images + 1, dtype=x.dtype, device=x.device)
    d = x.unsqueeze(-1) + k
    w = torch.softmax(-(d**2) / (2.0 * sigma.unsqueeze(-1) ** 2), dim=-1)
    return -(w * d).sum(-1) / sigma**2


class Schedule:
    """All schedules of one model, as float64 numpy arrays of length num_steps + 1."""

    def __init__(self, num_steps: int = 1000, sigma_begin: float = 0.005, sigma_end: float = 0.5):
        self.num_steps = num_steps
        self.sigma_begin = sigma_begin
        self.sigma_end = sigma_end
        d = ddpm_schedule(num_steps)
        self.betas = d["betas"]
        self.alphas = d["alphas"]
        self.alpha_bars = d["alpha_bars"]
        self.posterior_sigmas = d["posterior_sigmas"]
        self.sigmas = coord_sigmas(num_steps, sigma_begin, sigma_end)
        self.normalisers = coord_normalisers(self.sigmas)

    def torch(self, name: str, dtype=torch.float32) -> torch.Tensor:
        return torch.as_tensor(getattr(self, name), dtype=dtype)
