"""The gradient penalty and R1 by hand for an MLP critic: second derivatives without autograd.

Both penalise the critic's input gradient g_i = ∇_x f(x_i), sample by sample:

    WGAN-GP:  P = λ · mean_i (‖g_i‖ − 1)²   at x̂ = α x + (1 − α) x̃  (``lipschitz.gradient_penalty``)
    R1:       P = (γ/2) · mean_i ‖g_i‖²      at real x                 (``lipschitz.r1_penalty``)

For an MLP with a_l = h_{l−1} W_lᵀ + b_l, h_l = σ(a_l) and s_l = σ'(a_l), the input gradient is the
backward pass of the constant 1 (layers l = 1 … L, h_0 = x, a scalar output):

    v_L = 1,   u_{l−1} = v_l W_l,   v_l = u_l ⊙ s_l,   g = u_0.

Reverse mode through that pass starts from ḡ = ∂P/∂g, which is 2λ/B · (‖g‖ − 1) · g/‖g‖ for the
penalty (0 where g = 0, as autograd's norm has it) and γ/B · g for R1, and runs upwards:

    ū_0 = ḡ;   ∂P/∂W_l += v_lᵀ ū_{l−1};   v̄_l = ū_{l−1} W_lᵀ;   ū_l = v̄_l ⊙ s_l.

For ReLU and leaky ReLU, s_l is piecewise constant, so that is all: the biases get no gradient from
the penalty, and autograd's double backward of these activations is zero too. For tanh,
s_l = 1 − h_l² moves with the weights: ∂P/∂a_l = v̄_l ⊙ u_l ⊙ (−2 h_l s_l), and those terms go
through one more ordinary backward pass of the forward network.
"""
from __future__ import annotations

import torch

from ganlab.training.fast.backprop import ManualMLP
from ganlab.training.lipschitz import interpolates

Tensor = torch.Tensor
PENALTIES = ("gp", "r1")


def input_gradient_penalty(net: ManualMLP, x: Tensor, kind: str, weight: float) -> Tensor:
    """P at the inputs ``x`` (x̂ for ``"gp"``, the real batch for ``"r1"``) with λ or γ = ``weight``.

    Adds ∂P/∂W and ∂P/∂b to the network's ``.grad`` tensors (on top of what they hold) and returns P.
    """
    if kind not in PENALTIES:
        raise ValueError(f"unknown penalty {kind!r}")
    if net.spectral_layers:
        raise ValueError("an input-gradient penalty by hand needs layers without spectral norm")
    _, h = net.forward(x)  # h[l]: the input of layer l + 1 (h[0] = x)
    weights = [w for w, _, _ in net.pass_weights]
    weights_t = [w_t for _, w_t, _ in net.pass_weights]
    grads_w = [gw for _, _, gw, _ in net.tensors]
    grads_b = [gb for _, _, _, gb in net.tensors]
    n_layers, batch = len(weights), x.shape[0]
    tanh = net.kind == "Tanh"

    # forward through the input-gradient pass: v[l] and (for tanh) u[l], layers numbered from 1
    v: list[Tensor | None] = [None] * (n_layers + 1)
    u: list[Tensor | None] = [None] * (n_layers + 1)
    v[n_layers] = x.new_ones(batch, 1)
    for layer in range(n_layers, 1, -1):
        u_below = v[layer].mm(weights[layer - 1])
        if tanh:
            u[layer - 1] = u_below.clone()
        v[layer - 1] = net._act_grad(u_below, h[layer - 1])
    g = v[1].mm(weights[0])

    if kind == "gp":
        norms = g.norm(dim=1, keepdim=True)
        penalty = weight * (norms - 1).pow(2).mean()
        scale = torch.where(norms > 0, (norms - 1) / norms, torch.zeros_like(norms))
        u_bar = g * scale * (2 * weight / batch)
    else:
        penalty = 0.5 * weight * g.pow(2).sum(1).mean()
        u_bar = g * (weight / batch)

    # reverse mode, upwards: ∂P/∂W_l and (for tanh) ∂P/∂a_l
    a_bar: list[Tensor | None] = [None] * (n_layers + 1)
    for layer in range(1, n_layers + 1):
        grads_w[layer - 1].add_(v[layer].t().mm(u_bar))
        if layer == n_layers:
            break
        v_bar = u_bar.mm(weights_t[layer - 1])
        if tanh:
            out = h[layer]
            a_bar[layer] = v_bar * u[layer] * out * (1 - out * out) * -2.0
        u_bar = net._act_grad(v_bar, h[layer])

    if tanh:  # the ∂P/∂a_l terms, back through the forward network (δ_L = 0: the output is linear)
        delta = None
        for layer in range(n_layers - 1, 0, -1):
            if delta is None:
                delta = a_bar[layer]
            else:
                delta = net._act_grad(delta.mm(weights[layer]), h[layer]) + a_bar[layer]
            grads_w[layer - 1].add_(delta.t().mm(h[layer - 1]))
            grads_b[layer - 1].add_(delta.sum(0))
    return penalty


def manual_discriminator_penalty(method: str, net: ManualMLP, real: Tensor, fake: Tensor, gp_weight: float,
                                 r1_weight: float, generator: torch.Generator | None = None) -> Tensor | None:
    """``lipschitz.discriminator_penalty`` by hand (the same α draws for the gradient penalty); its
    parameter gradients are accumulated into ``net``'s."""
    if method == "gp":
        return input_gradient_penalty(net, interpolates(real, fake, generator)[0], "gp", gp_weight)
    if method in ("r1", "r1r2"):
        penalty = input_gradient_penalty(net, real, "r1", r1_weight)
        return penalty + input_gradient_penalty(net, fake, "r1", r1_weight) if method == "r1r2" else penalty
    return None
