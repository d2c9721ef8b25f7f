import math

import numpy as np
import pytest

from ganlab.maths import divergences as dv

LOG2 = math.log(2)
LECTURE_P = [(0.25, 1, 2), (0.25, 3, 4), (0.5, 9, 10)]
LECTURE_Q = [(1.0, 5, 7)]


def test_lecture_w1_equals_3_exactly():
    assert abs(dv.w1_uniform_mixtures(LECTURE_P, LECTURE_Q) - 3.0) < 1e-12


def test_lecture_w1_by_sorting_quantiles():
    # Midpoint quantiles of each distribution (n a multiple of 4): W1 by the O(N log N) sort.
    n = 400
    u = (np.arange(n) + 0.5) / n
    p = np.where(u < 0.25, 1 + 4 * u, np.where(u < 0.5, 2 + 4 * u, 9 + 2 * (u - 0.5)))
    q = 5 + 2 * u
    assert abs(dv.w1_1d(p, q) - 3.0) < 1e-9
    # and with POT's exact solver on the same points, as 1D clouds
    assert abs(dv.w1_samples(p[:, None], q[:, None]) - 3.0) < 1e-9


def test_lecture_divergences_are_infinite_or_log2_for_disjoint_supports():
    out = dv.divergences_uniform_mixtures(LECTURE_P, LECTURE_Q)
    assert out["kl_pq"] == math.inf and out["kl_qp"] == math.inf
    assert abs(out["js"] - LOG2) < 1e-12


def test_shovel_example_costs_5():
    assert abs(dv.transport_cost_1d([3, 2, 1, 4], [1, 2, 4, 3]) - 5.0) < 1e-12


def test_w1_1d_weights_and_symmetry():
    assert abs(dv.w1_1d([0, 1], [0.5]) - 0.5) < 1e-12
    assert abs(dv.w1_1d([0, 10], [0, 10], [0.9, 0.1], [0.1, 0.9]) - 8.0) < 1e-12
    a, b = np.random.default_rng(0).normal(size=(2, 50))
    assert abs(dv.w1_1d(a, b) - dv.w1_1d(b, a)) < 1e-12
    assert abs(dv.w1_1d(a, a + 0.7) - 0.7) < 1e-12


@pytest.mark.parametrize("theta", [-1.0, -0.3, 0.05, 0.5, 2.0])
def test_line_example_js_log2_and_w1_theta(theta):
    """Real (0, U[0,1]) against generated (θ, U[0,1]): JS = log 2 for θ ≠ 0, W1 = |θ|."""
    y = np.random.default_rng(1).random(400)
    real = np.stack([np.zeros_like(y), y], 1)
    fake = np.stack([np.full_like(y, theta), y], 1)
    assert abs(dv.w1_samples(real, fake) - abs(theta)) < 1e-9
    grid = dv.grid_divergences(real, fake, (-2.5, 2.5, -0.5, 1.5), bins=200, eps=0.0)
    assert abs(grid["js"] - LOG2) < 1e-12
    assert grid["kl"] == math.inf


def test_line_example_theta_zero_has_zero_divergence():
    y = np.random.default_rng(1).random(400)
    real = np.stack([np.zeros_like(y), y], 1)
    assert abs(dv.w1_samples(real, real.copy())) < 1e-12
    assert abs(dv.grid_divergences(real, real, (-1, 1, 0, 1), eps=0.0)["js"]) < 1e-12


def test_kl_and_js_on_histograms():
    p, q = [0.5, 0.5], [0.9, 0.1]
    assert abs(dv.kl(p, q) - (0.5 * math.log(0.5 / 0.9) + 0.5 * math.log(0.5 / 0.1))) < 1e-12
    assert abs(dv.js([1, 0], [0, 1]) - LOG2) < 1e-15
    assert abs(dv.js(p, p)) < 1e-15
    assert dv.kl([1, 0], [0, 1]) == math.inf
    with pytest.raises(ValueError):
        dv.kl([0, 0], [1, 1])


def test_optimal_discriminator_and_value_function_identity():
    rng = np.random.default_rng(2)
    pr, pg = rng.random(30), rng.random(30)
    pr[:5] = 0  # parts of each support the other lacks
    pg[-5:] = 0
    pr, pg = pr / pr.sum(), pg / pg.sum()
    d_star = dv.optimal_discriminator(pr, pg)
    assert np.allclose(d_star, pr / (pr + pg))
    # V(D*, G) = 2·JSD(p_r ‖ p_g) − log 4
    assert abs(dv.value_function(d_star, pr, pg) - (2 * dv.js(pr, pg) - math.log(4))) < 1e-12
    # and D* is the maximiser: any other D does worse
    other = np.clip(d_star + rng.normal(0, 0.05, 30), 0.01, 0.99)
    assert dv.value_function(other, pr, pg) < dv.value_function(d_star, pr, pg)


def test_value_function_at_equilibrium_is_minus_log4():
    p = np.full(10, 0.1)
    assert abs(dv.value_function(dv.optimal_discriminator(p, p), p, p) + math.log(4)) < 1e-12


def test_grid_histogram_counts_every_sample():
    pts = np.array([[0.0, 0.0], [100.0, 0.0], [-100.0, -100.0], [0.5, 0.5]])
    counts, outside = dv.grid_histogram(pts, (-1, 1, -1, 1), 4)
    assert counts.sum() == 4 and abs(outside - 0.5) < 1e-12


def test_transport_plan_marginals_and_cost():
    a = np.array([[0.0, 0.0], [1.0, 0.0]])
    b = np.array([[0.0, 1.0], [1.0, 1.0]])
    plan, cost = dv.transport_plan(a, b)
    assert np.allclose(plan.sum(1), 0.5) and np.allclose(plan.sum(0), 0.5)
    assert abs(cost - 1.0) < 1e-12


def test_histogram_divergences_of_the_shovel_example():
    out = dv.histogram_divergences([3, 2, 1, 4], [1, 2, 4, 3])
    assert abs(out["cost"] - 5.0) < 1e-12 and abs(out["w1"] - 0.5) < 1e-12
    assert out["kl_pq"] > 0 and out["kl_qp"] > 0 and 0 < out["js"] < LOG2
    assert dv.histogram_divergences([1, 0], [0, 2])["cost"] is None


def test_cdf_gap_at_the_breakpoints():
    t, gap = dv.cdf_gap(LECTURE_P, LECTURE_Q)
    assert t.tolist() == [1, 2, 3, 4, 5, 7, 9, 10]
    assert np.allclose(gap, [0, 0.25, 0.25, 0.5, 0.5, -0.5, -0.5, 0], atol=1e-12)
