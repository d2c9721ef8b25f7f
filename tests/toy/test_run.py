import math

import pytest

from ganlab.errors import GanlabError
from ganlab.toy.config import ToyConfig
from ganlab.toy.run import ToyRun

SMALL = dict(hidden=16, depth=2, batch=32)


def small_run(**kw):
    return ToyRun(ToyConfig(**{**SMALL, **kw}), view_points=60, arrow_points=10, grid=12,
                      measure_points=200, w1_points=50)


def test_advance_records_one_history_point_per_call():
    run = small_run()
    n = run.advance(seconds=10.0, max_steps=7)
    assert n == 7 and run.step == 7
    assert run.history["step"] == [7]
    assert len(run.history["d_loss"]) == 1 and math.isfinite(run.history["d_loss"][0])
    assert run.history["w1_estimate"] == [None]  # a discriminator has no W1 estimate


def test_frame_has_everything_the_view_draws():
    run = small_run(objective="wgan-gp")
    run.advance(max_steps=3)
    f = run.frame()
    assert f.surface.shape == (12, 12) and f.surface_kind == "score"
    assert f.real.shape == (60, 2) and f.fake.shape == (60, 2)
    assert f.arrow_tails.shape == (10, 2) and f.arrows.shape == (10, 2)
    assert f.manifold.shape == (15, 15, 2)
    assert (f.arrow_tails == f.fake[:10]).all()  # arrows start at generated points


def test_probability_surface_for_a_discriminator():
    f = small_run().frame()
    assert f.surface_kind == "probability" and f.surface.min() >= 0 and f.surface.max() <= 1


def test_measure_appends_metrics():
    run = small_run(objective="wgan")
    run.advance(max_steps=2)
    out = run.measure()
    assert run.metrics["step"] == [2] and out["modes_total"] == 8
    assert run.metrics["w1"][0] > 0 and run.metrics["w1_estimate"][0] is not None


def test_step_mode_alternates_discriminator_and_generator():
    run = small_run(n_critic=2)
    g_before = [p.clone() for p in run.experiment.trainer.generator.parameters()]
    assert run.step_phase() == "discriminator" and run.step == 0
    assert all((a == b).all() for a, b in zip(g_before, run.experiment.trainer.generator.parameters()))
    assert run.step_phase() == "generator" and run.step == 1
    assert run.frame().phase == ""


def test_training_settings_apply_live_structural_ones_wait_for_reset():
    run = small_run()
    run.advance(max_steps=3)
    run.apply(run.config.replace(lr_d=5e-4, n_critic=3, objective="minimax"))
    assert run.step == 3 and run.config.n_critic == 3
    assert run.experiment.trainer.opt_d.param_groups[0]["lr"] == 5e-4
    assert run.experiment.trainer.objective.name == "minimax"
    with pytest.raises(GanlabError, match="fresh networks"):
        run.apply(run.config.replace(hidden=32))
    assert run.config.hidden == 16 and run.step == 3
    with pytest.raises(GanlabError, match="spectral normalization"):
        run.apply(run.config.replace(lipschitz="sn"))
    run.reset(run.config.replace(hidden=32))
    assert run.step == 0 and run.config.hidden == 32 and run.history["step"] == []


def test_divergence_is_reported_and_the_run_survives():
    run = small_run()
    run.advance(max_steps=2)
    import torch

    with torch.no_grad():
        run.experiment.trainer.generator.out.weight.fill_(float("inf"))
    with pytest.raises(Exception, match="diverged"):
        run.advance(max_steps=5)
    assert run.step == 0  # rolled back to the last snapshot (taken at the start)
    assert run.advance(max_steps=2) == 2
