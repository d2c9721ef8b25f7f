"""An image GAN's configuration: the training settings plus the data, the architecture and its widths."""
from __future__ import annotations

from dataclasses import dataclass

from ganlab.errors import GanlabError
from ganlab.images.data import IMAGE_DATASETS, STACKED
from ganlab.training.config import TrainSettings
from ganlab.training.validation import choice, integer

ARCHS = ("dcgan", "seed004", "mlp")
# Each architecture's latent dimension when the config does not set one (latent_dim = 0): the lecture
# notebook's seed004 networks take 128 numbers, DCGAN and the MLP GAN the usual 100.
ARCH_LATENT = {"dcgan": 100, "seed004": 128, "mlp": 100}
# Fields that shape the data or the networks: changing them needs fresh networks (the MNIST tab waits
# for Reset). Everything else a trainer adopts mid-run (``Trainer.update_settings``), or refuses.
IMAGE_STRUCTURAL = ("data", "arch", "width", "d_width", "latent_dim", "conditional", "seed", "pack", "optimizer",
                    "precision", "ema")
NUM_CLASSES = 10


@dataclass(frozen=True)
class ImageConfig(TrainSettings):
    """An image GAN: data, architecture and the training settings (DCGAN defaults: Adam 2e-4, β1 = 0.5)."""

    objective: str = "nonsaturating"
    lr_g: float = 2e-4
    lr_d: float = 2e-4
    betas_g: tuple[float, float] = (0.5, 0.999)
    betas_d: tuple[float, float] = (0.5, 0.999)
    batch: int = 128
    data: str = "mnist"
    arch: str = "dcgan"
    width: int = 64
    d_width: int = 0  # D's width when it differs from G's (0: the same); a narrow D invites mode collapse
    latent_dim: int = 0  # 0: the architecture's own (ARCH_LATENT); read it as ``latent``
    conditional: bool = False  # class-conditional: G(z, y) and a projection discriminator D(x, y)

    def __post_init__(self) -> None:
        self._validate_training()
        choice("image data", self.data, IMAGE_DATASETS)
        choice("architecture", self.arch, ARCHS)
        if not isinstance(self.conditional, bool):
            raise GanlabError(f"conditional must be true or false, got {self.conditional!r}")
        object.__setattr__(self, "width", integer("width", self.width, 4, 512))
        if self.d_width != 0:
            object.__setattr__(self, "d_width", integer("discriminator width", self.d_width, 4, 512))
        if self.latent_dim != 0:
            object.__setattr__(self, "latent_dim", integer("latent dimension", self.latent_dim, 1, 1024))
        if self.conditional and self.data == "stacked-mnist":
            raise GanlabError("StackedMNIST has 1000 modes and no class-conditional models here; train it unconditionally")
        if self.conditional and self.pack > 1:
            raise GanlabError("packing judges several samples at once, each with its own class: "
                              "use it with an unconditional GAN")

    @property
    def latent(self) -> int:
        """The latent dimension: ``latent_dim``, or the architecture's own when that is 0."""
        return self.latent_dim or ARCH_LATENT[self.arch]

    @property
    def channels(self) -> int:
        """Channels of the images: 3 for StackedMNIST (a digit per colour), else 1."""
        return STACKED if self.data == "stacked-mnist" else 1


# The recommended preset for a short run on a CPU (the CLI's defaults and the MNIST tab's start):
# a narrow DCGAN, small batches (more steps per second), and a generator that learns 3× faster
# than the discriminator (two time-scale learning rates; on 60-s MNIST runs this halved the class
# KL against equal rates of 1e-3, see docs/benchmarks.md).
IMAGE_RECOMMENDED = dict(arch="dcgan", width=32, batch=64, lr_g=3e-3, lr_d=1e-3)


def recommended_image_config(**overrides) -> ImageConfig:
    """``IMAGE_RECOMMENDED`` with ``overrides`` applied on top (validated)."""
    return ImageConfig(**{**IMAGE_RECOMMENDED, **overrides})
