"""The Dirac-GAN (Mescheder et al., ICML 2018): the paper's analysis as numbers, and every closed-form
field held to autograd on ganlab's own losses."""
import math

import numpy as np
import pytest
import torch

from ganlab.maths.dirac_gan import (NOISE_NODES, NOISE_WEIGHTS, OBJECTIVES, RULES, DynamicsConfig, converged,
                                    eigenvalues, field, jacobian, simulate, spectral_radius)
from ganlab.training.lipschitz import gradient_penalty, r1_penalty
from ganlab.training.objectives import get_objective

OURS = {"standard": "minimax"}  # the paper's name → ganlab's objective


def _autograd_field(objective: str, theta: float, psi: float, regularizer: str = "none", weight: float = 0.0,
                    sigma: float = 0.0) -> np.ndarray:
    """(−∂L_G/∂θ, −∂L_D/∂ψ) by autograd on training.objectives, with D(x) = −ψx (the paper's sign), real
    sample 0 and fake θ (each moved by ε, ε′ on Gauss–Hermite nodes when ``sigma`` > 0)."""
    th = torch.tensor(theta, dtype=torch.float64, requires_grad=True)
    ps = torch.tensor(psi, dtype=torch.float64, requires_grad=True)
    obj = get_objective(OURS.get(objective, objective))
    nodes = NOISE_NODES if sigma > 0 else [0.0]
    weights = NOISE_WEIGHTS if sigma > 0 else [1.0]
    loss_d = loss_g = 0.0
    for e, w in zip(nodes, weights):
        for e2, w2 in zip(nodes, weights):
            real = (-ps * sigma * e2).reshape(1)
            fake = (-ps * (th + sigma * e)).reshape(1)
            loss_d = loss_d + w * w2 * obj.d_loss(real, fake)
            g = obj.g_loss(fake)
            loss_g = loss_g + w * w2 * g
    def d(x):
        return -ps * x
    if regularizer in ("r1", "r2"):
        loss_d = loss_d + r1_penalty(d, torch.zeros(1, 1, dtype=torch.float64), weight)
    if regularizer == "gp":
        loss_d = loss_d + gradient_penalty(d, torch.zeros(1, 1, dtype=torch.float64),
                                           th.detach().reshape(1, 1), weight)
    (v_theta,) = torch.autograd.grad(loss_g, th, retain_graph=True)
    (v_psi,) = torch.autograd.grad(loss_d, ps)
    return -np.array([v_theta.item(), v_psi.item()])


@pytest.mark.parametrize("objective", OBJECTIVES)
@pytest.mark.parametrize("point", [(0.7, -0.4), (-1.3, 0.9), (0.2, 0.05)])
def test_every_field_is_the_negated_gradient_of_ganlabs_own_losses(objective, point):
    theta, psi = point
    assert np.allclose(field(DynamicsConfig(objective=objective), np.array(point)),
                       _autograd_field(objective, theta, psi), atol=1e-12)
    for reg, w in (("r1", 0.7), ("r2", 0.7), ("gp", 2.0)):
        config = DynamicsConfig(objective=objective, regularizer=reg, weight=w)
        assert np.allclose(field(config, np.array(point)), _autograd_field(objective, theta, psi, reg, w), atol=1e-12)
    noisy = DynamicsConfig(objective=objective, regularizer="noise", weight=0.3)
    assert np.allclose(field(noisy, np.array(point)), _autograd_field(objective, theta, psi, sigma=0.3), atol=1e-10)


def test_the_standard_gans_jacobian_at_the_equilibrium_and_its_eigenvalues():
    config = DynamicsConfig()
    assert np.allclose(jacobian(config, np.zeros(2)), [[0.0, -0.5], [0.5, 0.0]], atol=1e-9)
    assert np.allclose(sorted(eigenvalues(config), key=lambda z: z.imag), [-0.5j, 0.5j], atol=1e-9)


@pytest.mark.parametrize("h", [0.05, 0.1, 0.5])
def test_simultaneous_steps_grow_the_distance_by_exactly_sqrt_1_plus_h2_over_4(h):
    config = DynamicsConfig(rule="simultaneous", lr_g=h, lr_d=h, theta0=1e-7, psi0=-3e-7)
    path = simulate(config, 20)
    d = np.hypot(path[:, 0], path[:, 1])
    assert np.allclose(d[1:] / d[:-1], math.sqrt(1 + h * h / 4), rtol=1e-9)
    assert spectral_radius(config) == pytest.approx(math.sqrt(1 + h * h / 4), rel=1e-8)


@pytest.mark.parametrize("gamma", [0.3, 1.0, 2.5])
def test_r1_gives_eigenvalues_minus_gamma_over_2_plus_minus_root_and_converges(gamma):
    config = DynamicsConfig(regularizer="r1", weight=gamma, rule="alternating")
    expected = [-gamma / 2 + s * np.sqrt(complex(gamma ** 2 / 4 - 0.25)) for s in (1, -1)]
    assert np.allclose(sorted(eigenvalues(config), key=lambda z: (z.real, z.imag)),
                       sorted(expected, key=lambda z: (z.real, z.imag)), atol=1e-8)
    assert converged(simulate(config, 2000))


