"""What a live view sends to the browser: small JSON-able frames, drawn there on a canvas.

Pure functions, data in, dict out. A frame is a list of *panels*, each a dict with a ``kind``:

- ``layered``: GAN Lab's layered distributions view. The D(x)/f(x) surface travels as one small
  RGB image (one pixel per grid point, the same colour scales as the GIF export) plus its values
  for hover read-outs; those values, the points, the arrows and the manifold travel ``packed``:
  float32 bytes in base64, which the page reads as a ``Float32Array``. A JSON list of thousands of
  numbers would cost the server's event loop milliseconds per frame (FastAPI walks every element
  in Python), time taken from the training thread under the GIL.
- ``lines``: a chart panel, one or more series over training steps (thinned to ``MAX_POINTS``).
- ``bars``: a histogram (samples per mode or per class) with the uniform share marked.
- ``image``: a PNG (an 8 × 8 sample grid), upscaled in the page with nearest-neighbour pixels.

A whole frame stays in the tens of kB; drawing one costs the browser a few milliseconds, where a
Plotly figure rebuilds its SVG for every new value.
"""
from __future__ import annotations

import base64
import io
import math
from collections.abc import Sequence

import numpy as np
from PIL import Image

from ganlab.toy.run import Frame
from ganlab.viz.raster import PROBABILITY_STOPS, SCORE_STOPS, colours, score_scale

LAYERS = ("surface", "real", "fake", "arrows", "manifold")
REAL_COLOR, FAKE_COLOR, ARROW_COLOR = "#1b9e77", "#7b3294", "#e66101"
D_COLOR, F_COLOR = "#7b3294", "#2166ac"
MAX_POINTS = 300  # points per chart series sent to the browser
ARROW_SHARE = 0.12  # the longest arrow is this share of the window width


def css_colours(stops: np.ndarray) -> list[str]:
    """A colour scale's stops (rows of RGB) as CSS colours."""
    return ["#%02x%02x%02x" % tuple(int(v) for v in row) for row in stops]


def packed(values, dtype: str = "<f4") -> str:
    """[x0, y0, x1, y1, ...] (any array, flattened row by row) as ``dtype`` (little-endian float32
    unless told otherwise) in base64."""
    return base64.b64encode(np.ascontiguousarray(values, dtype=dtype).reshape(-1).tobytes()).decode("ascii")


def surface_image(values: np.ndarray, kind: str) -> tuple[np.ndarray, float, float]:
    """RGB pixels of a D(x) (``kind="probability"``, scale 0..1) or critic f(x) surface (``"score"``,
    from its lowest to its highest value: ``raster.score_scale``), top row first; returns (pixels,
    scale low, scale high)."""
    z = np.asarray(values, dtype=np.float64)
    if kind == "probability":
        lo, hi, t, stops = 0.0, 1.0, z, PROBABILITY_STOPS
    else:
        (t, lo, hi), stops = score_scale(z), SCORE_STOPS
    return colours(np.nan_to_num(t, nan=0.5)[::-1], stops), lo, hi


