"""Hand-written backpropagation through an ``MLP``: the same arithmetic as autograd, less overhead.

For the small networks of toy GANs the cost of a training step is dominated not by arithmetic
but by per-operation overhead (building and walking the autograd graph, allocating). An MLP is
simple enough to differentiate by hand. With pre-activations a_l = h_{l−1} W_lᵀ + b_l and
h_l = σ(a_l):

    ∂L/∂W_l = δ_lᵀ h_{l−1},   ∂L/∂b_l = Σ_batch δ_l,   δ_{l−1} = (δ_l W_l) ⊙ σ'(a_{l−1})

where δ_l = ∂L/∂a_l. σ' is read off the stored outputs h (ReLU: 1[h > 0]; leaky ReLU: 1 or the
slope; tanh: 1 − h²), so nothing but the layer outputs is kept. The gradient of the loss with
respect to D's outputs comes from the objective's closed form (``Objective.d_grad`` / ``g_grad``).

Spectral normalisation (``parametrizations.spectral_norm``) is done by hand too, pass for pass as
PyTorch does it: each forward pass in training mode runs one power iteration on the layer's own
(u, v) buffers, u ← W v / ‖W v‖, v ← Wᵀu / ‖Wᵀu‖, then σ = uᵀ W v and W_SN = W / σ. With u, v
held constant (PyTorch does not differentiate through them) and Ḡ = ∂L/∂W_SN,

    ∂L/∂W = Ḡ / σ − (⟨Ḡ, W_SN⟩ / σ) · u vᵀ.

The gradient penalty and R1, which need second derivatives, are in ``ganlab.training.fast.penalty_backprop``.
Tests check every path against autograd and the two training paths against each other.
"""
from __future__ import annotations

import torch
from torch import nn

from ganlab.models.mlp import MLP

Tensor = torch.Tensor
SUPPORTED = (nn.ReLU, nn.LeakyReLU, nn.Tanh)


def _spectral(layer: nn.Linear) -> nn.Module | None:
    """The layer's spectral-norm parametrisation (PyTorch's ``_SpectralNorm``), or None."""
    if not nn.utils.parametrize.is_parametrized(layer, "weight"):
        return None
    chain = layer.parametrizations.weight
    return chain[0] if len(chain) == 1 and type(chain[0]).__name__ == "_SpectralNorm" else None


def supports(module: nn.Module) -> bool:
    """True if ``module`` is an MLP this module can differentiate (float32, supported activation, each
    layer plain or spectrally normalised with one power iteration)."""
    if not isinstance(module, MLP) or module.hidden_dtype is not None:
        return False
    acts = [m for m in module.modules() if isinstance(m, (nn.ReLU, nn.LeakyReLU, nn.Tanh, nn.ELU))]
    for layer in module.linear_layers():
        if nn.utils.parametrize.is_parametrized(layer):
            sn = _spectral(layer)
            if sn is None or sn.n_power_iterations != 1 or sn.dim != 0 or list(layer.parametrizations) != ["weight"]:
                return False
    return all(isinstance(a, SUPPORTED) for a in acts)


# A product whose result has only a few columns (a layer with 1 or 2 outputs, or ∂L/∂W of a layer
# with 2 inputs) runs several times slower in MKL's sgemm than the same product transposed,
# (AB)ᵀ = BᵀAᵀ, whose result has many columns: compute those transposed and read the result
# through a transposed view (measured on a 2-core AMD EPYC: 40 → 7 µs for a 512 × 64 · 64 × 2 product).
THIN = 4


