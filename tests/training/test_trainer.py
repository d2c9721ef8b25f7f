import math

import pytest
import torch

from ganlab.errors import GanlabError
from ganlab.maths.divergences import optimal_discriminator
from ganlab.models import mlp_discriminator
from ganlab.toy.config import ToyConfig
from ganlab.toy.data import get_toy
from ganlab.toy.experiment import ToyExperiment, build_toy_networks
from ganlab.training.objectives import bce_d_loss
from ganlab.training.priors import Prior
from ganlab.training.trainer import Trainer, TrainingDiverged
HAND = "hand-written MLP backprop"


SMALL = dict(hidden=32, depth=2, batch=64)


def _params(module):
    return [p.detach().clone() for p in module.parameters()]


@pytest.mark.parametrize("precision", ["fp32", "auto"])
def test_seeded_runs_are_reproducible(precision):
    a = ToyExperiment(ToyConfig(seed=7, precision=precision, **SMALL), "cpu")
    b = ToyExperiment(ToyConfig(seed=7, precision=precision, **SMALL), "cpu")
    ra, rb = a.train(25), b.train(25)
    assert ra == rb
    assert all(torch.equal(x, y) for x, y in zip(_params(a.trainer.generator), _params(b.trainer.generator)))
    c = ToyExperiment(ToyConfig(seed=8, precision=precision, **SMALL), "cpu")
    assert c.train(25) != ra


def test_k_discriminator_steps_per_generator_step():
    calls = []
    dist = get_toy("ring8")
    cfg = ToyConfig(n_critic=3, **SMALL)
    exp = ToyExperiment(cfg, "cpu")
    trainer = Trainer(exp.trainer.generator, exp.trainer.discriminator,
                      lambda n, g: calls.append(n) or dist.sample(n, g), exp.prior, cfg)
    trainer.run(4)
    assert calls == [64] * 12 and trainer.step_count == 4


def _twin_trainers(cfg):
    """The same experiment twice: hand-written backprop and autograd."""
    a = ToyExperiment(cfg, "cpu")
    g, d = build_toy_networks(cfg, torch.device("cpu"))
    b = Trainer(g, d, lambda n, gen: a.distribution.sample(n, gen), a.prior, cfg, "cpu", fast=False)
    return a.trainer, b


def _step_together(manual, autograd, steps: int, rel: float) -> None:
    """Step both trainers ``steps`` times; every number of every step's record agrees to ``rel``
    (relative, absolute below 1)."""
    for _ in range(steps):
        ra, rb = manual.step(), autograd.step()
        for key, value in ra.to_dict().items():
            other = rb.to_dict()[key]
            assert value == other or abs(value - other) < rel * max(1.0, abs(other)), key


@pytest.mark.parametrize("manual", [True, False])
def test_generator_step_leaves_discriminator_untouched(manual):
    manual_t, autograd_t = _twin_trainers(ToyConfig(**SMALL))
    t = manual_t if manual else autograd_t
    assert (t.engine.name == HAND) == manual
    before_d, before_g = _params(t.discriminator), _params(t.generator)
    d_grads = t.d_flat.grad.clone()
    t.engine.update_generator(t.sample_latent(t.settings.batch))
    assert all(torch.equal(x, y) for x, y in zip(before_d, _params(t.discriminator)))
    assert torch.equal(d_grads, t.d_flat.grad)  # no weight gradient was computed for D
    assert all(p.requires_grad for p in t.discriminator.parameters())
    assert any(not torch.equal(x, y) for x, y in zip(before_g, _params(t.generator)))


@pytest.mark.parametrize("objective,activation", [("nonsaturating", "relu"), ("minimax", "relu"),
                                                  ("wgan", "leaky_relu"), ("lsgan", "tanh")])
def test_hand_written_backprop_matches_autograd(objective, activation):
    cfg = ToyConfig(objective=objective, activation=activation, precision="fp32", instance_noise=0.1,
                    label_smoothing=0.1 if objective != "wgan" else 0.0, **SMALL)
    manual, autograd = _twin_trainers(cfg)
    assert manual.engine.name == HAND and autograd.engine.name == "autograd"
    _step_together(manual, autograd, 15, 1e-5)
    diff = max((x - y).abs().max().item() for x, y in zip(manual.generator.parameters(), autograd.generator.parameters()))
    assert diff < 1e-5


