"""The training core both wings share: settings, the alternating-SGD ``Trainer``, the objectives and
Lipschitz methods (penalties), packing, hand-written backpropagation, flat optimisers, EMA,
augmentation, latent priors, devices, torchrun, and checkpoints. Imports nothing from the wings."""
