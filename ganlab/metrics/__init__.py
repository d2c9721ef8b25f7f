"""Measurements of generated samples, free of any training: mode coverage (``modes``), the image
classifier's metrics and the Fréchet distance (``images``), StackedMNIST's 1000 modes (``stacked``).
The toy wing's summary of a run is ``ganlab.toy.evaluation``."""
from ganlab.metrics.modes import ModeCoverage, mode_coverage

__all__ = ["ModeCoverage", "mode_coverage"]
