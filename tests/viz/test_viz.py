"""The live views' frames (``ganlab.viz.panels``): what travels to the page, exactly and small."""
import base64
import json
import math

import numpy as np

from ganlab.toy.config import ToyConfig
from ganlab.toy.run import ToyRun
from ganlab.viz.panels import (
    MAX_POINTS,
    bars_panel,
    image_panel,
    layered_view,
    line_panel,
    series,
    surface_image,
    toy_charts,
)
from ganlab.viz.raster import PROBABILITY_STOPS


def _floats(text: str) -> np.ndarray:
    """A ``packed`` field as the page reads it (a Float32Array)."""
    return np.frombuffer(base64.b64decode(text), dtype="<f4")


def _run(objective="nonsaturating"):
    run = ToyRun(ToyConfig(objective=objective, hidden=16, depth=2, batch=32))
    for _ in range(3):
        run.advance(max_steps=5)
        run.measure()
    return run


def test_layered_view_has_each_layer_and_stays_small():
    run = _run()
    frame = run.frame()
    view = layered_view(frame, title="t")
    assert {"surface", "real", "fake", "arrows", "manifold"} <= set(view)
    assert np.array_equal(_floats(view["real"]), frame.real.astype(np.float32).reshape(-1))
    assert np.array_equal(_floats(view["fake"]), frame.fake.astype(np.float32).reshape(-1))
    assert len(_floats(view["arrows"])) == 4 * len(frame.arrow_tails)
    s = view["surface"]
    assert (s["low"], s["high"], s["label"]) == (0.0, 1.0, "D(x)")
    assert len(base64.b64decode(s["rgba"])) == 4 * s["rows"] * s["cols"] == 4 * len(_floats(s["values"]))
    values = _floats(s["values"]).reshape(s["rows"], s["cols"])
    assert np.allclose(values, frame.surface[::-1], rtol=1e-6, atol=0)  # top row first, as the pixels
    m = view["manifold"]
    assert np.array_equal(_floats(m["xy"]).reshape(m["rows"], m["cols"], 2), np.asarray(frame.manifold, np.float32))
    assert len(json.dumps(view)) < 60_000  # a frame stays tens of kB
    only = layered_view(frame, layers=("real", "fake"))
    assert "surface" not in only and "arrows" not in only and "manifold" not in only


def test_surface_pixels_follow_the_colour_scale_top_row_first():
    values = np.array([[0.0, 0.0], [1.0, 0.5]])  # row 0 is the bottom of the plot
    pixels, lo, hi = surface_image(values, "probability")
    assert (lo, hi) == (0.0, 1.0)
    assert pixels[0, 0].tolist() == PROBABILITY_STOPS[2].astype(int).tolist()  # top-left: D = 1, green
    assert pixels[0, 1].tolist() == PROBABILITY_STOPS[1].astype(int).tolist()  # D = ½: white
    assert pixels[1, 0].tolist() == PROBABILITY_STOPS[0].astype(int).tolist()  # bottom: D = 0, purple


def test_critic_surface_spans_its_own_range():
    """A critic is defined up to a constant: its scale runs from its lowest to its highest value, so the
    weight-clipping preset's slope of about ±0.01 is a full ramp, not one flat colour."""
    pixels, lo, hi = surface_image(np.array([[0.0091, 0.0094, 0.0099]]), "score")
    assert (lo, hi) == (0.0091, 0.0099)
    assert pixels[0, 0].tolist() == [178, 24, 43] and pixels[0, 2].tolist() == [33, 102, 172]  # red … blue
    view = layered_view(_run("wgan").frame())
    values = _floats(view["surface"]["values"])
    assert view["surface"]["label"] == "f(x)"
    assert np.isclose(view["surface"]["low"], values.min(), rtol=1e-5) and np.isclose(view["surface"]["high"], values.max(), rtol=1e-5)


def test_arrows_keep_direction_and_the_longest_is_twelve_percent_of_the_window():
    run = _run()
    frame = run.frame()
    a = _floats(layered_view(frame)["arrows"]).reshape(-1, 4).astype(np.float64)
    lengths = np.hypot(a[:, 2] - a[:, 0], a[:, 3] - a[:, 1])
    width = frame.window[1] - frame.window[0]
    assert abs(lengths.max() - 0.12 * width) < 2e-3
    i = int(np.argmax(lengths))
    d = frame.arrows[i] / np.linalg.norm(frame.arrows[i])
    assert np.allclose((a[i, 2:] - a[i, :2]) / lengths[i], d, atol=5e-3)


def test_series_drops_missing_values_and_thins_to_the_limit():
    s = series("x", [1, 2, 3, 4, 5], [1.0, None, float("nan"), float("inf"), np.float32(0.5)], "#000")
    assert s["x"] == [1, 5] and s["y"] == [1.0, 0.5]
    sparse = series("z", list(range(10_000)), [float(i) if i % 7 == 0 else None for i in range(10_000)], "#000")
    assert len(sparse["x"]) == MAX_POINTS and all(x % 7 == 0 for x in sparse["x"]) and sparse["x"][-1] == 9996
    steps = list(range(1000))
    s = series("y", steps, [float(v) for v in steps], "#000", scale=2.0)
    assert len(s["x"]) <= MAX_POINTS and s["x"][0] == 0 and s["x"][-1] == 999 and s["y"][-1] == 1998.0
    assert line_panel("t", [series("e", [], [], "#000")], "k")["series"] == []


def test_toy_charts_show_the_critic_estimate_next_to_exact_w1():
    run = _run("wgan")
    panels = toy_charts(run.history, run.metrics, True, 8)
    names = {s["name"] for p in panels for s in p["series"]}
    assert {"exact W1 (POT)", "critic estimate E f(x) − E f(G(z))", "modes covered", "grid JS"} <= names
    js = next(p for p in panels if p["key"] == "js")
    assert js["ref"] == [math.log(2), "log 2"]
    names = {s["name"] for p in toy_charts(run.history, run.metrics, False, None) for s in p["series"]}
    assert "critic estimate E f(x) − E f(G(z))" not in names and "D(real)" in names and "modes covered" not in names


def test_bars_and_image_panels():
    bars = bars_panel([5, 0, 3], "t")
    assert bars["counts"] == [5, 0, 3] and bars["share"] == 8 / 3 and bars["labels"] == ["0", "1", "2"]
    assert "no modes" in bars_panel(None, "t")["empty"]
    grid = np.zeros((10, 12), np.uint8)
    panel = image_panel(grid, "g")
    assert panel["src"].startswith("data:image/png;base64,") and (panel["width"], panel["height"]) == (12, 10)