class ManualMLP:
    """Forward and backward passes of ``mlp`` written out by hand (no autograd graph)."""

    def __init__(self, mlp: MLP):
        """Holds on to each layer's (W, b, ∂L/∂W, ∂L/∂b) tensors, detached from autograd (so no graph is
        recorded, without a ``no_grad`` context per call): the parameters are updated in place (views of
        one flat buffer, see ``flat.py``), so looking them up once saves ``nn.Module`` attribute lookups on
        every call. Build it after the parameters are flattened; inputs must not require gradients.
        For a spectrally normalised layer W is the parametrisation's ``original``."""
        self.layers = mlp.linear_layers()
        self.spectral = [_spectral(m) for m in self.layers]
        weights = [m.weight if sn is None else m.parametrizations.weight.original
                   for m, sn in zip(self.layers, self.spectral)]  # (m.weight of an SN layer would iterate)
        if any(w.grad is None or m.bias.grad is None for m, w in zip(self.layers, weights)):
            raise ValueError("ManualMLP needs .grad tensors in place (flatten_parameters first)")
        self.tensors = [(w.detach(), m.bias.detach(), w.grad, m.bias.grad) for m, w in zip(self.layers, weights)]
        self.bias_columns = [m.bias.detach()[:, None] for m in self.layers]  # b as a column, for Wxᵀ + b
        self.thin_in = [m.in_features <= THIN for m in self.layers]
        self.thin_out = [m.out_features <= THIN for m in self.layers]
        # the weights a pass uses, per layer: (W, Wᵀ, None), or (W_SN, W_SNᵀ, (W, σ, u, v)) for spectral norm
        self.pass_weights = [(w, w.t(), None) for w, _, _, _ in self.tensors]
        act = next(m for m in mlp.modules() if isinstance(m, SUPPORTED))
        self.kind = type(act).__name__
        self.slope = getattr(act, "negative_slope", 0.0)

    def _normalise_weights(self) -> None:
        """One power iteration per spectrally normalised layer (training mode), and W_SN = W / σ."""
        for i, sn in enumerate(self.spectral):
            if sn is None:
                continue
            w = self.tensors[i][0]
            if sn.training:
                torch.nn.functional.normalize(torch.mv(w, sn._v), dim=0, eps=sn.eps, out=sn._u)
                torch.nn.functional.normalize(torch.mv(w.t(), sn._u), dim=0, eps=sn.eps, out=sn._v)
            u, v = sn._u.clone(), sn._v.clone()
            sigma = torch.dot(u, torch.mv(w, v))
            w_sn = w / sigma
            self.pass_weights[i] = (w_sn, w_sn.t(), (w, sigma, u, v))

    def _act(self, a: Tensor) -> Tensor:
        if self.kind == "ReLU":
            return torch.relu_(a)
        if self.kind == "Tanh":
            return a.tanh_()
        return torch.nn.functional.leaky_relu_(a, self.slope)

    def _act_grad(self, delta: Tensor, h: Tensor) -> Tensor:
        """δ ⊙ σ'(a) written over δ, with σ' read from the output h = σ(a), by ATen's fused backward
        kernels (in place: the fresh δ is still in cache, a new tensor would not be)."""
        if self.kind == "ReLU":
            return torch.ops.aten.threshold_backward.grad_input(delta, h, 0.0, grad_input=delta)
        if self.kind == "Tanh":
            return torch.ops.aten.tanh_backward.grad_input(delta, h, grad_input=delta)
        # h and a have the same sign for a positive slope, so h can stand in for a
        return torch.ops.aten.leaky_relu_backward.grad_input(delta, h, self.slope, True, grad_input=delta)

    def forward(self, x: Tensor) -> tuple[Tensor, list[Tensor]]:
        """(output, cache): cache[l] is the input of layer l (x, then each hidden output). With spectral
        norm the pass first normalises the weights (``pass_weights``, which the next ``backward`` uses)."""
        if self.spectral_layers:
            self._normalise_weights()
        cache = [x]
        h = x
        last = len(self.layers) - 1
        for i, ((weight, weight_t, _), (_, bias, _, _)) in enumerate(zip(self.pass_weights, self.tensors)):
            if i < last:
                h = self._act(torch.addmm(bias, h, weight_t))
                cache.append(h)
            elif self.thin_out[i]:  # (h Wᵀ + b)ᵀ = W hᵀ + b, read back transposed
                h = torch.addmm(self.bias_columns[i], weight, h.t()).t()
            else:
                h = torch.addmm(bias, h, weight_t)
        return h, cache

    @property
    def spectral_layers(self) -> bool:
        return any(sn is not None for sn in self.spectral)

    def backward(self, cache: list[Tensor], grad_out: Tensor, param_grads: bool = True,
                 input_grad: bool = False) -> Tensor | None:
        """Backpropagate ∂L/∂output through the latest forward pass; writes ∂L/∂W, ∂L/∂b into ``.grad``
        when ``param_grads``.

        Returns ∂L/∂input when ``input_grad`` (what a generator needs from D), else None.
        """
        delta = grad_out
        for i in range(len(self.tensors) - 1, -1, -1):
            weight, weight_t, sn = self.pass_weights[i]
            _, _, weight_grad, bias_grad = self.tensors[i]
            h_in = cache[i]
            if param_grads:  # written in place: the .grad tensors may be views of a flat buffer
                if self.thin_in[i]:  # ∂L/∂W = δᵀh = (hᵀδ)ᵀ
                    weight_grad.copy_(torch.mm(h_in.t(), delta).t())
                else:
                    torch.mm(delta.t(), h_in, out=weight_grad)
                if sn is not None:
                    spectral_norm_grad(weight_grad, weight, sn)
                torch.sum(delta, 0, out=bias_grad)
            if i == 0 and not input_grad:
                return None
            if self.thin_in[i]:  # δW = (Wᵀδᵀ)ᵀ, with Wᵀ made contiguous (a few numbers)
                delta = torch.mm(weight_t.contiguous(), delta.t()).t()
            else:
                delta = delta.mm(weight)
            if i > 0:
                delta = self._act_grad(delta, h_in)
        return delta


def spectral_norm_grad(grad: Tensor, w_sn: Tensor, sn: tuple) -> Tensor:
    """Turn ``grad`` = ∂L/∂W_SN into ∂L/∂W in place: Ḡ/σ − (⟨Ḡ, W_SN⟩/σ) u vᵀ (u, v held constant)."""
    _, sigma, u, v = sn
    coefficient = torch.sum(grad * w_sn) / sigma
    grad.div_(sigma)
    grad.sub_(torch.outer(u, v).mul_(coefficient))
    return grad
