"""What the UI draws, as pure functions (data in, figure or frame out). They never train.

``panels``: the frames of the live views (drawn in the page on canvases); ``raster``: the same view
as pixels for GIFs; ``lanes``, ``dynamics``, ``compare``, ``transport``, ``images``: the chart panels
and pictures of the other tabs.
"""
from ganlab.viz.panels import LAYERS, bars_panel, image_charts, layered_view, toy_charts

__all__ = ["LAYERS", "bars_panel", "image_charts", "layered_view", "toy_charts"]
