"""Tab "Building blocks": convolution as a matrix U, transposed convolution as Uᵀ, the DCGAN generator."""
from __future__ import annotations

import html
import re

import gradio as gr
import numpy as np
import torch
import torch.nn.functional as F

from ganlab.errors import GanlabError
from ganlab.maths import convolution as cv
from ganlab.images.config import ARCH_LATENT
from ganlab.models import dcgan_generator, seed004_generator
from ganlab.models.summary import layer_table
from ganlab.training.validation import integer, text as text_value

X_TEXT = "4 5 8 7\n1 8 8 8\n3 6 6 4\n6 5 7 8"
U_TEXT = "1 4 1\n1 4 3\n3 3 1"
V_TEXT = "2 1\n4 4"
HI_IN, HI_OUT, HI_U = "#c7e9c0", "#fdd0a2", "#dadaeb"
GUIDELINES = [
    "Replace pooling by strided convolutions (D) and transposed convolutions (G).",
    "Batch norm in both networks, except G's output layer and D's input layer.",
    "No fully connected hidden layers: z is projected once and reshaped to 7 × 7 feature maps.",
    "ReLU in G, tanh at its output (images in [−1, 1]); LeakyReLU(0.2) in D.",
    "Adam with learning rate 2e-4 and β1 = 0.5.",
]
CONV_CAPTION = ("Each output cell is one row of U times v(x): the highlighted cells of x (green) are the ones the "
                "kernel covers, and the highlighted entries of U (purple) are the kernel weights that multiply them.")
TRANSPOSED_CAPTION = ("Uᵀ spreads each input value over the output: every input cell stamps the kernel, scaled by its "
                      "value, at its position (stride apart); the output is the sum of the stamps.")


LARGEST = 1e6  # entries beyond this would overflow the products into inf, and stretch the tables off the page


def parse_matrix(text: str, name: str, max_size: int = 8) -> np.ndarray:
    """Rows on lines (or separated by ';'), numbers by spaces or commas; at most max_size × max_size,
    each at most ``LARGEST`` in size."""
    rows = [r for r in re.split(r"[;\n]", text_value(name, text)) if r.strip()]
    try:
        values = [[float(v) for v in re.split(r"[,\s]+", r.strip()) if v] for r in rows]
    except ValueError:
        raise GanlabError(f"{name}: write numbers, one row per line") from None
    if not values or any(len(r) != len(values[0]) for r in values) or not values[0]:
        raise GanlabError(f"{name}: every row needs the same number of entries")
    m = np.array(values)
    if m.shape[0] > max_size or m.shape[1] > max_size or not np.all(np.isfinite(m)):
        raise GanlabError(f"{name}: at most {max_size} × {max_size} finite numbers")
    if np.abs(m).max() > LARGEST:
        raise GanlabError(f"{name}: use numbers between −{LARGEST:g} and {LARGEST:g} (got {np.abs(m).max():.3g})")
    return m


def _fmt(v: float) -> str:
    """An entry as the tables show it: a whole number as it is, else two decimals (at most 14 characters)."""
    return str(int(v)) if float(v).is_integer() and abs(v) < 1e12 else f"{v:.6g}" if abs(v) >= 1e6 else f"{v:.2f}"


def matrix_html(m: np.ndarray, title: str, highlight: dict[tuple[int, int], str] | None = None) -> str:
    """A small bordered table; ``highlight`` maps (row, col) to a background colour."""
    m = np.atleast_2d(m)
    highlight = highlight or {}
    cells = "".join(
        "<tr>" + "".join(
            f"<td style='border:1px solid #bbb;padding:2px 6px;text-align:right;"
            f"background:{highlight.get((i, j), 'white')}'>{_fmt(v)}</td>" for j, v in enumerate(row)) + "</tr>"
        for i, row in enumerate(m))
    return (f"<div style='display:inline-block;vertical-align:top;margin:4px 10px 4px 0'>"
            f"<div style='font-size:12px;color:#444'>{html.escape(title)}</div>"
            f"<table style='border-collapse:collapse;font-family:monospace;font-size:13px'>{cells}</table></div>")


