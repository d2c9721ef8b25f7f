import math

import pytest
import torch

from ganlab.errors import GanlabError
from ganlab.training import objectives as O

R = torch.tensor([0.0, 2.0])  # D outputs on real samples (logits or scores)
F = torch.tensor([0.0, -1.0])  # D outputs on fake samples


def sig(a):
    return 1 / (1 + math.exp(-a))


def close(a, b, tol=1e-6):
    return abs(float(a) - float(b)) < tol


def test_bce_discriminator_loss_is_minus_log_likelihood():
    expected = -(math.log(sig(0)) + math.log(sig(2))) / 2 - (math.log(1 - sig(0)) + math.log(1 - sig(-1))) / 2
    assert close(O.bce_d_loss(R, F), expected)


def test_one_sided_label_smoothing_only_touches_real_targets():
    t = 0.9
    real = -(t * math.log(sig(0)) + (1 - t) * math.log(1 - sig(0)) + t * math.log(sig(2)) + (1 - t) * math.log(1 - sig(2))) / 2
    fake = -(math.log(1 - sig(0)) + math.log(1 - sig(-1))) / 2
    assert close(O.bce_d_loss(R, F, real_target=t), real + fake)


def test_minimax_generator_loss_is_log_one_minus_d():
    assert close(O.minimax_g_loss(F), (math.log(1 - sig(0)) + math.log(1 - sig(-1))) / 2)


def test_nonsaturating_generator_loss_is_minus_log_d():
    assert close(O.nonsaturating_g_loss(F), -(math.log(sig(0)) + math.log(sig(-1))) / 2)


def test_wgan_losses():
    assert close(O.wgan_d_loss(R, F), -1.5)
    assert close(O.wgan_g_loss(F), 0.5)


def test_hinge_loss():
    assert close(O.hinge_d_loss(R, F), 1.0)


def test_lsgan_losses():
    assert close(O.lsgan_d_loss(R, F), 0.75)
    assert close(O.lsgan_g_loss(F), 1.25)


def test_saturating_loss_has_vanishing_gradient_where_d_rejects_fakes():
    f = torch.tensor([-10.0], requires_grad=True)
    (g_sat,) = torch.autograd.grad(O.minimax_g_loss(f), f)
    f2 = torch.tensor([-10.0], requires_grad=True)
    (g_ns,) = torch.autograd.grad(O.nonsaturating_g_loss(f2), f2)
    assert abs(g_sat.item() + sig(-10)) < 1e-9  # ∂/∂a log(1 − σ(a)) = −σ(a) ≈ −4.5e−5
    assert abs(g_ns.item() + (1 - sig(-10))) < 1e-6  # ∂/∂a −log σ(a) = −(1 − σ(a)) ≈ −1


def test_registry_kinds():
    assert O.get_objective("nonsaturating").outputs_probability
    assert O.get_objective("wgan-gp").is_critic and O.get_objective("wgan-gp").lipschitz == "gp"
    assert O.get_objective("wgan").lipschitz == "clip"
    assert not O.get_objective("hinge").is_critic
    with pytest.raises(GanlabError):
        O.get_objective("wasserstein")


@pytest.mark.parametrize("name", O.OBJECTIVE_NAMES)
@pytest.mark.parametrize("target", [1.0, 0.9])
def test_closed_form_gradients_match_autograd(name, target):
    obj = O.get_objective(name)
    g = torch.Generator().manual_seed(0)
    real = (torch.randn(7, generator=g) * 3).requires_grad_(True)
    fake = (torch.randn(7, generator=g) * 3).requires_grad_(True)
    t = target if name in ("minimax", "nonsaturating", "lsgan") else 1.0
    auto_r, auto_f = torch.autograd.grad(obj.d_loss(real, fake, t), (real, fake))
    mine_r, mine_f = obj.d_grad(real.detach(), fake.detach(), t)
    assert torch.allclose(mine_r, auto_r, atol=1e-7) and torch.allclose(mine_f, auto_f, atol=1e-7)
    pair = (real.detach(),) if obj.relativistic else ()
    (auto_g,) = torch.autograd.grad(obj.g_loss(fake, *pair), fake)
    assert torch.allclose(obj.g_grad(fake.detach(), *pair), auto_g, atol=1e-7)


@pytest.mark.parametrize("name", O.OBJECTIVE_NAMES)
@pytest.mark.parametrize("target", [1.0, 0.9])
def test_loss_and_gradient_in_one_pass_match_the_separate_formulas(name, target):
    """The training step's fast path (one call over [real; fake] outputs) against the lecture formulas."""
    obj = O.get_objective(name)
    g = torch.Generator().manual_seed(1)
    out = torch.randn(16, 1, generator=g) * 4  # 8 real rows, then 8 fake rows, as D returns them
    t = target if name in ("minimax", "nonsaturating", "lsgan") else 1.0
    loss, grad = obj.d_loss_and_grad(out, t)
    real, fake = out[:8].flatten(), out[8:].flatten()
    assert abs(loss.item() - obj.d_loss(real, fake, t).item()) < 1e-5
    assert grad.shape == out.shape
    expected = torch.cat(obj.d_grad(real, fake, t))
    assert (grad.flatten() - expected).abs().max().item() < 1e-7
    pair = (real,) if obj.relativistic else ()
    g_loss, g_grad = obj.g_loss_and_grad(fake[:, None], *(p[:, None] for p in pair))
    assert abs(g_loss.item() - obj.g_loss(fake, *pair).item()) < 1e-6
    assert (g_grad.flatten() - obj.g_grad(fake, *pair)).abs().max().item() < 1e-7


def test_relativistic_pairing_loss_worked_numbers():
    """R3GAN's loss on two pairs: D(x) = (2, 0), D(G(z)) = (0, 1). L_D = mean softplus(f − r) =
    (softplus(−2) + softplus(1)) / 2 = (0.126928 + 1.313262) / 2; L_G = mean softplus(r − f) =
    (softplus(2) + softplus(−1)) / 2 = (2.126928 + 0.313262) / 2. Shifting every output by the same
    constant changes neither: only differences count."""
    obj = O.get_objective("r3gan")
    real, fake = torch.tensor([2.0, 0.0]), torch.tensor([0.0, 1.0])
    assert obj.d_loss(real, fake).item() == pytest.approx((0.126928 + 1.313262) / 2, abs=1e-6)
    assert obj.g_loss(fake, real).item() == pytest.approx((2.126928 + 0.313262) / 2, abs=1e-6)
    assert obj.d_loss(real + 5, fake + 5).item() == pytest.approx(obj.d_loss(real, fake).item(), abs=1e-6)
    assert obj.relativistic and obj.lipschitz == "r1r2" and not O.get_objective("hinge").relativistic
