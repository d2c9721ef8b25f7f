"""Every engine against the autograd reference (``training.fast``): the same records, step after step."""
import pytest
import torch

from ganlab.toy.config import ToyConfig
from ganlab.toy.experiment import ToyExperiment, build_toy_networks
from ganlab.toy.presets import recommended
from ganlab.training.objectives import OBJECTIVE_NAMES
from ganlab.training.trainer import Trainer

TOLERANCE = 1e-4  # relative (absolute below 1), iteration by iteration in float32
# Over more iterations the two float32 paths may part: a hinge or ReLU kink that one sample crosses in one
# engine and not the other changes that update by lr/B (seen from the 5th iteration of hinge, seed 2: D's last bias, which hinge moves by whole samples).
STEPS = 4


def _twins(config: ToyConfig) -> tuple[Trainer, Trainer]:
    """The same experiment twice: with the fastest engine that applies, and with autograd only."""
    fast = ToyExperiment(config, "cpu").trainer
    g, d = build_toy_networks(config, torch.device("cpu"))
    dist = ToyExperiment(config, "cpu").distribution
    reference = Trainer(g, d, lambda n, gen: dist.sample(n, gen), fast.prior, config, "cpu", fast=False)
    return fast, reference


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("objective", OBJECTIVE_NAMES)
def test_hand_written_engine_gives_the_autograd_records(objective, seed):
    """Each objective with its recommended Lipschitz method (clipping, GP, spectral norm, R1 + R2)."""
    config = recommended(objective, seed=seed, hidden=32, depth=2, batch=64, precision="fp32")
    fast, reference = _twins(config)
    assert fast.engine.name == "hand-written MLP backprop" and reference.engine.name == "autograd"
    for _ in range(STEPS):
        a, b = fast.step().to_dict(), reference.step().to_dict()
        if objective == "r3gan":  # only D(x) − D(G(z)) matters to a relativistic loss: the outputs' common
            for r in (a, b):      # level has no gradient, and Adam turns float noise there into drift
                r["d_real"], r["d_fake"] = r["d_real"] - r["d_fake"], 0.0
        for key, value in a.items():
            other = b[key]
            assert value == other or abs(value - other) <= TOLERANCE * max(1.0, abs(other)), (key, value, other)
