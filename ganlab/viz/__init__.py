"""Plotly figure builders: pure functions, data in, figure out. They never train."""
from ganlab.viz.charts import history_figure, mode_bars
from ganlab.viz.layered import LAYERS, layered_figure

__all__ = ["LAYERS", "history_figure", "layered_figure", "mode_bars"]