def layered_view(frame: Frame, layers: Sequence[str] = LAYERS, title: str = "", key: str = "view",
                 caption: str = "") -> dict:
    """The layered view of ``frame`` with the chosen ``layers`` (names in ``LAYERS``).

    Arrows are −∂L_G/∂x at generated points, scaled so the longest is ``ARROW_SHARE`` of the window
    width: directions and relative sizes are exact, the absolute size is for visibility.
    """
    x0, x1, y0, y1 = (float(v) for v in frame.window)
    probability = frame.surface_kind == "probability"
    panel: dict = {"kind": "layered", "key": key, "title": title, "caption": caption, "window": [x0, x1, y0, y1],
                   "labels": {"surface": "D(x)" if probability else "critic f(x)", "real": "real samples",
                              "fake": "generated samples", "arrows": "generator gradient −∂L_G/∂x",
                              "manifold": "generator manifold"},
                   "colors": {"real": REAL_COLOR, "fake": FAKE_COLOR, "arrows": ARROW_COLOR}}
    if "surface" in layers:
        pixels, lo, hi = surface_image(frame.surface, frame.surface_kind)
        rows, cols = pixels.shape[:2]
        rgba = np.concatenate([pixels, np.full((rows, cols, 1), 255, np.uint8)], axis=2)
        values = np.nan_to_num(np.asarray(frame.surface, dtype=np.float32)[::-1], nan=0.0)
        panel["surface"] = {"rows": rows, "cols": cols, "rgba": packed(rgba, "u1"),
                            "values": packed(values), "low": lo, "high": hi,
                            "scale": css_colours(PROBABILITY_STOPS if probability else SCORE_STOPS),
                            "label": "D(x)" if probability else "f(x)"}
    if "real" in layers:
        panel["real"] = packed(frame.real)
    if "fake" in layers:
        panel["fake"] = packed(frame.fake)
    if "arrows" in layers and len(frame.arrows):
        lengths = np.linalg.norm(frame.arrows, axis=1)
        longest = float(lengths.max()) if lengths.size else 0.0
        scale = ARROW_SHARE * (x1 - x0) / longest if longest > 0 and math.isfinite(longest) else 0.0
        tips = frame.arrow_tails + scale * np.nan_to_num(frame.arrows)
        panel["arrows"] = packed(np.concatenate([frame.arrow_tails, tips], axis=1))
    if "manifold" in layers and frame.manifold is not None:
        grid = np.asarray(frame.manifold)  # (rows, cols, 2): the page draws every row, and every column if rows > 1
        panel["manifold"] = {"rows": grid.shape[0], "cols": grid.shape[1], "xy": packed(grid)}
    return panel


def series(name: str, steps: Sequence, values: Sequence, color: str, dash: bool = False, axis: str = "left",
           scale: float = 1.0) -> dict:
    """One line of a chart: (step, value × scale) pairs, missing values dropped, thinned to at most
    ``MAX_POINTS`` evenly spaced points (the last one always kept). ``axis="right"``: the panel's
    second scale. The history grows by 20 points a second of play, so the choice is made in numpy
    and only the points sent are touched in Python (the toy tab's charts at 12,000 points, 10 min of
    play: 2.6 ms a frame instead of 18 on the Intel Xeon VM)."""
    n = min(len(steps), len(values))
    kept = np.flatnonzero(np.isfinite(np.array(values[:n], dtype=np.float64)))  # None becomes NaN
    if len(kept) > MAX_POINTS:
        kept = kept[np.unique(np.linspace(0, len(kept) - 1, MAX_POINTS).round().astype(int))]
    kept = kept.tolist()
    return {"name": name, "color": color, "dash": dash, "axis": axis,
            "x": [_x(steps[i]) for i in kept], "y": [round(float(values[i]) * scale, 6) for i in kept]}


def _x(value) -> int | float:
    """A chart's x value: steps stay whole numbers, anything else keeps 6 decimals."""
    return int(value) if float(value).is_integer() else round(float(value), 6)


def line_panel(title: str, lines: list[dict], key: str, ylim: tuple[float, float] | None = None,
               ref: tuple[float, str] | None = None, right: tuple[float, str] | None = None, log: bool = False,
               xlabel: str = "step", marks: Sequence[tuple[float, str]] = (),
               bands: Sequence[tuple[float, float, str]] = (), height: int | None = None, caption: str = "") -> dict:
    """A chart panel: ``lines`` from ``series``; ``ylim`` fixes the scale; ``ref`` = (y, label) draws a
    dotted reference line; ``right`` = (max, label) is the scale of series on the right axis (0..max);
    ``marks`` = (x, label) vertical dashed lines; ``bands`` = (x0, x1, colour) shaded stretches of x."""
    return {"kind": "lines", "key": key, "title": title, "caption": caption, "series": [s for s in lines if s["x"]],
            "ylim": list(ylim) if ylim else None, "ref": [ref[0], ref[1]] if ref else None,
            "right": [right[0], right[1]] if right else None, "log": log, "xlabel": xlabel,
            "marks": [{"x": float(x), "label": label} for x, label in marks],
            "bands": [{"x0": float(a), "x1": float(b), "color": c} for a, b, c in bands], "height": height}