@pytest.mark.parametrize("activation", ["relu", "tanh", "leaky_relu"])
def test_hand_written_backprop_matches_autograd_with_layers_of_few_units(activation):
    """Hidden layers of 3 units: every product then has a thin side and is computed transposed."""
    cfg = ToyConfig(hidden=3, depth=3, batch=32, activation=activation, precision="fp32", instance_noise=0.1)
    manual, autograd = _twin_trainers(cfg)
    assert manual.engine.name == HAND and all(manual.engine.g.thin_in)
    for _ in range(10):
        ra, rb = manual.step(), autograd.step()
    assert abs(ra.d_loss - rb.d_loss) < 1e-5 and abs(ra.g_grad_norm - rb.g_grad_norm) < 1e-5 * max(1.0, rb.g_grad_norm)
    diff = max((x - y).abs().max().item() for x, y in zip(manual.generator.parameters(), autograd.generator.parameters()))
    assert diff < 1e-6


def test_nan_in_any_of_k_discriminator_steps_rolls_back():
    exp = ToyExperiment(ToyConfig(n_critic=3, **SMALL), "cpu")
    exp.train(2)
    exp.trainer.snapshot()
    with torch.no_grad():
        exp.trainer.d_flat.grad.fill_(0)
        exp.trainer.discriminator.out.bias.fill_(float("inf"))
    with pytest.raises(TrainingDiverged, match="discriminator.*rolled back to step 2"):
        exp.train(1)
    assert all(torch.isfinite(p).all() for p in exp.trainer.discriminator.parameters())


def test_discriminator_records_probabilities_and_critic_records_raw_scores():
    rec = ToyExperiment(ToyConfig(objective="nonsaturating", **SMALL), "cpu").train(3)
    assert 0 < rec.d_real < 1 and 0 < rec.d_fake < 1 and rec.w1_estimate is None
    exp = ToyExperiment(ToyConfig(objective="wgan-gp", lr_d=1e-6, lr_g=1e-6, **SMALL), "cpu")
    with torch.no_grad():
        exp.trainer.discriminator.out.bias.fill_(5.0)  # raw scores near 5: never squashed by a sigmoid
    rec = exp.train(1)
    assert rec.d_real > 2 and rec.d_fake > 2
    assert abs(rec.w1_estimate - (rec.d_real - rec.d_fake)) < 1e-5
    assert rec.penalty is not None and rec.penalty >= 0


def test_weight_clipping_holds_after_every_step():
    exp = ToyExperiment(ToyConfig(objective="wgan", clip=0.02, lr_d=0.1, **SMALL), "cpu")
    exp.train(3)
    assert max(p.abs().max().item() for p in exp.trainer.discriminator.parameters()) <= 0.02 + 1e-7


@pytest.mark.parametrize("objective,lipschitz", [("minimax", "none"), ("hinge", "sn"), ("lsgan", "r1"),
                                                 ("wgan", "clip"), ("nonsaturating", "gp")])
def test_every_objective_and_method_trains(objective, lipschitz):
    exp = ToyExperiment(ToyConfig(objective=objective, lipschitz=lipschitz, **SMALL), "cpu")
    rec = exp.train(5)
    assert rec.step == 5 and math.isfinite(rec.d_loss) and math.isfinite(rec.g_loss)
    assert rec.d_grad_norm > 0 and rec.g_grad_norm > 0


def test_divergence_rolls_back_to_last_good_state():
    exp = ToyExperiment(ToyConfig(**SMALL), "cpu")
    exp.train(3)
    exp.trainer.snapshot()
    good = _params(exp.trainer.discriminator)
    with torch.no_grad():
        exp.trainer.discriminator.out.weight.fill_(float("nan"))
    with pytest.raises(TrainingDiverged, match="rolled back to step 3"):
        exp.train(1)
    assert exp.step == 3
    assert all(torch.equal(x, y) for x, y in zip(good, _params(exp.trainer.discriminator)))
    assert exp.train(1).step == 4  # and it can go on


def test_linear_learning_rate_decay():
    exp = ToyExperiment(ToyConfig(lr_decay_steps=4, lr_g=1e-3, **SMALL), "cpu")
    exp.train(2)
    assert abs(exp.trainer.opt_g.param_groups[0]["lr"] - 1e-3 * 0.75) < 1e-12
    exp.train(3)
    assert exp.trainer.opt_g.param_groups[0]["lr"] == 0.0


def test_instance_noise_anneals_linearly():
    exp = ToyExperiment(ToyConfig(instance_noise=0.4, noise_anneal_steps=10, **SMALL), "cpu")
    assert abs(exp.trainer.noise_std() - 0.4) < 1e-12
    exp.train(5)
    assert abs(exp.trainer.noise_std() - 0.2) < 1e-12


