"""Named starting points for the image lab: the recommended MNIST run, and StackedMNIST's collapse and cure.

StackedMNIST stacks three MNIST digits as the red, green and blue channels, so it has 10³ = 1000
modes; a generator that covers few of them has collapsed (PacGAN's and R3GAN's benchmark). Each
preset is an ``ImageConfig`` and a sentence saying what to watch for; nothing here trains.
"""
from __future__ import annotations

from dataclasses import dataclass

from ganlab.errors import GanlabError
from ganlab.image_experiment import ImageConfig, recommended_image_config


@dataclass(frozen=True)
class ImagePreset:
    """An image-lab demonstration: a config and what to watch for."""

    key: str
    title: str
    watch_for: str
    config: ImageConfig


IMAGE_PRESETS: dict[str, ImagePreset] = {p.key: p for p in [
    ImagePreset("digits", "DCGAN on MNIST (recommended)",
                "The same 64 latent vectors sharpen from noise into digits within a minute on a laptop CPU; "
                "the class histogram evens out as classes covered reaches 10/10.",
                recommended_image_config()),
    ImagePreset("stacked-collapse", "StackedMNIST: a DCGAN collapses",
                "COLLAPSE_TEXT",
                recommended_image_config(data="stacked-mnist")),
    ImagePreset("stacked-pack", "StackedMNIST: the cure by packing",
                "PACK_TEXT",
                recommended_image_config(data="stacked-mnist", pack=2)),
]}


def get_image_preset(key: str) -> ImagePreset:
    """The preset named ``key``; an unknown name is a ``GanlabError`` listing the known ones."""
    if key not in IMAGE_PRESETS:
        raise GanlabError(f"unknown image preset '{key}'; choose one of: {', '.join(IMAGE_PRESETS)}")
    return IMAGE_PRESETS[key]