def _training_panels(history: dict, critic: bool) -> list[dict]:
    """Panels every run shows: both losses, both gradient norms, D (or f) on real and fake."""
    s = history["step"]
    return [
        line_panel("losses", [series("critic loss" if critic else "D loss", s, history["d_loss"], D_COLOR),
                              series("G loss", s, history["g_loss"], ARROW_COLOR)], "losses"),
        line_panel("gradient norms", [series("‖∇θ_D L‖", s, history["d_grad_norm"], D_COLOR),
                                      series("‖∇θ_G L‖", s, history["g_grad_norm"], ARROW_COLOR)], "grads"),
        line_panel("f(real) vs f(fake)" if critic else "D(real) vs D(fake)",
                   [series("f(real)" if critic else "D(real)", s, history["d_real"], REAL_COLOR),
                    series("f(fake)" if critic else "D(fake)", s, history["d_fake"], FAKE_COLOR)], "outputs",
                   ylim=None if critic else (0.0, 1.0)),
    ]


def toy_charts(history: dict, metrics: dict, critic: bool, modes_total: int | None) -> list[dict]:
    """Six chart panels of a toy run: losses, gradient norms, D outputs, modes and high quality,
    exact W1 beside a critic's own estimate, grid JS (≤ log 2)."""
    m = metrics["step"]
    panels = _training_panels(history, critic)
    if modes_total:
        panels.append(line_panel("modes covered · high quality %",
                                 [series("modes covered", m, metrics["modes_covered"], REAL_COLOR),
                                  series("high quality %", m, metrics["hq_fraction"], "#999999", True, "right", 100.0)],
                                 "modes", ylim=(0, modes_total), right=(100.0, "%")))
    w1 = [series("exact W1 (POT)", m, metrics["w1"], F_COLOR)]
    if critic:
        w1.append(series("critic estimate E f(x) − E f(G(z))", m, metrics["w1_estimate"], "#b2182b", True))
    panels.append(line_panel("Wasserstein-1", w1, "w1"))
    panels.append(line_panel("grid JS divergence", [series("grid JS", m, metrics["grid_js"], "#444444")], "js",
                             ylim=(0.0, 0.75), ref=(math.log(2), "log 2")))
    if any(v is not None for v in metrics.get("precision", [])):
        panels.append(line_panel("precision (quality) · recall (diversity), k-NN balls on the 2D points",
                                 [series("precision", m, metrics["precision"], D_COLOR),
                                  series("recall", m, metrics["recall"], F_COLOR),
                                  series("coverage", m, metrics["coverage"], F_COLOR, dash=True)], "pr", ylim=(0, 1),
                                 caption="High quality is a precision with 3σ balls round the modes; modes covered "
                                         "is a coarse recall. A collapse: precision high, recall low."))
    return panels


def image_charts(history: dict, metrics: dict, critic: bool, fid_real: float | None = None) -> list[dict]:
    """Seven chart panels of an image GAN: the training signals and the classifier's view of the samples."""
    m = metrics["step"]
    return _training_panels(history, critic) + [
        line_panel("classes covered · confidence %",
                   [series("classes covered", m, metrics["classes_covered"], REAL_COLOR),
                    series("confidence %", m, metrics["mean_confidence"], "#999999", True, "right", 100.0)],
                   "classes", ylim=(0, 10), right=(100.0, "%")),
        line_panel("class KL from uniform", [series("class KL", m, metrics["class_kl"], "#444444")], "kl"),
        line_panel("Fréchet distance (classifier features)", [series("Fréchet distance", m, metrics["fid"], F_COLOR)],
                   "fid", ref=(fid_real, "real vs real") if fid_real is not None else None),
        quality_panel(metrics),
    ]


def quality_panel(metrics: dict) -> dict:
    """Precision (quality) and recall (diversity) over training, with coverage dashed: a collapse keeps
    precision up while recall and coverage fall."""
    m = metrics["step"]
    return line_panel("precision (quality) · recall (diversity)",
                      [series("precision", m, metrics["precision"], D_COLOR), series("recall", m, metrics["recall"], F_COLOR),
                       series("coverage", m, metrics["coverage"], F_COLOR, dash=True)], "pr", ylim=(0, 1))


def stacked_charts(history: dict, metrics: dict, critic: bool) -> list[dict]:
    """Chart panels of a StackedMNIST run: the training signals, modes covered of 1000 over time, the
    reverse KL of the mode histogram from uniform, and precision and recall."""
    m = metrics["step"]
    return _training_panels(history, critic) + [
        line_panel("modes covered of 1000", [series("modes covered", m, metrics["modes_covered"], REAL_COLOR)],
                   "modes", ylim=(0, 1000)),
        line_panel("mode KL from uniform", [series("mode KL", m, metrics["mode_kl"], "#444444")], "kl"),
        quality_panel(metrics),
    ]