def test_alternating_steps_circle_the_equilibrium_for_good():
    config = DynamicsConfig(rule="alternating", lr_g=0.1, lr_d=0.1)
    assert spectral_radius(config) == pytest.approx(1.0, abs=1e-8)  # unit modulus: neither in nor out
    d = np.hypot(*simulate(config.replace(theta0=1e-3, psi0=1e-3), 5000).T)
    assert 0.7 * d[0] < d.min() and d.max() < 1.4 * d[0]  # it stays on its cycle


# The paper's Table 1 (which training methods converge on the Dirac-GAN), and ours: from (1, 1), 3,000
# iterations at h = 0.1 (WGAN: 5 critic steps; consensus, extragradient and optimistic play are
# simultaneous, the others alternating). Beyond the paper: extragradient, optimistic gradient and
# negative momentum (Gidel et al. 2019), which converge on this bilinear-like game; negative momentum
# needs the larger step h = 0.5 to get ten times closer within 3,000 iterations (at h = 0.1 its
# spectral radius is 0.9996: it converges, slowly). WGAN-GP's iterates stall away from the data
# (θ ≈ −2, ψ → 0), where the penalty's kink at ψ = 0 holds D flat: not convergent, as in the paper.
TABLE = [
    ("standard GAN, simultaneous", dict(rule="simultaneous"), False),
    ("standard GAN, alternating", dict(rule="alternating"), False),
    ("non-saturating GAN, alternating", dict(objective="nonsaturating", rule="alternating"), False),
    ("WGAN, clipping c = 0.5, 5 critic steps", dict(objective="wgan", regularizer="clip", weight=0.5, rule="alternating", k=5), False),
    ("WGAN-GP λ = 1, 5 critic steps", dict(objective="wgan", regularizer="gp", weight=1.0, rule="alternating", k=5), False),
    ("consensus optimisation γ = 1", dict(regularizer="consensus", weight=1.0, rule="simultaneous"), True),
    ("instance noise σ = 1", dict(regularizer="noise", weight=1.0, rule="alternating"), True),
    ("R1 γ = 1", dict(regularizer="r1", weight=1.0, rule="alternating"), True),
    ("R2 γ = 1", dict(regularizer="r2", weight=1.0, rule="alternating"), True),
    ("extragradient", dict(rule="extragradient"), True),
    ("optimistic gradient", dict(rule="optimistic"), True),
    ("negative momentum β = −0.5, h = 0.5", dict(rule="momentum", momentum=-0.5, lr_g=0.5, lr_d=0.5), True),
]


@pytest.mark.parametrize("name,settings,converges", TABLE, ids=[t[0] for t in TABLE])
def test_from_1_1_the_convergent_methods_end_closer_and_the_others_do_not(name, settings, converges):
    config = DynamicsConfig(**{"theta0": 1.0, "psi0": 1.0, "lr_g": 0.1, "lr_d": 0.1, **settings})
    path = simulate(config, 3000)
    d_start, d_end = math.hypot(*path[0]), math.hypot(*path[-1])
    assert converged(path) == converges, (name, d_end)
    assert (d_end < 0.1 * d_start) == converges, (name, d_end)


@pytest.mark.parametrize("rule", RULES)
def test_every_rule_runs_and_reports(rule):
    from ganlab.maths.dirac_gan import summary

    out = summary(DynamicsConfig(rule=rule), 50)
    assert out["steps"] == 50 and out["final_distance"] >= 0
    assert (out["spectral_radius"] is None) == (rule == "adam")


def test_the_readme_table_of_presets_says_what_they_do():
    """Each row of the README's Game dynamics table: its spectral radius and its verdict, over 1,000
    updates from the preset's start, as ``summary`` finds them."""
    import os
    import re

    from ganlab.maths.dirac_gan import GAME_PRESETS, summary

    readme = open(os.path.join(os.path.dirname(__file__), "..", "..", "README.md"), encoding="utf-8").read()
    rows = [line for line in readme.splitlines() if line.startswith("| ") and "(`" in line and "spiral" not in line[:2]]
    checked = set()
    for line in rows:
        keys = [k for k in re.findall(r"\(`([a-z0-9-]+)`\)", line) if k in GAME_PRESETS]
        if not keys:
            continue
        cells = [c.strip() for c in line.strip("|").split("|")]
        radii = re.findall(r"\d+\.\d+|\b1\b", cells[1])
        verdict = cells[2].startswith("yes")
        for i, key in enumerate(keys):
            out = summary(GAME_PRESETS[key].config, 1000)
            assert out["converged"] == verdict, key
            if "undefined" in cells[1]:
                assert out["spectral_radius"] is None, key
            else:
                shown = float(radii[min(i, len(radii) - 1)])
                assert abs(out["spectral_radius"] - shown) < 10 ** -(len(str(shown).split(".")[-1]) if "." in str(shown) else 6), key
            checked.add(key)
    assert checked == set(GAME_PRESETS)
