"""Precision, recall, density and coverage held to the ``prdc`` reference package (Naeem et al.)."""
import numpy as np
import pytest
from prdc import compute_prdc

from ganlab.metrics.prdc import density_coverage, knn_radii, prdc, precision_recall


@pytest.mark.parametrize("k", [3, 5])
@pytest.mark.parametrize("shift", [0.0, 0.7, 3.0])
def test_matches_the_reference_package(k, shift):
    rng = np.random.default_rng(k)
    real = rng.normal(size=(400, 8))
    fake = rng.normal(size=(300, 8)) + shift
    ours = prdc(real, fake, k)
    ref = compute_prdc(real_features=real, fake_features=fake, nearest_k=k)
    for key in ("precision", "recall", "density", "coverage"):
        assert getattr(ours, key) == pytest.approx(ref[key], abs=1e-12), key


def test_mode_collapse_reads_as_quality_without_diversity():
    """Fakes on one of eight well-separated modes: precision stays high, recall and coverage fall to ≈ 1/8."""
    rng = np.random.default_rng(0)
    centres = 10 * np.stack([np.cos(np.arange(8) * np.pi / 4), np.sin(np.arange(8) * np.pi / 4)], 1)
    real = centres[rng.integers(8, size=1600)] + 0.1 * rng.normal(size=(1600, 2))
    collapsed = centres[0] + 0.1 * rng.normal(size=(800, 2))
    p, r = precision_recall(real, collapsed)
    d, c = density_coverage(real, collapsed)
    assert p > 0.9 and r < 0.2 and c < 0.2 and d > 0.5
    p, r = precision_recall(real, real[::2] + 0.01)
    assert p > 0.9 and r > 0.9


def test_radii_are_the_kth_neighbour_and_bad_k_is_refused():
    x = np.array([[0.0], [1.0], [3.0], [7.0]])
    assert knn_radii(x, 1).tolist() == [1.0, 1.0, 2.0, 4.0]
    assert knn_radii(x, 2).tolist() == [3.0, 2.0, 3.0, 6.0]
    with pytest.raises(ValueError, match="k must be"):
        knn_radii(x, 4)


def test_identical_sets_score_one_and_noise_around_the_data_is_diverse_but_poor():
    rng = np.random.default_rng(1)
    real = rng.normal(size=(1000, 2)) * 0.05 + rng.choice([-3.0, 3.0], size=(1000, 1))
    same = prdc(real, real, 5)
    assert same.precision == same.recall == same.coverage == 1.0 and same.density == pytest.approx(1.0, abs=0.25)
    noise = rng.uniform(-5, 5, size=(1000, 2))  # uniform noise over the data's whole window
    p, r = precision_recall(real, noise)
    assert p < 0.2 and r > 0.8
