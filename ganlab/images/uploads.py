"""Images from users (uploads, drawings) as 28 × 28 digits in [−1, 1], or a one-line reason why not.

Guards: a size limit on the file, PIL's decompression-bomb check with a pixel limit of our own,
and MNIST's convention (a light digit on a dark background): a mostly light picture, such as a
digit drawn on white paper, is inverted. The digit's bounding box is centred and scaled to fit
20 × 20 pixels inside the 28 × 28 frame, as in MNIST's preprocessing.
"""
from __future__ import annotations

import os
import warnings

import numpy as np
import torch
from PIL import Image, UnidentifiedImageError

from ganlab.errors import GanlabError

MAX_UPLOAD_BYTES = 10 * 2**20
MAX_PIXELS = 25_000_000


def _open(path: str) -> np.ndarray:
    name = os.path.basename(str(path))
    if not os.path.isfile(path):
        raise GanlabError(f"no file {name}")
    if os.path.getsize(path) > MAX_UPLOAD_BYTES:
        raise GanlabError(f"{name} is larger than {MAX_UPLOAD_BYTES // 2**20} MB; upload a smaller image")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(path) as im:
                if im.width * im.height > MAX_PIXELS:
                    raise GanlabError(f"{name} is {im.width} × {im.height} pixels; images over "
                                      f"{MAX_PIXELS // 1_000_000} megapixels are not opened")
                im.load()
                return np.asarray(im.convert("L"), dtype=np.float32) / 255.0
    except GanlabError:
        raise
    except (UnidentifiedImageError, Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        kind = "too large when decompressed" if "ecompression" in type(exc).__name__ else "not an image PIL can read"
        raise GanlabError(f"{name} is {kind}") from None
    except (OSError, ValueError, SyntaxError) as exc:
        raise GanlabError(f"{name} could not be read as an image ({str(exc)[:80]})") from None


def to_digit(pixels: np.ndarray) -> torch.Tensor:
    """A greyscale (or RGB/RGBA) picture as a centred 28 × 28 MNIST-style digit in [−1, 1]."""
    a = np.asarray(pixels)
    if a.ndim not in (2, 3) or a.size == 0 or min(a.shape[:2]) == 0 or (a.ndim == 3 and a.shape[2] not in (1, 3, 4)):
        raise GanlabError(f"the picture must be a 2-D greyscale, RGB or RGBA image, got shape {a.shape}")
    with np.errstate(all="ignore"):
        a = a.astype(np.float64)
    if not np.isfinite(a).all():
        raise GanlabError("the picture has NaN or infinite pixels")
    if a.min() < 0 or a.max() > 255:
        raise GanlabError("pixel values must lie in 0–255 (or 0–1)")
    if a.ndim == 3:
        if a.shape[2] == 4:  # transparent strokes on nothing: the alpha channel is the drawing
            alpha = a[..., 3] / (255.0 if a.max() > 1 else 1.0)
            a = alpha if alpha.min() < 0.99 else a[..., :3].mean(2)
        else:
            a = a.mean(2)
    if a.max() > 1.0:
        a = a / 255.0
    if a.mean() > 0.5:  # dark strokes on a light background
        a = 1.0 - a
    if a.max() - a.min() < 0.05:
        raise GanlabError("the picture is blank: draw or upload a digit")
    a = (a - a.min()) / (a.max() - a.min())
    ys, xs = np.nonzero(a > 0.2)
    crop = a[ys.min():ys.max() + 1, xs.min():xs.max() + 1]
    h, w = crop.shape
    s = 20.0 / max(h, w)
    size = (max(1, round(w * s)), max(1, round(h * s)))
    small = np.asarray(Image.fromarray((crop * 255).astype(np.uint8)).resize(size, Image.BILINEAR), np.float32) / 255
    out = np.zeros((28, 28), np.float32)
    top, left = (28 - size[1]) // 2, (28 - size[0]) // 2
    out[top:top + size[1], left:left + size[0]] = small
    return torch.from_numpy(out * 2 - 1)


def read_digit(path: str) -> torch.Tensor:
    """The image file at ``path`` as a 28 × 28 digit in [−1, 1] (see ``to_digit``)."""
    return to_digit(_open(path))
