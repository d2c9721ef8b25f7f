import pytest
import torch

from ganlab.images.config import ImageConfig
from ganlab.images.experiment import ImageExperiment, build_image_networks
from ganlab.models.conditional import ConditionalGenerator, ProjectionDiscriminator, as_class_weights


def test_class_weights_from_indices_and_rows():
    assert torch.equal(as_class_weights(torch.tensor([2, 0]), 3), torch.tensor([[0.0, 0, 1], [1, 0, 0]]))
    mix = torch.tensor([[0.5, 0.5, 0.0]])
    assert torch.equal(as_class_weights(mix, 3), mix)
    with pytest.raises(ValueError):
        as_class_weights(torch.zeros(2, 4), 3)


@pytest.mark.parametrize("arch,latent", [("dcgan", 16), ("seed004", 128), ("mlp", 8)])
def test_conditional_networks_take_labels(arch, latent):
    g, d = build_image_networks(ImageConfig(arch=arch, width=8, latent_dim=latent, conditional=True))
    assert isinstance(g, ConditionalGenerator) and isinstance(d, ProjectionDiscriminator)
    z, y = torch.randn(4, latent), torch.tensor([0, 1, 2, 9])
    g.eval()
    x = g(z, y)
    assert x.shape == (4, 1, 28, 28) and d(x, y).shape == (4, 1)


def test_the_label_changes_the_image_and_the_score():
    g, d = build_image_networks(ImageConfig(width=8, latent_dim=16, conditional=True))
    g.eval(), d.eval()
    g.requires_grad_(False), d.requires_grad_(False)
    z = torch.randn(1, 16)
    a, b = g(z, torch.tensor([3])), g(z, torch.tensor([8]))
    assert (a - b).abs().max() > 1e-4
    assert abs(float(d(a, torch.tensor([3]))) - float(d(a, torch.tensor([8])))) > 1e-6


def test_projection_score_is_linear_head_plus_inner_product():
    _, d = build_image_networks(ImageConfig(width=8, latent_dim=16, conditional=True))
    d.eval()
    x, y = torch.randn(2, 1, 28, 28), torch.tensor([1, 7])
    h = d.features(x)
    expected = d.head(h)[:, 0] + (d.embed.weight.T[y] * h).sum(1)
    assert (d(x, y)[:, 0] - expected).abs().max() < 1e-5


def test_conditional_training_uses_real_labels_and_draws_each_class():
    exp = ImageExperiment(ImageConfig(width=8, batch=16, seed=0, conditional=True), "cpu", full_data=False)
    rec = exp.train(steps=3)
    assert rec.step == 3
    out = exp.trainer.generate(10, labels=torch.arange(10))
    assert out.shape == (10, 1, 28, 28)


def test_conditional_wgan_gp_uses_the_labelled_critic_in_the_penalty():
    exp = ImageExperiment(ImageConfig(width=8, batch=8, seed=0, conditional=True, objective="wgan-gp", n_critic=2),
                          "cpu", full_data=False)
    rec = exp.train(steps=2)
    assert rec.penalty is not None and rec.penalty >= 0
