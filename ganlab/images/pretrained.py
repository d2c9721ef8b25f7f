"""Trained image generators, ready to sample: ``GeneratorModel`` and the models shipped in pretrained/.

A shipped model is an ``ganlab-image-v1`` safetensors file (its config, step and metrics in the
metadata) with a model card beside it (``<name>.md``). ``load_generator`` rebuilds only the
generator (the EMA copy when the file has one), on the CPU, frozen, in eval mode.
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass, field

import torch
from torch import nn

from ganlab.errors import GanlabError
from ganlab.images.config import ImageConfig
from ganlab.images.experiment import build_image_networks
from ganlab.images.locations import PRETRAINED
from ganlab.training.checkpoints import read_checkpoint, split_prefix

FORMAT_IMAGE = "ganlab-image-v1"


@dataclass
class GeneratorModel:
    """A trained G: images = model(z) or model(z, labels) for a conditional one (no gradients),
    ``decode`` when gradients must flow to z (projection)."""

    name: str
    net: nn.Module
    config: "object"  # an ImageConfig
    step: int = 0
    notes: dict = field(default_factory=dict)

    @property
    def latent_dim(self) -> int:
        return self.config.latent

    @property
    def num_classes(self) -> int:
        return 10 if self.config.conditional else 0

    @property
    def data(self) -> str:
        return self.config.data

    def latent(self, seeds: "int | list[int]") -> torch.Tensor:
        """One z ~ N(0, I) per seed, shape (len(seeds), d): seed s always gives the same z, on any machine."""
        seeds = [seeds] if isinstance(seeds, int) else list(seeds)
        return torch.stack([torch.randn(self.latent_dim, generator=torch.Generator().manual_seed(int(s)))
                            for s in seeds])

    def first_layer(self) -> torch.Tensor:
        """The weight of G's first linear layer (out × (latent_dim [+ classes]))."""
        for m in self.net.modules():
            if isinstance(m, nn.Linear):
                return m.weight
        raise GanlabError(f"{self.name} has no linear first layer")

    def decode(self, z: torch.Tensor, labels: torch.Tensor | None = None) -> torch.Tensor:
        """G(z[, y]) with gradients (images in [−1, 1], shape (n, 1, 28, 28))."""
        z = z.reshape(-1, self.latent_dim).float()
        if self.num_classes:
            if labels is None:
                raise GanlabError(f"{self.name} is conditional: say which class to draw")
            return self.net(z, labels)
        return self.net(z)

    @torch.no_grad()
    def __call__(self, z: torch.Tensor, labels: torch.Tensor | None = None) -> torch.Tensor:
        return torch.cat([self.decode(z[i:i + 500], None if labels is None else labels[i:i + 500])
                          for i in range(0, len(z.reshape(-1, self.latent_dim)), 500)])


def build_generator(name: str, tensors: dict[str, torch.Tensor], meta: dict[str, str]) -> GeneratorModel:
    """The generator stored in a checkpoint's tensors and metadata (the EMA copy if present)."""

    try:
        config = ImageConfig.from_dict(json.loads(meta["config"]))
    except (json.JSONDecodeError, TypeError, KeyError) as exc:
        raise GanlabError(f"the config stored in {name} is unreadable ({exc})") from None
    with torch.device("meta"):  # shapes only: the weights come from the file, not from torch's global RNG
        net, _ = build_image_networks(config)
    weights = split_prefix(tensors, "generator_ema") or split_prefix(tensors, "generator")
    try:
        net.load_state_dict(weights, assign=True)
    except RuntimeError as exc:
        raise GanlabError(f"{name} does not fit the generator its config describes: "
                          f"{str(exc).splitlines()[0][:160]}") from None
    net.eval().requires_grad_(False)
    notes = json.loads(meta.get("notes", "{}") or "{}")
    return GeneratorModel(os.path.splitext(name)[0], net, config, int(meta.get("step", 0)), notes)


def shipped_models(folder: str = PRETRAINED) -> dict[str, str]:
    """{name: path} of the image generators in ``folder`` (classifiers excluded), sorted by name."""
    if not os.path.isdir(folder):
        return {}
    names = sorted(f for f in os.listdir(folder) if f.endswith(".safetensors") and not f.startswith("classifier-"))
    return {os.path.splitext(f)[0]: os.path.join(folder, f) for f in names}


def load_generator(path: str | os.PathLike):
    """The image generator saved at ``path`` as a frozen ``ganlab.images.pretrained.GeneratorModel`` (CPU, eval).

    Reads only safetensors (never pickle); a file that is too large, truncated, not a ganlab image
    checkpoint, or whose weights do not fit its config raises a one-line ``GanlabError``.
    """
    name = os.path.basename(str(path))
    tensors, meta = read_checkpoint(path, FORMAT_IMAGE)
    return build_generator(name, tensors, meta)
