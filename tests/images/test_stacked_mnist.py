"""StackedMNIST: three MNIST digits as R, G, B (1000 modes), and its mode count."""
import math

import pytest
import torch

from ganlab.images.classifiers import load_classifier
from ganlab.images.data import load_images
from ganlab.images.config import ImageConfig
from ganlab.images.experiment import ImageExperiment, build_image_networks, image_grid
from ganlab.metrics.stacked import MODES, stacked_mnist_metrics


def test_each_image_is_three_independent_digits_labelled_by_their_triple():
    data = load_images("stacked-mnist")
    images, modes = data.sample(500, torch.Generator().manual_seed(0))
    assert images.shape == (500, 3, 28, 28) and data.channels == 3 and len(data.class_names) == 1000
    assert -1.0 <= images.min() and images.max() <= 1.0 and 0 <= modes.min() and modes.max() < 1000
    assert len(set(modes.tolist())) > 350  # 500 draws from 1000 even modes: ~393 distinct expected
    digits = load_images("mnist")  # channel 0 of the first image is a real digit of its mode's hundreds
    first = ((images[0, 0] + 1) * 127.5).round().to(torch.uint8)
    match = (digits.train_images == first).flatten(1).all(1).nonzero().flatten()
    assert len(match) >= 1 and int(digits.train_labels[match[0]]) == int(modes[0]) // 100


def test_the_mode_count_of_real_images_collapsed_ones_and_the_classifier_cap():
    """Real StackedMNIST covers most of the 1000 modes with KL near 0; a generator that always makes
    the same image covers 1 mode, KL = log 1000; the classifier reads each channel as well as it
    reads MNIST (98.6% held out)."""
    data = load_images("stacked-mnist")
    classifier = load_classifier("mnist")
    real, modes = data.sample(5000, torch.Generator().manual_seed(1), split="test")
    spread = stacked_mnist_metrics(classifier, real, real, modes)
    assert spread["modes_covered"] > 950 and spread["mode_kl"] < 0.3
    assert all(0.96 <= a <= 1.0 for a in spread["channel_accuracy"])
    collapsed = stacked_mnist_metrics(classifier, real[:1].repeat(300, 1, 1, 1), real, modes)
    assert collapsed["modes_covered"] == 1 and collapsed["mode_kl"] == pytest.approx(math.log(MODES), abs=1e-9)


@pytest.mark.parametrize("arch", ["dcgan", "seed004", "mlp"])
def test_every_architecture_makes_and_judges_three_channels(arch):
    g, d = build_image_networks(ImageConfig(data="stacked-mnist", arch=arch, width=8, pack=2, batch=4,
                                            latent_dim=128 if arch == "seed004" else 100))
    fake = g(torch.randn(4, 128 if arch == "seed004" else 100))
    assert fake.shape == (4, 3, 28, 28) and d(fake.reshape(2, 6, 28, 28)).shape == (2, 1)


def test_a_short_run_trains_and_reports_modes_and_a_colour_grid():
    exp = ImageExperiment(ImageConfig(data="stacked-mnist", width=8, batch=32), "cpu")
    exp.train(steps=3)
    metrics = exp.evaluate(5000)
    assert metrics["samples"] == 5000 and 1 <= metrics["modes_covered"] <= 1000 and metrics["modes_total"] == 1000
    assert image_grid(exp.samples(16)).shape == (2 + 2 * 30, 2 + 8 * 30, 3)
