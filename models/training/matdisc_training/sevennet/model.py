"""SevenNet models behind the matdisc-potential-v1 contract.

`SevenNetPotential` wraps a built `sevenn` model (an `AtomGraphSequential`) and evaluates it from
the contract's inputs (species Z, edge_index, edge_vec, batch, n_structures) instead of sevenn's
data dictionary. It runs sevenn's own sub-modules in their order, with their own weights; only
the steps that are data-dependent or that would export badly are computed here instead:

- the Z -> type index -> one-hot step (sevenn: `index_select` then `F.one_hot`, which needs the
  largest index) becomes an equality with `arange(n_types)`;
- edge lengths are an explicit sum of squares, and the XPLOR cutoff is masked to exactly 0 at
  and beyond the cutoff (sevenn's formula is not zero beyond it; its neighbour list never asks);
- convolutions gather with `index_select` and aggregate with `index_add` (sevenn: advanced
  indexing and `scatter_reduce_` with an expanded index);
- the per-species rescale uses `index_select` (sevenn: advanced indexing);
- the per-structure energy sum is an `index_add` into `n_structures` slots (sevenn: the largest
  batch index, a data-dependent size);
- forces and stress are not computed here: the energy gradient with respect to the edge vectors
  is the contract's output, and the runtime assembles forces and stress from it.

The result equals sevenn's own calculator to float32 rounding (checked by the export and by
test/models/mlip/sevennet.test.ts).
"""

from __future__ import annotations

import torch
from torch import nn

import sevenn._keys as KEY
from sevenn.nn.convolution import IrrepsConvolution
from sevenn.nn.edge_embedding import EdgeEmbedding, XPLORCutoff
from sevenn.nn.force_output import ForceOutput, ForceStressOutput, ForceStressOutputFromEdge
from sevenn.nn.linear import AtomReduce
from sevenn.nn.node_embedding import OnehotEmbedding
from sevenn.nn.scale import SpeciesWiseRescale
from sevenn.nn.sequential import AtomGraphSequential

DEFAULT_MODEL = "7net-0"
_SKIPPED = (ForceOutput, ForceStressOutput, ForceStressOutputFromEdge)
_SUPPORTED_EXTRA = ("EdgePreprocess",)  # computes edge_vec from positions: we are given edge_vec


def load_sevenn_model(name_or_path: str = DEFAULT_MODEL) -> tuple[AtomGraphSequential, dict]:
    """Build a sevenn model from a pretrained name ('7net-0') or a checkpoint path."""
    import sevenn.util as util

    cp = util.load_checkpoint(name_or_path)
    model = cp.build_model()
    model.set_is_batch_data(True)
    return model.eval(), cp.config


