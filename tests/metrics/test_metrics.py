import math

import numpy as np
import torch

from ganlab.metrics import mode_coverage
from ganlab.toy.data import get_toy
from ganlab.toy.evaluation import evaluate_toy_samples

CENTERS = np.array([[0.0, 0.0], [10.0, 0.0], [0.0, 10.0], [10.0, 10.0]])


def test_counts_high_quality_per_mode():
    std = 0.1
    samples = np.array([[0.0, 0.29], [10.1, 0.0], [10.0, 0.2], [5.0, 5.0], [0.0, 0.31], [np.nan, 0.0]])
    cov = mode_coverage(samples, CENTERS, std)
    assert cov.counts == [1, 2, 0, 0]
    assert cov.modes_covered == 2 and cov.modes_total == 4
    assert abs(cov.hq_fraction - 3 / 6) < 1e-12
    p = np.array([1, 2]) / 3
    assert abs(cov.mode_kl - float(np.sum(p * np.log(p * 4)))) < 1e-12


def test_collapsed_generator_scores_one_mode_and_log_k():
    samples = np.zeros((2500, 2))
    cov = mode_coverage(samples, CENTERS, 0.1)
    assert cov.modes_covered == 1 and cov.hq_fraction == 1.0
    assert abs(cov.mode_kl - math.log(4)) < 1e-12


def test_real_data_covers_every_mode_with_rayleigh_hq_fraction():
    ring = get_toy("ring8")
    x = ring.sample(2500, torch.Generator().manual_seed(0)).numpy()
    cov = mode_coverage(x, ring.centers.numpy(), ring.std)
    assert cov.modes_covered == 8
    assert abs(cov.hq_fraction - (1 - math.exp(-4.5))) < 0.01
    assert cov.mode_kl < 0.01


def test_no_high_quality_samples():
    cov = mode_coverage(np.full((10, 2), 5.0), CENTERS, 0.1)
    assert cov.modes_covered == 0 and cov.hq_fraction == 0 and cov.mode_kl is None


def test_evaluate_real_against_real_is_near_perfect():
    ring = get_toy("ring8")
    a = ring.sample(1000, torch.Generator().manual_seed(0)).numpy()
    b = ring.sample(1000, torch.Generator().manual_seed(1)).numpy()
    out = evaluate_toy_samples(a, b, ring)
    assert out["modes_covered"] == 8 and out["modes_total"] == 8
    assert 0 < out["w1"] < 0.15 and out["grid_js"] < 0.1
    shifted = evaluate_toy_samples(a + np.array([3.0, 0.0]), b, ring)
    assert abs(shifted["w1"] - 3.0) < 0.15 and shifted["modes_covered"] < 8


def test_mode_swings_counts_returns_to_a_mode():
    from ganlab.metrics.modes import mode_swings

    settled = [[0.5, 0.0], [0.6, 0.0], [0.55, 0.0]]
    hopping = [[0.5, 0.0], [0.0, 0.5], [0.4, 0.0], [0.0, 0.6], [0.5, 0.01]]
    assert mode_swings(settled) == 1 and mode_swings(hopping) == 3 and mode_swings([]) == 0
    assert mode_swings([[0.5], [0.2], [0.5]]) == 1  # 0.2 is not a fall below 5%: the same visit