def mode_map(counts: Sequence[int], cell: int = 6) -> np.ndarray:
    """StackedMNIST's 1000 modes as one RGB picture: ten blocks (the red digit, 0–4 on top, 5–9
    below), each 10 × 10 cells (green digit down, blue digit across). An unseen mode is a dark cell; a
    covered one is lit, greener the more samples fell into it (log scale, up to the fullest mode)."""
    counts = np.asarray(counts, dtype=float).reshape(10, 10, 10)
    top = max(1.0, counts.max())
    gap, block = cell, 10 * cell
    image = np.full((2 * block + 3 * gap, 5 * block + 6 * gap, 3), 255, dtype=np.uint8)
    dark, light, full = np.array([60, 60, 60]), np.array([199, 233, 192]), np.array([0, 109, 44])
    for r in range(10):
        y0, x0 = gap + (r // 5) * (block + gap), gap + (r % 5) * (block + gap)
        for g in range(10):
            for b in range(10):
                n = counts[r, g, b]
                colour = dark if n == 0 else light + (full - light) * (math.log1p(n) / math.log1p(top))
                image[y0 + g * cell:y0 + (g + 1) * cell - 1, x0 + b * cell:x0 + (b + 1) * cell - 1] = colour.astype(np.uint8)
    return image


def bars_panel(counts: Sequence[int] | None, title: str, key: str = "bars", labels: Sequence[str] | None = None,
               axis: str = "mode", caption: str = "") -> dict:
    """Samples per mode (or class); the uniform share, total/k, is drawn as a dashed line. No counts:
    the panel says the distribution has no modes to count."""
    counts = [int(c) for c in counts] if counts else []
    return {"kind": "bars", "key": key, "title": title, "caption": caption, "axis": axis,
            "labels": [str(v) for v in labels] if labels else [str(i) for i in range(len(counts))],
            "counts": counts, "share": sum(counts) / len(counts) if counts else None,
            "empty": "" if counts else "this distribution has no modes to count"}


def mode_strip(steps: Sequence[int], shares: Sequence[Sequence[float]], key: str = "strip", caption: str = "",
               columns: int = 300, row_height: int = 10) -> dict:
    """Each mode's share of the samples over training as a heat strip: one row per mode, one column per
    measurement (at most ``columns``, evenly spaced), white for none and dark purple for half or more.
    A generator that hops from mode to mode draws a band that moves from row to row."""
    data = np.asarray(shares, dtype=np.float64)
    if data.ndim != 2 or not len(data):
        data = np.zeros((1, 1))
    keep = np.unique(np.linspace(0, len(data) - 1, min(columns, len(data))).round().astype(int))
    grid = np.clip(data[keep].T / 0.5, 0.0, 1.0)  # (modes, columns)
    white, dark = np.array([255.0, 255.0, 255.0]), np.array([84.0, 39.0, 143.0])
    pixels = (white + (dark - white) * grid[..., None]).astype(np.uint8)
    pixels = np.repeat(np.repeat(pixels, row_height, axis=0), max(1, 600 // len(keep)), axis=1)
    last = int(steps[-1]) if len(steps) else 0
    return image_panel(pixels, f"each mode's share of the samples, steps 0–{last:,} (a row per mode)", key, caption)


def png_data_url(pixels: np.ndarray) -> str:
    """A uint8 grey (H, W) or RGB (H, W, 3) array as a ``data:image/png`` URL."""
    buffer = io.BytesIO()
    Image.fromarray(np.ascontiguousarray(pixels)).save(buffer, format="PNG", optimize=False, compress_level=1)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def image_panel(pixels: np.ndarray, title: str, key: str = "grid", caption: str = "") -> dict:
    """An image (a sample grid) shown upscaled with crisp, nearest-neighbour pixels."""
    return {"kind": "image", "key": key, "title": title, "caption": caption, "src": png_data_url(pixels),
            "width": int(pixels.shape[1]), "height": int(pixels.shape[0])}