def convolution_view(x_text: str, u_text: str, stride: int, padding: int, cell: str = "0, 0") -> tuple[str, str, list[str]]:
    """(HTML of x, U, v(x), U·v(x) and x ⋆ u with output ``cell`` ("row, col") highlighted; the formula
    and the PyTorch check; the names of all output cells)."""
    x, u = parse_matrix(x_text, "x"), parse_matrix(u_text, "kernel u", 5)
    stride, padding = integer("stride", stride, 1, 8), integer("padding", padding, 0, 8)
    out = cv.conv2d(x, u, stride, padding)
    U = cv.conv_matrix(*x.shape, u, stride, padding)
    names = [f"{i}, {j}" for i in range(out.shape[0]) for j in range(out.shape[1])]
    cell = names.index(cell) if cell in names else 0
    row = U[cell]
    inputs = {(k // x.shape[1], k % x.shape[1]): HI_IN for k in np.nonzero(row)[0]}
    u_hi = {(cell, k): HI_U for k in np.nonzero(row)[0]}
    vec = x.reshape(-1)
    parts = [matrix_html(x, f"x ({x.shape[0]}×{x.shape[1]})", inputs), matrix_html(u, "kernel u"),
             matrix_html(U, f"U ({U.shape[0]}×{U.shape[1]})", u_hi),
             matrix_html(vec[:, None], "v(x)", {(k, 0): HI_IN for k in np.nonzero(row)[0]}),
             matrix_html((U @ vec)[:, None], "U · v(x)", {(cell, 0): HI_OUT}),
             matrix_html(out, f"x ⋆ u ({out.shape[0]}×{out.shape[1]})", {divmod(cell, out.shape[1]): HI_OUT})]
    torch_out = F.conv2d(torch.tensor(x)[None, None], torch.tensor(u)[None, None], stride=stride, padding=padding)[0, 0]
    diff = float(np.abs(torch_out.numpy() - out).max())
    n, k = x.shape[0], u.shape[0]
    terms = " + ".join(f"{_fmt(u.reshape(-1)[j])}·{_fmt(vec[i])}"
                       for j, i in enumerate(np.nonzero(row)[0]) if j < 12)
    text = (f"output size: m = ⌊(n + 2p − k)/s⌋ + 1 = ⌊({n} + {2 * padding} − {k})/{stride}⌋ + 1 = **{out.shape[0]}** "
            f"(rows; columns likewise **{out.shape[1]}**)\n\n"
            f"cell {divmod(cell, out.shape[1])}: {terms if len(np.nonzero(row)[0]) <= 12 else '…'} = "
            f"**{_fmt(out.reshape(-1)[cell])}**\n\n"
            f"PyTorch `conv2d` on the same numbers: max |difference| = **{diff:g}** {'✓' if diff < 1e-9 else '✗'}")
    return "".join(parts), text, names


def transposed_view(v_text: str, u_text: str, stride: int, padding: int) -> tuple[str, str]:
    """(HTML of the stamps and of Uᵀ v, the formula and the PyTorch check) for a transposed convolution."""
    v, u = parse_matrix(v_text, "input v", 6), parse_matrix(u_text, "kernel u", 5)
    stride, padding = integer("stride", stride, 1, 8), integer("padding", padding, 0, 8)
    if padding >= min(u.shape):
        raise GanlabError(f"padding {padding} must be smaller than the kernel")
    out = cv.conv_transpose2d(v, u, stride, padding)
    parts = [matrix_html(v, "input v"), matrix_html(out, f"Uᵀ v ({out.shape[0]}×{out.shape[1]})")]
    for idx, stamp in enumerate(cv.stamps(v, u, stride, padding)):
        i, j = divmod(idx, v.shape[1])
        hi = {(a, b): HI_OUT for a, b in zip(*np.nonzero(stamp))}
        parts.append(matrix_html(stamp, f"stamp of v[{i},{j}] = {_fmt(v[i, j])}", hi))
    theirs = F.conv_transpose2d(torch.tensor(v)[None, None], torch.tensor(u)[None, None], stride=stride,
                                padding=padding)[0, 0].numpy()
    diff = float(np.abs(theirs - out).max())
    m, k = v.shape[0], u.shape[0]
    text = (f"output size: n = (m − 1)·s − 2p + k = ({m} − 1)·{stride} − {2 * padding} + {k} = **{out.shape[0]}**\n\n"
            f"Uᵀ v flattened: ({', '.join(_fmt(a) for a in out.reshape(-1))})\n\n"
            f"PyTorch `conv_transpose2d` on the same numbers: max |difference| = **{diff:g}** {'✓' if diff < 1e-9 else '✗'}")
    return "".join(parts), text


def generator_html(arch: str) -> str:
    """The generator's layers with their real output shapes, read from a forward pass."""
    latent = ARCH_LATENT["seed004" if arch == "seed004" else "dcgan"]
    with torch.device("meta"):  # shapes only, and no draw from torch's global RNG (``training.seeding``)
        net = seed004_generator(latent) if arch == "seed004" else dcgan_generator(latent)
        rows = layer_table(net, (latent,))
    body = "".join(f"<tr><td>{r.index}</td><td>{html.escape(r.layer)}</td><td>{' × '.join(map(str, r.output_shape))}"
                   f"</td><td style='text-align:right'>{r.parameters:,}</td></tr>" for r in rows)
    return (f"<table style='border-collapse:collapse;font-size:13px' cellpadding='4'>"
            f"<tr><th>#</th><th>layer</th><th>output (C × H × W)</th><th>parameters</th></tr>"
            f"<tr><td>0</td><td>noise z</td><td>{latent}</td><td></td></tr>{body}</table>")


def _stride_and_padding() -> tuple[gr.Slider, gr.Slider]:
    return gr.Slider(1, 3, value=1, step=1, label="stride s"), gr.Slider(0, 2, value=0, step=1, label="padding p")


def _result(elem_id: str, caption: str) -> tuple[gr.HTML, gr.Markdown]:
    """The column that shows a computation: its matrices, its numbers, and the caption under them."""
    with gr.Column(scale=3):
        shown, numbers = gr.HTML(elem_id=elem_id), gr.Markdown(elem_id=f"{elem_id}-text")
        gr.Markdown(caption)
    return shown, numbers


def build(app: gr.Blocks) -> None:
    gr.Markdown("### A convolution is a matrix: vec(x ⋆ u) = U · v(x)")
    with gr.Row():
        with gr.Column(scale=1, min_width=260):
            x_box = gr.Textbox(X_TEXT, lines=4, label="input x (one row per line)", elem_id="blk-x")
            u_box = gr.Textbox(U_TEXT, lines=3, label="kernel u", elem_id="blk-u")
            stride, padding = _stride_and_padding()
            cell = gr.Dropdown(["0, 0", "0, 1", "1, 0", "1, 1"], value="0, 0", label="output cell to explain",
                               elem_id="blk-cell")
            conv_go = gr.Button("compute", variant="primary", elem_id="blk-conv-go")
        conv_html, conv_text = _result("blk-conv", CONV_CAPTION)
    gr.Markdown("### A transposed convolution multiplies by Uᵀ: small input, larger output")
    with gr.Row():
        with gr.Column(scale=1, min_width=260):
            v_box = gr.Textbox(V_TEXT, lines=2, label="input v", elem_id="blk-v")
            t_stride, t_padding = _stride_and_padding()
            t_go = gr.Button("compute", variant="primary", elem_id="blk-transposed-go")
        t_html, t_text = _result("blk-transposed", TRANSPOSED_CAPTION)
    gr.Markdown("### The DCGAN generator, layer by layer: noise → 7×7 → 14×14 → 28×28")
    with gr.Row():
        with gr.Column(scale=2):
            arch = gr.Radio([("DCGAN (lecture guidelines)", "dcgan"), ("lecture notebook (seed004)", "seed004")],
                            value="dcgan", label="generator")
            g_html = gr.HTML(elem_id="blk-generator")
        with gr.Column(scale=1):
            gr.Markdown("**DCGAN guidelines**\n\n" + "\n".join(f"- {g}" for g in GUIDELINES))

    def on_conv(x, u, s, p, c):
        try:
            html_out, text, names = convolution_view(x, u, s, p, c)
            return html_out, text, gr.Dropdown(choices=names, value=c if c in names else names[0])
        except GanlabError as exc:
            return gr.skip(), f"⚠ {exc}", gr.skip()

    def on_transposed(v, u, s, p):
        try:
            return transposed_view(v, u, s, p)
        except GanlabError as exc:
            return gr.skip(), f"⚠ {exc}"

    conv_inputs = [x_box, u_box, stride, padding, cell]
    gr.on([conv_go.click, x_box.blur, u_box.blur, stride.change, padding.change, cell.input, app.load], on_conv, conv_inputs,
          [conv_html, conv_text, cell], api_visibility="private", show_progress="hidden")
    gr.on([t_go.click, v_box.blur, u_box.blur, t_stride.change, t_padding.change, app.load], on_transposed,
          [v_box, u_box, t_stride, t_padding], [t_html, t_text], api_visibility="private", show_progress="hidden")
    gr.on([arch.change, app.load], generator_html, [arch], [g_html], api_visibility="private")
