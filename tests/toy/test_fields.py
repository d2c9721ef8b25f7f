import torch
from torch import nn

from ganlab.toy.fields import discriminator_surface, generator_gradient_field, generator_manifold, grid_points
from ganlab.training.objectives import get_objective
from ganlab.training.priors import Prior


class Affine(nn.Module):
    """D(x) = <w, x> + b, so every field has a closed form."""

    def __init__(self, w=(1.0, -2.0), b=0.5):
        super().__init__()
        self.w = nn.Parameter(torch.tensor(w))
        self.b = nn.Parameter(torch.tensor(b))

    def forward(self, x):
        return (x @ self.w + self.b)[:, None]


def test_grid_points_order():
    xs, ys, pts = grid_points((-1, 1, 0, 2), 3)
    assert torch.equal(pts[1], torch.tensor([0.0, 0.0])) and torch.equal(pts[3], torch.tensor([-1.0, 1.0]))


def test_surface_is_probability_for_discriminator_and_raw_for_critic():
    d = Affine()
    xs, ys, v = discriminator_surface(d, get_objective("nonsaturating"), (-1, 1, -1, 1), n=5)
    expected = torch.sigmoid(xs[None, :] * 1.0 - 2.0 * ys[:, None] + 0.5)
    assert torch.allclose(v, expected, atol=1e-6)
    _, _, raw = discriminator_surface(d, get_objective("wgan"), (-1, 1, -1, 1), n=5)
    assert torch.allclose(raw, xs[None, :] - 2.0 * ys[:, None] + 0.5, atol=1e-6)


def test_gradient_field_matches_closed_forms():
    d = Affine()
    w = torch.tensor([1.0, -2.0])
    x = torch.tensor([[0.0, 0.0], [3.0, 1.0]])
    a = x @ w + 0.5
    # critic: ℓ_G = −f(x) → −∂ℓ/∂x = w, the same arrow everywhere (a linear critic never saturates)
    assert torch.allclose(generator_gradient_field(d, get_objective("wgan"), x), w.expand(2, 2))
    # nonsaturating: ℓ = −log σ(a) → −∂ℓ/∂x = (1 − σ(a)) w
    ns = generator_gradient_field(d, get_objective("nonsaturating"), x)
    assert torch.allclose(ns, (1 - torch.sigmoid(a))[:, None] * w, atol=1e-6)
    # minimax: ℓ = log(1 − σ(a)) → −∂ℓ/∂x = σ(a) w, vanishing where D rejects (σ(a) → 0)
    mm = generator_gradient_field(d, get_objective("minimax"), x)
    assert torch.allclose(mm, torch.sigmoid(a)[:, None] * w, atol=1e-6)
    assert all(p.grad is None for p in d.parameters())


def test_manifold_is_image_of_latent_grid():
    g = nn.Linear(3, 2, bias=False)
    with torch.no_grad():
        g.weight.copy_(torch.tensor([[1.0, 0.0, 5.0], [0.0, 2.0, 5.0]]))
    prior = Prior("uniform", 3)
    m = generator_manifold(g, prior, steps=4)
    axis = prior.grid_axis(4)
    assert m.shape == (4, 4, 2)
    assert torch.allclose(m[2, 1], torch.tensor([axis[1], 2 * axis[2]]))
    assert generator_manifold(nn.Linear(1, 2), Prior("gaussian", 1), steps=7).shape == (1, 7, 2)


def test_relativistic_arrows_judge_each_fake_against_its_real_partner():
    """For R3GAN, ℓ_G(x_i) = softplus(D(x_r,i) − D(x_i)): with D(x) = x₁ (a slope along the first axis)
    the arrow at every fake is +σ(D(x_r,i) − D(x_i)) along that axis, and needs the partners."""
    import pytest

    from ganlab.training.objectives import get_objective

    d = torch.nn.Linear(2, 1)
    with torch.no_grad():
        d.weight.copy_(torch.tensor([[1.0, 0.0]]))
        d.bias.zero_()
    fake, real = torch.tensor([[0.0, 0.0], [1.0, 2.0]]), torch.tensor([[2.0, 0.0], [1.0, -1.0]])
    arrows = generator_gradient_field(d, get_objective("r3gan"), fake, real)
    expected = torch.sigmoid(torch.tensor([2.0, 0.0]))
    torch.testing.assert_close(arrows[:, 0], expected)
    torch.testing.assert_close(arrows[:, 1], torch.zeros(2))
    with pytest.raises(ValueError, match="partner"):
        generator_gradient_field(d, get_objective("r3gan"), fake)
