"""Measurements of a generator: mode coverage (``modes``) and toy-run summaries (``toy``)."""
from ganlab.metrics.modes import ModeCoverage, mode_coverage
from ganlab.metrics.toy import evaluate_toy_samples

__all__ = ["ModeCoverage", "evaluate_toy_samples", "mode_coverage"]
