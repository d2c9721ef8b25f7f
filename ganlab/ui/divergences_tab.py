"""Tab "Divergences & transport": KL, JS and W1 of two editable 1D distributions; an OT plan in 2D."""
from __future__ import annotations

import math
import re

import gradio as gr
import numpy as np
import torch

from ganlab.errors import GanlabError
from ganlab.maths import divergences as dv
from ganlab.toy.data import TOY_NAMES, get_toy
from ganlab.training.validation import integer, number, text as text_value
from ganlab.viz.transport import histograms_figure, transport_plan_figure, uniform_mixtures_figure

UNIFORMS, HISTOGRAMS = "mixtures of uniforms", "histograms on adjacent bins"
PRESETS_1D = {
    "lecture: p = ¼U[1,2] + ¼U[3,4] + ½U[9,10], q = U[5,7]": (UNIFORMS, "0.25 U[1,2] + 0.25 U[3,4] + 0.5 U[9,10]", "U[5,7]"),
    "lecture: the shovel example P = (3,2,1,4), Q = (1,2,4,3)": (HISTOGRAMS, "3, 2, 1, 4", "1, 2, 4, 3"),
    "overlapping supports: U[0,2] vs U[1,3]": (UNIFORMS, "U[0,2]", "U[1,3]"),
    "disjoint supports: U[0,1] vs U[2,3]": (UNIFORMS, "U[0,1]", "U[2,3]"),
}
_TERM = re.compile(r"^\s*(?:(?P<w>[0-9.eE+-]+(?:\s*/\s*[0-9.eE+-]+)?)\s*[*×·]?\s*)?U\s*\[\s*(?P<a>[-0-9.eE+]+)\s*,\s*(?P<b>[-0-9.eE+]+)\s*\]\s*$")
CAPTION_1D = ("Top: the two densities. Bottom: the cumulative difference F_p − F_q; the shaded area is W1 = ∫|F_p − F_q|. "
              "KL is infinite as soon as one distribution puts mass where the other has none; JS then saturates at "
              "log 2 ≈ 0.693 however far apart the supports are; W1 keeps measuring the distance.")
CAPTION_2D = ("Each segment is a pair (a_i, b_j) that the optimal coupling γ matches (exact network-simplex solver, "
              "POT); the cost is the average length moved, W1 between the two clouds.")


def _weight(text: str) -> float:
    if "/" in text:
        num, den = text.split("/")
        return float(num) / float(den)
    return float(text)


def parse_uniform_mixture(text: str) -> list[tuple[float, float, float]]:
    """'0.25 U[1,2] + 0.75 U[3,5]' → [(0.25, 1, 2), (0.75, 3, 5)]; weights default to 1."""
    terms = [t for t in re.split(r"\+(?![^\[]*\])", text_value("the mixture", text)) if t.strip()]
    if not terms:
        raise GanlabError("write a mixture such as 0.25 U[1,2] + 0.75 U[3,5]")
    pieces = []
    for term in terms:
        m = _TERM.match(term)
        if not m:
            raise GanlabError(f"cannot read '{term.strip()}': write terms like 0.5 U[a,b]")
        try:
            w = _weight(m["w"]) if m["w"] else 1.0
            a, b = float(m["a"]), float(m["b"])
        except (ValueError, ZeroDivisionError):
            raise GanlabError(f"cannot read the numbers in '{term.strip()}'") from None
        if not all(map(math.isfinite, (w, a, b))) or w <= 0 or not b > a or max(abs(a), abs(b)) > 1e6:
            raise GanlabError(f"in '{term.strip()}' the weight must be > 0 and a < b (finite, |a|, |b| ≤ 1e6)")
        pieces.append((w, a, b))
    return pieces


def parse_histogram(text: str) -> list[float]:
    """'3, 2, 1, 4' → [3, 2, 1, 4] (non-negative, not all zero, at most 200 bins)."""
    try:
        values = [float(v) for v in re.split(r"[,\s]+", text_value("the histogram", text).strip()) if v]
    except ValueError:
        raise GanlabError("a histogram is a list of numbers such as 3, 2, 1, 4") from None
    if not values or len(values) > 200 or any(not math.isfinite(v) or v < 0 for v in values) or sum(values) <= 0:
        raise GanlabError("a histogram needs 1–200 finite, non-negative masses, not all zero")
    return values


def _fmt(v: float | None) -> str:
    if v is None:
        return "—"
    return "∞" if v == math.inf else f"{v:.4f}"


