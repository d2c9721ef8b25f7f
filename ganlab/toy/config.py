"""A toy 2D experiment's configuration: the training settings plus the toy data, MLP shapes and latent prior."""
from __future__ import annotations

from dataclasses import dataclass

from ganlab.errors import GanlabError
from ganlab.models.mlp import ACTIVATIONS
from ganlab.toy.data import TOY_NAMES
from ganlab.training.config import TrainSettings
from ganlab.training.validation import choice, integer
from ganlab.training.priors import PRIOR_NAMES


# Fields that shape the networks or the data: changing them needs a fresh experiment (the Toy 2D tab
# waits for Reset). Everything else a trainer adopts mid-run (``Trainer.update_settings``), or refuses.
TOY_STRUCTURAL = ("data", "points", "hidden", "depth", "activation", "latent_dim", "prior", "seed", "pack",
                  "optimizer", "precision", "ema")


@dataclass(frozen=True)
class ToyConfig(TrainSettings):
    """A toy 2D experiment: data, MLP shapes, latent prior, and the training settings."""

    data: str = "ring8"
    points: tuple[tuple[float, float], ...] | None = None  # for data = "custom"
    hidden: int = 64
    depth: int = 3
    activation: str = "relu"
    latent_dim: int = 2
    prior: str = "gaussian"

    def __post_init__(self) -> None:
        self._validate_training()
        choice("data", self.data, TOY_NAMES + ("custom",))
        if self.data == "custom" and not self.points:
            raise GanlabError("data 'custom' needs points: draw some first")
        if self.points is not None and len(self.points) > 10000:
            raise GanlabError(f"a point cloud may hold at most 10000 points, got {len(self.points)}")
        object.__setattr__(self, "hidden", integer("hidden width", self.hidden, 1, 4096))
        object.__setattr__(self, "depth", integer("depth", self.depth, 1, 16))
        choice("activation", self.activation, tuple(ACTIVATIONS))
        object.__setattr__(self, "latent_dim", integer("latent dimension", self.latent_dim, 1, 4096))
        choice("prior", self.prior, PRIOR_NAMES)
        if self.augment != "none":
            raise GanlabError("augmentation applies to image GANs, not to 2D toy data")
