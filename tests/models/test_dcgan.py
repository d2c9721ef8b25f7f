import torch
from torch import nn

from ganlab.models import dcgan_discriminator, dcgan_generator, seed004_discriminator, seed004_generator
from ganlab.models.summary import layer_table
from ganlab.training.lipschitz import has_batch_norm


def test_dcgan_shapes_and_guidelines():
    g, d = dcgan_generator(latent_dim=16, width=8, channels=3), dcgan_discriminator(width=8, channels=3)
    x = g(torch.randn(5, 16))
    assert x.shape == (5, 3, 28, 28) and x.abs().max() <= 1
    assert d(x).shape == (5, 1)
    layers = list(g)
    assert isinstance(layers[-1], nn.Tanh) and not isinstance(layers[-2], nn.BatchNorm2d)  # no BN at G's output
    assert not isinstance(list(d)[1], nn.BatchNorm2d)  # no BN at D's input
    assert all(bn.momentum == 0.1 and bn.eps == 1e-5 for bn in g.modules() if isinstance(bn, nn.BatchNorm2d))
    assert has_batch_norm(d) and not has_batch_norm(dcgan_discriminator(width=8, critic=True))


def test_seed004_matches_the_lecture_notebook():
    g, d = seed004_generator(), seed004_discriminator()
    assert g(torch.randn(2, 128)).shape == (2, 1, 28, 28)
    assert d(torch.randn(2, 1, 28, 28)).shape == (2, 1)
    assert [type(m).__name__ for m in g] == ["Linear", "LeakyReLU", "Unflatten", "ConvTranspose2d", "LeakyReLU",
                                            "ConvTranspose2d", "LeakyReLU", "Conv2d", "Tanh"]
    assert list(d)[-1].in_features == 3136


def test_layer_table_reads_real_shapes():
    rows = layer_table(dcgan_generator(latent_dim=100, width=64), (100,))
    shapes = [r.output_shape for r in rows]
    assert shapes[0] == (128 * 7 * 7,) and (128, 7, 7) in shapes and (64, 14, 14) in shapes
    assert shapes[-1] == (1, 28, 28)
    assert rows[0].parameters == 100 * 128 * 7 * 7
    assert "ConvTranspose2d(128 → 64, kernel 4, stride 2, padding 1)" in [r.layer for r in rows]