def compare_1d(kind: str, p_text: str, q_text: str):
    """(figure, markdown with KL both ways, JS and W1) for two distributions written as text."""
    if kind == HISTOGRAMS:
        p, q = parse_histogram(p_text), parse_histogram(q_text)
        if len(p) != len(q):
            raise GanlabError(f"P has {len(p)} bins and Q has {len(q)}: give both the same number")
        out = dv.histogram_divergences(p, q)
        fig = histograms_figure(p, q)
        cost = f" · total earth-mover cost (mass × bins moved) **{_fmt(out['cost'])}**" if out["cost"] is not None else ""
        w1 = f"W1 (normalised) **{_fmt(out['w1'])}**{cost}"
    else:
        p, q = parse_uniform_mixture(p_text), parse_uniform_mixture(q_text)
        out = dv.divergences_uniform_mixtures(p, q)
        t, gap = dv.cdf_gap(p, q)
        fig = uniform_mixtures_figure(p, q, t, gap)
        w1 = f"W1 **{_fmt(out['w1'])}**"
    text = (f"KL(p‖q) **{_fmt(out['kl_pq'])}** · KL(q‖p) **{_fmt(out['kl_qp'])}** · "
            f"JS **{_fmt(out['js'])}** (log 2 = 0.6931) · {w1}")
    return fig, text


def transport_2d(data_a: str, data_b: str, n: int, shift: float, seed: int):
    """(figure, markdown) of the exact optimal transport plan between two sampled clouds."""
    n = integer("the number of points", n, 2, 300)
    shift = number("the shift", shift, -100.0, 100.0)
    seed = integer("the seed", seed, 0, 2**31 - 1)
    g = torch.Generator().manual_seed(seed)
    a = get_toy(data_a).sample(int(n), g).double().numpy()
    b = get_toy(data_b).sample(int(n), g).double().numpy() + np.array([shift, 0.0])
    plan, cost = dv.transport_plan(a, b)
    return transport_plan_figure(a, b, plan, cost), f"exact W1 between the clouds: **{cost:.4f}** ({int(n)} points each)"


def build(app: gr.Blocks) -> None:
    gr.Markdown("### Two distributions on the line")
    with gr.Row():
        with gr.Column(scale=1, min_width=300):
            first = next(iter(PRESETS_1D))
            preset = gr.Dropdown(list(PRESETS_1D), value=first, label="example", elem_id="div-preset")
            kind = gr.Radio([UNIFORMS, HISTOGRAMS], value=PRESETS_1D[first][0], label="kind")
            p_box = gr.Textbox(PRESETS_1D[first][1], label="p (or P)", elem_id="div-p")
            q_box = gr.Textbox(PRESETS_1D[first][2], label="q (or Q)", elem_id="div-q")
            go_1d = gr.Button("compare", variant="primary", elem_id="div-compare")
            numbers = gr.Markdown(elem_id="div-numbers")
        with gr.Column(scale=2):
            plot_1d = gr.Plot(show_label=False, elem_id="div-plot")  # (a label would sit on the figure's legend)
            gr.Markdown(CAPTION_1D)
    gr.Markdown("### Optimal transport between two point clouds")
    with gr.Row():
        with gr.Column(scale=1, min_width=300):
            data_a = gr.Dropdown(list(TOY_NAMES), value="two_gaussians", label="cloud A")
            data_b = gr.Dropdown(list(TOY_NAMES), value="ring8", label="cloud B")
            n = gr.Slider(2, 300, value=60, step=1, label="points per cloud")
            shift = gr.Number(0.0, label="shift cloud B along x")
            seed = gr.Number(0, precision=0, label="seed")
            go_2d = gr.Button("transport", variant="primary", elem_id="div-transport")
            cost = gr.Markdown(elem_id="div-cost")
        with gr.Column(scale=2):
            plot_2d = gr.Plot(show_label=False, elem_id="div-plan")
            gr.Markdown(CAPTION_2D)

    def on_compare(k, p, q):
        try:
            return compare_1d(k, p, q)
        except GanlabError as exc:
            return gr.skip(), f"⚠ {exc}"

    def on_preset(name):
        k, p, q = PRESETS_1D[name]
        return (k, p, q, *compare_1d(k, p, q))

    def on_transport(a, b, count, dx, s):
        try:
            return transport_2d(a, b, count, dx, s)
        except GanlabError as exc:
            return gr.skip(), f"⚠ {exc}"

    preset.input(on_preset, [preset], [kind, p_box, q_box, plot_1d, numbers], api_visibility="private")
    gr.on([go_1d.click, p_box.submit, q_box.submit], on_compare, [kind, p_box, q_box], [plot_1d, numbers],
          api_visibility="private")
    go_2d.click(on_transport, [data_a, data_b, n, shift, seed], [plot_2d, cost], api_visibility="private")
    app.load(on_compare, [kind, p_box, q_box], [plot_1d, numbers], api_visibility="private")
    app.load(on_transport, [data_a, data_b, n, shift, seed], [plot_2d, cost], api_visibility="private")
