"""Training settings: every knob of the alternating-SGD trainer, validated, serialisable to JSON.

``TrainSettings`` holds what any GAN trainer needs (objective, Lipschitz method, k, optimisers,
tricks); each wing adds its data and networks (``ganlab.toy.config.ToyConfig``,
``ganlab.images.experiment.ImageConfig``). They validate on construction and raise ``GanlabError``
with a one-line message naming the bad field.
"""
from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from typing import Any

from ganlab.errors import GanlabError
from ganlab.training.augment import AUGMENT_POLICIES
from ganlab.training.lipschitz import LIPSCHITZ_METHODS
from ganlab.training.objectives import OBJECTIVE_NAMES, get_objective
from ganlab.training.validation import choice, integer, number

OPTIMIZERS = ("adam", "rmsprop", "sgd")
PRECISIONS = ("auto", "fp32", "bf16")


@dataclass(frozen=True)
class TrainSettings:
    """What the alternating-SGD trainer needs, independent of the data and networks."""

    objective: str = "nonsaturating"
    lipschitz: str = "auto"  # auto: the objective's own (wgan → clip, wgan-gp → gp, else none)
    clip: float = 0.01  # c, weight clipping bound
    gp_weight: float = 10.0  # λ of the gradient penalty
    r1_weight: float = 10.0  # γ of R1
    n_critic: int = 1  # k: discriminator steps per generator step
    optimizer: str = "adam"
    lr_g: float = 1e-3
    lr_d: float = 1e-3
    betas_g: tuple[float, float] = (0.5, 0.999)
    betas_d: tuple[float, float] = (0.5, 0.999)
    lr_decay_steps: int = 0  # learning rates decay linearly to 0 over this many steps (0 = constant)
    batch: int = 256
    label_smoothing: float = 0.0  # one-sided: real target 1 − s
    instance_noise: float = 0.0  # std of Gaussian noise added to D's inputs
    noise_anneal_steps: int = 0  # instance noise decays linearly to 0 over this many steps (0 = constant)
    ema: float = 0.0  # β of an exponential moving average of G's weights, used for sampling (0 = off)
    augment: str = "none"  # DiffAugment policy for D's inputs (images only), see ganlab.training.augment
    pack: int = 1  # PacGAN: D judges packs of this many samples (see ganlab.training.packing)
    precision: str = "auto"  # auto: bf16 hidden layers where the hardware has fast bf16
    seed: int = 0

    def __post_init__(self) -> None:
        self._validate_training()

    def _validate_training(self) -> None:
        choice("objective", self.objective, OBJECTIVE_NAMES)
        choice("Lipschitz method", self.lipschitz, ("auto",) + LIPSCHITZ_METHODS)
        if self.objective == "wgan-gp" and self.lipschitz not in ("auto", "gp"):
            raise GanlabError("wgan-gp already means the gradient penalty; use objective 'wgan' "
                              f"with Lipschitz method '{self.lipschitz}' instead")
        number("clip (c)", self.clip, 0.0, 10.0, lo_open=True)
        number("gradient penalty weight (λ)", self.gp_weight, 0.0, 1e4)
        number("R1 weight (γ)", self.r1_weight, 0.0, 1e4)
        object.__setattr__(self, "n_critic", integer("k (discriminator steps per generator step)", self.n_critic, 1, 100))
        choice("optimizer", self.optimizer, OPTIMIZERS)
        number("generator learning rate", self.lr_g, 0.0, 1.0, lo_open=True)
        number("discriminator learning rate", self.lr_d, 0.0, 1.0, lo_open=True)
        for who, betas in (("generator", self.betas_g), ("discriminator", self.betas_d)):
            if not isinstance(betas, (tuple, list)) or len(betas) != 2:
                raise GanlabError(f"{who} betas must be two numbers (β1, β2), got {betas!r}")
            number(f"{who} β1", betas[0], 0.0, 0.9999)
            number(f"{who} β2", betas[1], 0.0, 0.9999)
        object.__setattr__(self, "lr_decay_steps", integer("learning-rate decay steps", self.lr_decay_steps, 0, 10**9))
        object.__setattr__(self, "batch", integer("batch size", self.batch, 1, 65536))
        number("label smoothing", self.label_smoothing, 0.0, 0.5)
        if self.label_smoothing > 0 and self.objective not in ("minimax", "nonsaturating", "lsgan"):
            raise GanlabError("one-sided label smoothing applies to minimax, nonsaturating and lsgan, "
                              f"not to '{self.objective}' (a critic has no labels)")
        number("instance noise", self.instance_noise, 0.0, 10.0)
        object.__setattr__(self, "noise_anneal_steps", integer("noise anneal steps", self.noise_anneal_steps, 0, 10**9))
        number("EMA β", self.ema, 0.0, 0.9999)
        choice("augmentation", self.augment, AUGMENT_POLICIES)
        object.__setattr__(self, "pack", integer("pack size (samples D judges at once)", self.pack, 1, 16))
        if self.batch % self.pack:
            raise GanlabError(f"the batch ({self.batch}) must split into packs of {self.pack}")
        choice("precision", self.precision, PRECISIONS)
        object.__setattr__(self, "seed", integer("seed", self.seed, 0, 2**63 - 1))

    @property
    def lipschitz_method(self) -> str:
        """The Lipschitz method actually used once ``auto`` is resolved from the objective."""
        return get_objective(self.objective).lipschitz if self.lipschitz == "auto" else self.lipschitz

    def replace(self, **changes: Any):
        """A copy with ``changes`` applied (validated again)."""
        return dataclasses.replace(self, **changes)

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), sort_keys=True)

    @classmethod
    def from_dict(cls, data: dict[str, Any]):
        """Rebuild from ``to_dict`` output; unknown keys are an error, tuples come back as tuples."""
        names = {f.name for f in dataclasses.fields(cls)}
        unknown = set(data) - names
        if unknown:
            raise GanlabError(f"unknown config field(s): {', '.join(sorted(unknown))}")
        fixed = dict(data)
        for key in ("betas_g", "betas_d"):
            if isinstance(fixed.get(key), list):
                fixed[key] = tuple(fixed[key])
        if fixed.get("points") is not None:
            fixed["points"] = tuple(tuple(p) for p in fixed["points"])
        return cls(**fixed)
