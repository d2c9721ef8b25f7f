"""ganlab: a laboratory for generative adversarial networks.

The package is a house with three wings on one foundation:

- ``ganlab.maths``: the lectures' own mathematics (divergences, convolution as a matrix);
- ``ganlab.training``, ``ganlab.models``, ``ganlab.metrics``: the foundation both wings share, i.e. the
  alternating-SGD trainer, objectives, penalties, optimisers, the networks, and measurements;
- ``ganlab.toy``: toy 2D GANs (data, experiments, live fields, presets, the optimal discriminator);
- ``ganlab.images``: image GANs (MNIST data, DCGAN experiments, classifiers, pretrained generators,
  the latent space);
- on top: ``ganlab.viz`` (pictures), ``ganlab.ui`` (the Gradio app), ``ganlab.cli`` and
  ``ganlab.bench``.

A module imports only from its own floor or below, and the two wings never import each other
(``tests/test_layout.py`` checks this).
"""
from __future__ import annotations

import importlib
import importlib.abc
import importlib.util
import sys

# Import paths the README showed before the package was regrouped into wings (notebooks use them),
# each mapped to the module that now holds what the README imported from it.
MOVED = {
    "ganlab.presets": "ganlab.toy.presets",
    "ganlab.experiment": "ganlab.toy.experiment",
    "ganlab.divergences": "ganlab.maths.divergences",
    "ganlab.latent": "ganlab.images.latent",
    "ganlab.checkpoints": "ganlab.images.pretrained",  # load_generator
}


class _MovedModules(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Answers an import of an old path with the module that moved (the same object, not a copy)."""

    def find_spec(self, name, path=None, target=None):
        return importlib.util.spec_from_loader(name, self) if name in MOVED else None

    def create_module(self, spec):
        return importlib.import_module(MOVED[spec.name])

    def exec_module(self, module) -> None:
        pass


if not any(isinstance(finder, _MovedModules) for finder in sys.meta_path):
    sys.meta_path.append(_MovedModules())
