"""Image strips and animations for the latent-space views (numpy / PIL; no training, no plotly)."""
from __future__ import annotations

import os
import tempfile

import numpy as np
import torch
from PIL import Image

from ganlab.errors import GanlabError
from ganlab.images.experiment import image_grid

SCALE = 3  # screen pixels per MNIST pixel, on screen and in GIFs


def upscale(grid: np.ndarray, scale: int = SCALE) -> np.ndarray:
    """Nearest-neighbour enlargement, so 28 × 28 digits stay crisp on a projector."""
    return np.kron(grid, np.ones((scale, scale), dtype=grid.dtype))


def strip(images: torch.Tensor, columns: int | None = None) -> np.ndarray:
    """Images (n, 1, 28, 28) in [−1, 1] side by side (``columns`` per row), enlarged."""
    return upscale(image_grid(images, columns=columns or len(images)))


def tiles(images: torch.Tensor) -> list[np.ndarray]:
    """Each image alone, enlarged, without padding (gallery thumbnails, animation frames)."""
    return [upscale(image_grid(x[None], columns=1, pad=0)) for x in images]


def write_gif(frames: list[np.ndarray], name: str, ms_per_frame: int = 120) -> str:
    """Frames (uint8 greyscale) as a looping GIF, there and back again, in a fresh temp folder."""
    if not frames:
        raise GanlabError("nothing to animate")
    path = os.path.join(tempfile.mkdtemp(prefix="ganlab-"), name)
    images = [Image.fromarray(f) for f in frames + frames[-2:0:-1]]
    images[0].save(path, save_all=True, append_images=images[1:], duration=ms_per_frame, loop=0)
    return path
