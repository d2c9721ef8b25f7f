"""The Toy 2D tab's controls: the training settings it applies live, and the structure that waits for Reset."""
from __future__ import annotations

from ganlab.models.mlp import ACTIVATIONS
from ganlab.toy.data import TOY_NAMES
from ganlab.training.config import OPTIMIZERS
from ganlab.training.priors import PRIOR_NAMES
from ganlab.ui.controller import Control, training_controls

TRAINING = training_controls() + [  # applied to the running experiment when changed
    Control("clip", "weight clip c", float),
    Control("gp_weight", "gradient penalty λ", float),
    Control("r1_weight", "R1 γ (R1 + R2 for r3gan)", float),
    Control("label_smoothing", "one-sided label smoothing", float),
    Control("instance_noise", "instance noise σ", float),
]
STRUCTURE = [  # wait for Reset: they shape the data or the networks
    Control("data", "distribution", [*TOY_NAMES, "custom"]),
    Control("optimizer", "optimizer", list(OPTIMIZERS)),
    Control("hidden", "hidden width", int),
    Control("depth", "hidden layers", int),
    Control("activation", "activation", list(ACTIVATIONS)),
    Control("latent_dim", "latent dimension", int),
    Control("prior", "latent prior", list(PRIOR_NAMES)),
    Control("pack", "pack m: D judges m samples at once (PacGAN; 1 = off)", int),
    Control("seed", "seed", int),
]