def test_gradient_penalty_refuses_batch_norm_critic():
    critic = torch.nn.Sequential(torch.nn.Linear(2, 4), torch.nn.BatchNorm1d(4), torch.nn.Linear(4, 1))
    gen = torch.nn.Linear(2, 2)
    with pytest.raises(GanlabError, match="batch norm"):
        Trainer(gen, critic, lambda n, g: torch.zeros(n, 2), Prior("gaussian", 2), ToyConfig(objective="wgan-gp"))


def test_trained_discriminator_approaches_d_star():
    """D*(x) = p_r / (p_r + p_g) for p_r = two Gaussians, p_g = N(0, I): both densities known."""
    torch.manual_seed(0)
    real_dist = get_toy("two_gaussians")
    g = torch.Generator().manual_seed(0)
    d = mlp_discriminator(hidden=64, depth=2)
    opt = torch.optim.Adam(d.parameters(), lr=3e-3)
    for _ in range(800):
        real, fake = real_dist.sample(512, g), torch.randn(512, 2, generator=g)
        loss = bce_d_loss(d(real).flatten(), d(fake).flatten())
        opt.zero_grad()
        loss.backward()
        opt.step()
    x = torch.cat([real_dist.sample(1000, g), torch.randn(1000, 2, generator=g)])
    p_r = real_dist.log_density(x).exp()
    p_g = torch.exp(-0.5 * x.pow(2).sum(1)) / (2 * math.pi)
    d_star = torch.as_tensor(optimal_discriminator(p_r.numpy(), p_g.numpy()), dtype=torch.float32)
    with torch.no_grad():
        learned = torch.sigmoid(d(x).flatten())
    assert (learned - d_star).abs().mean().item() < 0.04


@pytest.mark.parametrize("bad", [dict(lr_d=-1e-3), dict(lr_g=float("nan")), dict(batch=0), dict(n_critic=0),
                                 dict(data="nope"), dict(objective="wgan-gp", lipschitz="clip"),
                                 dict(objective="wgan", label_smoothing=0.1), dict(betas_g=(1.5, 0.9)),
                                 dict(clip=0.0), dict(hidden=1.5)])
def test_bad_configs_give_one_line_errors(bad):
    with pytest.raises(GanlabError) as info:
        ToyConfig(**bad)
    assert "\n" not in str(info.value)


def test_spectral_norm_runs_are_reproducible_while_other_sessions_build_networks():
    import threading

    stop = threading.Event()

    def noise():  # another session building its own seeded networks meanwhile
        while not stop.is_set():
            ToyExperiment(ToyConfig(objective="hinge", lipschitz="sn", seed=9, **SMALL), "cpu")

    cfg = ToyConfig(objective="hinge", lipschitz="sn", seed=5, **SMALL)
    first = ToyExperiment(cfg, "cpu").train(10)
    t = threading.Thread(target=noise)
    t.start()
    try:
        again = [ToyExperiment(cfg, "cpu").train(10) for _ in range(3)]
    finally:
        stop.set()
        t.join()
    assert all(r == first for r in again)


def test_batch_norm_discriminator_sees_real_and_fake_batches_separately():
    """One pass over real+fake would normalise the fakes with real statistics."""
    from torch import nn

    seen = []
    d = nn.Sequential(nn.Linear(2, 8), nn.BatchNorm1d(8), nn.ReLU(), nn.Linear(8, 1))
    d[1].register_forward_hook(lambda m, inp, out: seen.append(inp[0].shape[0]))
    g = nn.Linear(2, 2)
    t = Trainer(g, d, lambda n, gen: torch.randn(n, 2, generator=gen), Prior("gaussian", 2),
                ToyConfig(batch=16), "cpu")
    t.step()
    assert seen == [16, 16, 16]  # D step: real, fake; G step: fake


def test_ema_generator_is_the_polyak_average_and_is_used_for_sampling():
    exp = ToyExperiment(ToyConfig(ema=0.9, **SMALL), "cpu")
    t = exp.trainer
    before = [p.clone() for p in t.generator_ema.parameters()]
    t.step()
    for old, ema, new in zip(before, t.generator_ema.parameters(), t.generator.parameters()):
        assert torch.allclose(ema, 0.9 * old + 0.1 * new, atol=1e-7)
    z = torch.randn(5, 2)
    with torch.no_grad():
        assert torch.equal(t.generate(5, z=z), t.generator_ema(z))
