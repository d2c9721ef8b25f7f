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
(``tests/test_package_plan.py`` checks this).
"""