class SevenNetPotential(nn.Module):
    """forward(species, edge_index, edge_vec, batch, n_structures) -> (energy[S], node_feature_mean[S, F]).

    `edge_vec` may require grad; the energy is differentiable with respect to it.
    """

    def __init__(self, model: AtomGraphSequential, embedding_key: str | None = "reduce_input_to_hidden"):
        super().__init__()
        if model.type_map is None:
            raise ValueError("sevenn model has no type_map; cannot map atomic numbers")
        if model.modal_map:
            raise ValueError("multi-fidelity sevenn models are not supported by this wrapper")
        self.model = model
        self.cutoff = float(model.cutoff)
        self.type_map = dict(model.type_map)
        z_to_type = torch.full((120,), -1, dtype=torch.int64)
        for z, t in self.type_map.items():
            z_to_type[z] = t
        self.register_buffer("z_to_type", z_to_type, persistent=False)
        self.n_types = len(self.type_map)
        self.embedding_key = embedding_key
        for name, module in model._modules.items():
            kind = type(module).__name__
            known = (EdgeEmbedding, OnehotEmbedding, IrrepsConvolution, AtomReduce, SpeciesWiseRescale) + _SKIPPED
            if not isinstance(module, known) and kind in _SUPPORTED_EXTRA:
                raise ValueError(f"sevenn module {name} ({kind}) expects positions; not supported")

    def atomic_numbers(self) -> list[int]:
        return sorted(self.type_map)

    def _edge_embedding(self, m: EdgeEmbedding, data: dict, edge_vec: torch.Tensor) -> None:
        x, y, z = edge_vec[:, 0], edge_vec[:, 1], edge_vec[:, 2]
        r = torch.sqrt(x * x + y * y + z * z)
        data[KEY.EDGE_VEC] = edge_vec
        data[KEY.EDGE_LENGTH] = r
        cut = m.cutoff_function(r)
        if isinstance(m.cutoff_function, XPLORCutoff):
            cut = torch.where(r < m.cutoff_function.r_cut, cut, torch.zeros_like(cut))
        else:  # polynomial cutoff: also 0 beyond the cutoff
            cut = torch.where(r < self.cutoff, cut, torch.zeros_like(cut))
        data[KEY.EDGE_EMBEDDING] = m.basis_function(r) * cut.unsqueeze(-1)
        data[KEY.EDGE_ATTR] = m.spherical(edge_vec)

    def _onehot(self, m: OnehotEmbedding, data: dict) -> None:
        types = data[m.key_x]
        classes = torch.arange(m.num_classes, dtype=types.dtype, device=types.device)
        embd = (types.unsqueeze(-1) == classes).to(torch.float32)
        data[m.key_output] = embd
        if m.key_additional_output is not None:
            data[m.key_additional_output] = embd
        if m.key_save is not None:
            data[m.key_save] = types

    @staticmethod
    def _convolution(m: IrrepsConvolution, data: dict) -> None:
        if m.is_parallel:
            raise ValueError("parallel (LAMMPS) sevenn convolutions are not supported")
        weight = m.weight_nn(data[m.key_weight_input])
        x = data[m.key_x]
        edge_index = data[m.key_edge_idx]
        neighbour, centre = edge_index[1], edge_index[0]
        message = m.convolution(torch.index_select(x, 0, neighbour), data[m.key_filter], weight)
        out = torch.zeros(x.shape[0], message.shape[1], dtype=message.dtype, device=message.device)
        out = out.index_add(0, centre, message)
        data[m.key_x] = out.div(m.denominator)

    @staticmethod
    def _rescale(m: SpeciesWiseRescale, data: dict) -> None:
        idx = data[m.key_indices]
        scale = torch.index_select(m.scale, 0, idx).unsqueeze(-1)
        shift = torch.index_select(m.shift, 0, idx).unsqueeze(-1)
        data[m.key_output] = data[m.key_input] * scale + shift

    def forward(self, species, edge_index, edge_vec, batch, n_structures: int):
        types = torch.index_select(self.z_to_type, 0, species)
        data: dict = {
            KEY.ATOMIC_NUMBERS: species,
            KEY.NODE_FEATURE: types,
            KEY.EDGE_IDX: edge_index,
            KEY.BATCH: batch,
        }
        energy = None
        embedding = None
        for name, m in self.model._modules.items():
            if name == self.embedding_key:
                embedding = data[KEY.NODE_FEATURE]
            if isinstance(m, EdgeEmbedding):
                self._edge_embedding(m, data, edge_vec)
            elif isinstance(m, OnehotEmbedding):
                self._onehot(m, data)
            elif isinstance(m, IrrepsConvolution):
                self._convolution(m, data)
            elif isinstance(m, SpeciesWiseRescale):
                self._rescale(m, data)
            elif isinstance(m, AtomReduce):
                atomic = data[m.key_input].squeeze(-1)
                total = torch.zeros(n_structures, dtype=atomic.dtype, device=atomic.device)
                energy = total.index_add(0, batch, atomic) * m.constant
            elif isinstance(m, _SKIPPED):
                continue
            else:
                data = m(data)
        if energy is None:
            raise ValueError("sevenn model has no AtomReduce step: no total energy")
        if embedding is None:
            return energy, None
        ones = torch.ones(batch.shape[0], dtype=embedding.dtype, device=embedding.device)
        counts = torch.zeros(n_structures, dtype=embedding.dtype, device=embedding.device).index_add(0, batch, ones)
        sums = torch.zeros(n_structures, embedding.shape[1], dtype=embedding.dtype, device=embedding.device)
        sums = sums.index_add(0, batch, embedding)
        return energy, sums / counts.clamp(min=1.0).unsqueeze(-1)


class SevenNetContract(nn.Module):
    """Eager module with the contract's full outputs, for benchmarks and checks:
    forward(species, edge_index, edge_vec, batch, n_structures) -> (energy[1,S], edge_grad[1,E,3], embedding[S,F]).
    """

    def __init__(self, potential: SevenNetPotential):
        super().__init__()
        self.potential = potential.eval()

    def forward(self, species, edge_index, edge_vec, batch, n_structures):
        n = int(n_structures)
        with torch.enable_grad():
            ev = edge_vec.detach().clone().requires_grad_(True)
            energy, embedding = self.potential(species, edge_index, ev, batch, n)
            (grad,) = torch.autograd.grad(energy.sum(), ev)
        return energy.detach().unsqueeze(0), grad.unsqueeze(0), embedding.detach()


def build_module(arg: str = DEFAULT_MODEL) -> SevenNetContract:
    """Builder for bench/mlip_torch_eager.py (card `torch_reference`).

    `arg` is a model card (its `source.pretrained` names the sevenn model), a sevenn checkpoint
    path, or a pretrained name such as '7net-0'.
    """
    if arg.endswith(".card.json"):
        import json
        from pathlib import Path

        arg = json.loads(Path(arg).read_text())["source"]["pretrained"]
    model, _ = load_sevenn_model(arg)
    return SevenNetContract(SevenNetPotential(model)).eval()
