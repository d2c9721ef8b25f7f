import math

import numpy as np
import torch

from ganlab.images.classifiers import accuracy, load_classifier
from ganlab.images.data import load_images, to_float
from ganlab.metrics.images import frechet_distance, image_metrics


def test_frechet_distance_of_gaussians():
    rng = np.random.default_rng(0)
    a = rng.normal(size=(4000, 3))
    assert abs(frechet_distance(a, a)) < 1e-6
    shifted = frechet_distance(a, a + np.array([2.0, 0.0, 0.0]))
    assert abs(shifted - 4.0) < 1e-6  # same covariance: only ‖μ1 − μ2‖² remains
    b = rng.normal(size=(4000, 3)) * 2.0  # Σ = 4I vs I: Tr(I + 4I − 2·(4I)^½) = 3 · (1 + 4 − 4) = 3
    assert abs(frechet_distance(a, b) - 3.0) < 0.3


def test_shipped_mnist_classifier_is_accurate():
    ds = load_images("mnist", full=False)
    assert accuracy(load_classifier("mnist"), ds.test_images, ds.test_labels) >= 0.95


def test_metrics_separate_real_from_noise():
    ds = load_images("mnist", full=False)
    clf = load_classifier("mnist")
    real = to_float(ds.test_images[:1000])
    other_real = to_float(ds.train_images[:1000])
    noise = torch.rand(1000, 1, 28, 28, generator=torch.Generator().manual_seed(0)) * 2 - 1
    good = image_metrics(clf, other_real, real)
    bad = image_metrics(clf, noise, real)
    assert good["classes_covered"] == 10 and good["class_kl"] < 0.05 and good["mean_confidence"] > 0.9
    assert good["fid"] < 0.2 * bad["fid"] and good["fid_real"] < 0.2 * bad["fid"]
    one_class = to_float(ds.test_images[ds.test_labels == 3][:300])
    collapsed = image_metrics(clf, one_class, real)
    assert collapsed["classes_covered"] <= 2 and collapsed["class_kl"] > 0.5 * math.log(10)
    # quality and diversity apart: the one-digit set is real digits (precise) but covers one class of ten
    assert collapsed["precision"] > 0.9 and collapsed["recall"] < 0.3 and collapsed["coverage"] < 0.3
    assert good["precision"] > 0.8 and good["recall"] > 0.8
    # noise: no diversity at all; precision is fooled by a few real outliers' large balls (0.375 here),
    # density and coverage, which Naeem et al. built to resist outliers, are not
    assert bad["recall"] < 0.05 and bad["coverage"] < 0.05 and bad["density"] < 0.3 < good["density"]
