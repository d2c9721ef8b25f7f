"""Frames of the layered view as pixels (PIL), for an animated GIF of a training run.

A small software renderer: the D(x)/f(x) surface through the same colour scales as the live
view, real and generated samples as dots, gradient arrows as lines, the step in a corner.
"""
from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw

from ganlab.toy.run import Frame

PROBABILITY_STOPS = np.array([[123, 50, 148], [247, 247, 247], [27, 158, 119]], dtype=np.float64)  # 0, ½, 1
SCORE_STOPS = np.array([[178, 24, 43], [247, 247, 247], [33, 102, 172]], dtype=np.float64)  # low, 0, high


def colours(values: np.ndarray, stops: np.ndarray) -> np.ndarray:
    """Map values in [0, 1] through a three-stop colour scale; returns uint8 RGB."""
    v = np.clip(values, 0, 1)[..., None]
    low = stops[0] + (stops[1] - stops[0]) * np.clip(v * 2, 0, 1)
    high = stops[1] + (stops[2] - stops[1]) * np.clip(v * 2 - 1, 0, 1)
    return np.where(v < 0.5, low, high).astype(np.uint8)


def score_scale(z: np.ndarray) -> tuple[np.ndarray, float, float]:
    """A critic's f(x) on a colour scale from its lowest value (red) to its highest (blue): (positions in
    [0, 1], low, high). A critic is defined only up to a constant (E f(x) − E f(G(z)) ignores one), so
    the scale spans the surface's own range rather than centring on 0: a weight-clipped critic's
    nearly linear slope of ±0.01 then shows as a full ramp instead of one flat colour."""
    z = np.nan_to_num(np.asarray(z, dtype=np.float64))
    lo, hi = (float(z.min()), float(z.max())) if z.size else (-1.0, 1.0)
    if not (hi > lo and np.isfinite(hi - lo)):
        lo, hi = lo - 1.0, lo + 1.0
    return (z - lo) / (hi - lo), lo, hi


def render_frame(frame: Frame, size: int = 360) -> Image.Image:
    """One frame of the layered view as a ``size`` × ``size`` RGB image."""
    z = frame.surface
    if frame.surface_kind == "probability":
        rgb = colours(z, PROBABILITY_STOPS)
    else:
        rgb = colours(score_scale(z)[0], SCORE_STOPS)
    img = Image.fromarray(rgb[::-1]).resize((size, size), Image.BILINEAR)  # row 0 of z is the bottom
    draw = ImageDraw.Draw(img)
    x0, x1, y0, y1 = frame.window

    def px(points: np.ndarray) -> np.ndarray:
        return np.stack([(points[:, 0] - x0) / (x1 - x0) * size, (y1 - points[:, 1]) / (y1 - y0) * size], 1)

    for (x, y) in px(frame.real):
        draw.ellipse([x - 2, y - 2, x + 2, y + 2], fill=(27, 158, 119))
    for (x, y) in px(frame.fake):
        draw.ellipse([x - 2, y - 2, x + 2, y + 2], fill=(123, 50, 148))
    if len(frame.arrows):
        longest = float(np.linalg.norm(frame.arrows, axis=1).max())
        if longest > 0:
            tips = frame.arrow_tails + frame.arrows * (0.08 * (x1 - x0) / longest)
            for (a, b), (c, d) in zip(px(frame.arrow_tails), px(tips)):
                draw.line([a, b, c, d], fill=(230, 97, 1), width=1)
    draw.text((6, 4), f"step {frame.step}", fill=(20, 20, 20))
    return img


def frames_to_gif(frames: list[Frame], path: str, fps: float = 8.0, size: int = 360) -> str:
    """Write ``frames`` as an animated GIF at ``path`` (looping); returns the path."""
    if not frames:
        raise ValueError("no frames to write: press Play first")
    images = [render_frame(f, size).convert("P", palette=Image.ADAPTIVE, colors=128) for f in frames]
    images[0].save(path, save_all=True, append_images=images[1:], duration=int(1000 / fps), loop=0, optimize=True)
    return path
