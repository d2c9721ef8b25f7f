"""Turn a drawing into a 2D point cloud: every inked pixel is a possible sample."""
from __future__ import annotations

import numpy as np

from ganlab.errors import GanlabError


def points_from_drawing(image: np.ndarray, window: tuple[float, float, float, float] = (-4.0, 4.0, -4.0, 4.0),
                        max_points: int = 800, seed: int = 0) -> np.ndarray:
    """Coordinates of the inked pixels of ``image`` mapped onto ``window`` (image top = window top).

    Ink is any visible pixel darker than near-white (alpha > 0 as well for RGBA images). At most
    ``max_points`` pixels are kept, chosen at random with ``seed``.
    """
    img = np.asarray(image)
    if img.ndim == 2:
        ink = img < 250
    elif img.ndim == 3 and img.shape[2] == 4:  # visible and not (near-)white: a white canvas is no ink
        ink = (img[:, :, 3] > 0) & (img[:, :, :3].min(axis=2) < 250)
    elif img.ndim == 3 and img.shape[2] == 3:
        ink = img.min(axis=2) < 250
    else:
        raise GanlabError("the drawing is not an image")
    rows, cols = np.nonzero(ink)
    if len(rows) < 2:
        raise GanlabError("draw something on the canvas first (a few strokes are enough)")
    if len(rows) > max_points:
        keep = np.random.default_rng(seed).choice(len(rows), max_points, replace=False)
        rows, cols = rows[keep], cols[keep]
    h, w = ink.shape
    x0, x1, y0, y1 = window
    x = x0 + (cols + 0.5) / w * (x1 - x0)
    y = y1 - (rows + 0.5) / h * (y1 - y0)
    return np.stack([x, y], axis=1)
