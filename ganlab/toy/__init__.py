"""The toy wing: 2D data, ``ToyConfig``, experiments, the live run with its fields (D's surface, the
generator's gradients and manifold), lecture presets, the optimal discriminator, evaluation and
saved runs. Built on ``ganlab.training``; never imports the image wing."""
