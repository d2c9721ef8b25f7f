"""Loss lanes: one start, the same batches, and only the method differs."""
import pytest
import torch

from ganlab.errors import GanlabError
from ganlab.toy.lanes import LANE_PRESETS, Lane, LaneSettings, lane
from ganlab.toy.run import ToyRun
from ganlab.viz.lanes import min_max


def _runs(settings: LaneSettings) -> list[ToyRun]:
    return [ToyRun(config, lockstep=True) for config in settings.configs()]


def test_lanes_from_one_seed_start_from_identical_generator_weights():
    runs = _runs(LANE_PRESETS["modern"].config.replace(seed=7))
    first = runs[0].experiment.trainer.generator.state_dict()
    for run in runs[1:]:
        other = run.experiment.trainer.generator.state_dict()
        assert all(torch.equal(first[k], other[k]) for k in first)


def test_two_lanes_with_identical_settings_stay_identical_bit_for_bit():
    runs = _runs(LaneSettings(lanes=(lane("wgan-gp"), lane("wgan-gp"))))
    for run in runs:
        run.advance(max_steps=50)
    a, b = (run.experiment.trainer for run in runs)
    assert a.step_count == b.step_count == 50
    assert torch.equal(a.g_flat, b.g_flat) and torch.equal(a.d_flat, b.d_flat)


def _spy(trainer) -> dict:
    """Keep every latent and real batch ``trainer`` draws, by iteration."""
    seen: dict = {"z": [], "x": []}
    latent, real = trainer.sample_latent, trainer.real_batch

    def sample_latent(n):
        z = latent(n)
        seen["z"].append((trainer.step_count, z.clone()))
        return z

    def real_batch(n):
        x = real(n)
        seen["x"].append((trainer.step_count, x.x.clone()))
        return x

    trainer.sample_latent, trainer.real_batch = sample_latent, real_batch
    return seen


def test_lanes_that_differ_only_in_objective_see_the_same_batches():
    same = dict(n_critic=1, optimizer="adam", lr_g=1e-3, lr_d=1e-3)
    runs = _runs(LaneSettings(lanes=(Lane("minimax", **same), Lane("hinge", **same), Lane("r3gan", **same))))
    seen = [_spy(run.experiment.trainer) for run in runs]
    for run in runs:
        run.advance(max_steps=10)
    for other in seen[1:]:
        for key in ("z", "x"):
            assert len(other[key]) == len(seen[0][key]) > 0
            assert all(s == t and torch.equal(a, b) for (s, a), (t, b) in zip(seen[0][key], other[key]))


def test_a_critic_with_k_5_sees_the_discriminators_batches_first():
    """Iteration t's first real batch and its generator latents are the same whatever k is."""
    runs = _runs(LaneSettings(lanes=(lane("nonsaturating"), lane("wgan"))))
    seen = [_spy(run.experiment.trainer) for run in runs]
    for run in runs:
        run.advance(max_steps=3)
    d_real, c_real = seen[0]["x"], seen[1]["x"]
    assert (len(d_real), len(c_real)) == (3, 15)
    for t in range(3):
        assert torch.equal(d_real[t][1], c_real[5 * t][1])
        d_z, c_z = seen[0]["z"][t][1], seen[1]["z"][t][1]  # (k + 1)·B latents: D's first, then G's
        B = 256
        assert torch.equal(d_z[:B], c_z[:B]) and torch.equal(d_z[-B:], c_z[-B:])


def test_lane_fields_by_flat_name():
    s = LaneSettings()
    assert (s.lane1_objective, s.lane2_objective, s.lane3_objective, s.lane2_n_critic) == ("minimax", "wgan-gp", "off", 2)
    s = s.replace(lane3_objective="wgan")  # an off lane switched on brings its objective's recipe
    assert (s.lane3_optimizer, s.lane3_n_critic, s.lane3_lr_d) == ("rmsprop", 5, 5e-5)
    assert len(s.configs()) == 3 and s.replace(lane3_objective="off").lane3_objective == "off"
    assert s.replace(lane1_lr_g=0.01).lanes[0].lr_g == 0.01
    with pytest.raises(GanlabError, match="always on"):
        s.replace(lane2_objective="off")
    with pytest.raises(GanlabError, match="choose its objective first"):
        s.replace(lane5_lr_g=0.01)
    with pytest.raises(GanlabError, match="wgan-gp already means"):
        s.replace(lane2_lipschitz="sn")
    with pytest.raises(GanlabError, match="learning rate"):
        s.replace(lane1_lr_d=-1)
    assert set(s.to_dict()) >= {"data", "seed", "batch", "lane6_lr_d"}
    assert LaneSettings.from_dict(s.to_dict()) == s


def test_min_max_scaling_puts_every_loss_on_zero_to_one():
    assert min_max([2.0, 4.0, None, 3.0]) == [0.0, 1.0, None, 0.5]
    assert min_max([1.5, 1.5]) == [0.5, 0.5] and min_max([None]) == [None]
