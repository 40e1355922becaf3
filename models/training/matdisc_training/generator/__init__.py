"""Diffusion generator (DiffCSP-style joint diffusion of lattice, fractional coordinates and
atom types): data, schedules, dense denoiser, training, ONNX export, reference sampler.

Jiao et al., "Crystal Structure Prediction by Joint Equivariant Diffusion", NeurIPS 2023,
arXiv:2309.04475. The ONNX contract (`matdisc-generator-v1`) is written down in
models/generator/README.md; the TypeScript sampler is built against it.
"""

FORMAT = "matdisc-generator-v1"
SCHEDULE_FORMAT = "matdisc-generator-schedule-v1"
