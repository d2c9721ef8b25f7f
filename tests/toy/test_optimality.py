import math

import numpy as np
import pytest

from ganlab.toy.optimality import line_example, two_gaussians_profiles


@pytest.mark.parametrize("theta", [-1.5, -0.2, 0.3, 1.0])
def test_line_example_matches_the_lecture(theta):
    out = line_example(theta)
    assert abs(out["js"] - math.log(2)) < 1e-12
    assert out["kl"] == math.inf
    assert abs(out["w1"] - abs(theta)) < 1e-9


def test_line_example_at_theta_zero():
    out = line_example(0.0)
    assert out["js"] == 0 and out["kl"] == 0 and abs(out["w1"]) < 1e-12


def test_discriminator_saturates_where_the_critic_stays_linear():
    prof = two_gaussians_profiles(steps=300, seed=0)
    x = prof["x"]
    at_fake = np.argmin(np.abs(x - prof["fake_mean"]))
    at_real = np.argmin(np.abs(x - prof["real_mean"]))
    assert prof["d"][at_fake] < 0.05 and prof["d"][at_real] > 0.95  # D separates perfectly
    assert prof["d_slope"][at_fake] < 0.05  # ... and gives the fakes no gradient
    middle = (x > prof["fake_mean"]) & (x < prof["real_mean"])
    assert prof["f_slope"][middle].mean() > 0.5  # the critic keeps a slope between them
    assert prof["f_slope"][at_fake] > 10 * prof["d_slope"][at_fake]
