import json

import pytest
import torch
from safetensors.torch import save_file

from ganlab.errors import GanlabError
from ganlab.toy.config import ToyConfig
from ganlab.toy.experiment import ToyExperiment
from ganlab.toy.saving import load_toy, save_toy
from ganlab.training.checkpoints import read_checkpoint

CFG = ToyConfig(data="grid25", objective="wgan-gp", hidden=16, depth=2, batch=32, seed=3, latent_dim=3)


def test_round_trip_rebuilds_the_experiment_and_resumes_identically(tmp_path):
    exp = ToyExperiment(CFG, "cpu")
    exp.train(10)
    path = tmp_path / "run.safetensors"
    save_toy(path, exp)
    loaded = load_toy(path, "cpu")
    assert loaded.config == CFG and loaded.step == 10
    for a, b in zip(exp.trainer.generator.state_dict().values(), loaded.trainer.generator.state_dict().values()):
        assert torch.equal(a, b)
    assert torch.equal(torch.as_tensor(exp.samples(50)), torch.as_tensor(loaded.samples(50)))
    # optimiser state and RNG continue: the next steps match a run that never stopped
    loaded.trainer.rng.set_state(exp.trainer.rng.get_state())
    assert exp.train(3) == loaded.train(3)


def test_spectral_norm_and_custom_points_round_trip(tmp_path):
    cfg = ToyConfig(data="custom", points=((0.0, 0.0), (1.0, 2.0), (3.0, 1.0)), objective="hinge",
                    lipschitz="sn", hidden=8, depth=1, batch=16)
    exp = ToyExperiment(cfg, "cpu")
    exp.train(2)
    save_toy(tmp_path / "sn.safetensors", exp)
    again = load_toy(tmp_path / "sn.safetensors", "cpu")
    assert again.config.points == cfg.points and again.step == 2


def test_metadata_holds_the_config_as_json(tmp_path):
    exp = ToyExperiment(CFG, "cpu")
    save_toy(tmp_path / "a.safetensors", exp)
    _, meta = read_checkpoint(tmp_path / "a.safetensors")
    assert json.loads(meta["config"])["objective"] == "wgan-gp"


def test_bad_files_give_clear_messages(tmp_path):
    junk = tmp_path / "junk.safetensors"
    junk.write_bytes(b"this is not a checkpoint")
    with pytest.raises(GanlabError, match="not a valid safetensors"):
        load_toy(junk)
    foreign = tmp_path / "foreign.safetensors"
    save_file({"w": torch.zeros(2)}, str(foreign))
    with pytest.raises(GanlabError, match="not a ganlab checkpoint"):
        load_toy(foreign)
    exp = ToyExperiment(CFG, "cpu")
    good = tmp_path / "good.safetensors"
    save_toy(good, exp)
    truncated = tmp_path / "truncated.safetensors"
    truncated.write_bytes(good.read_bytes()[:-100])
    with pytest.raises(GanlabError):
        load_toy(truncated)
    with pytest.raises(GanlabError, match="no such checkpoint"):
        load_toy(tmp_path / "missing.safetensors")


def test_weights_of_the_wrong_shape_are_refused(tmp_path):
    from ganlab.training.checkpoints import restore_trainer

    small = ToyExperiment(CFG, "cpu")
    save_toy(tmp_path / "small.safetensors", small)
    tensors, meta = read_checkpoint(tmp_path / "small.safetensors")
    big = ToyExperiment(CFG.replace(hidden=32), "cpu")
    with pytest.raises(GanlabError, match="does not fit"):
        restore_trainer(big.trainer, tensors, meta)


def test_ema_generator_round_trips(tmp_path):
    exp = ToyExperiment(CFG.replace(ema=0.95), "cpu")
    exp.train(5)
    save_toy(tmp_path / "ema.safetensors", exp)
    again = load_toy(tmp_path / "ema.safetensors", "cpu")
    for a, b in zip(exp.trainer.generator_ema.parameters(), again.trainer.generator_ema.parameters()):
        assert torch.equal(a, b)
    assert torch.equal(torch.as_tensor(exp.samples(20)), torch.as_tensor(again.samples(20)))
