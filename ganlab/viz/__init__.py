"""What the UI draws, as pure functions (data in, figure or frame out). They never train.

``live``: the frames of the live views (drawn in the page on canvases); ``raster``: the same view as
pixels for GIFs; ``compare``, ``transport``, ``images``: Plotly figures and pictures of the other tabs.
"""
from ganlab.viz.panels import LAYERS, bars_panel, image_charts, layered_view, pair_charts, toy_charts

__all__ = ["LAYERS", "bars_panel", "image_charts", "layered_view", "pair_charts", "toy_charts"]
