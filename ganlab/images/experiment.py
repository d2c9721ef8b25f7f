"""Image GANs: an ``ImageConfig`` turned into data on the device, networks and the shared ``Trainer``.

The same objectives, Lipschitz methods and trainer as the toy GANs; only the data (uint8 images
held on the training device, scaled per batch) and the networks (DCGAN, the notebook's
``seed004``, or an MLP GAN) differ.
"""
from __future__ import annotations

import time

import numpy as np
import torch
from torch import nn

from ganlab.errors import GanlabError
from ganlab.images.config import NUM_CLASSES, ImageConfig
from ganlab.images.data import load_images
from ganlab.models import MLP, dcgan_discriminator, dcgan_generator, seed004_discriminator, seed004_generator
from ganlab.models.conditional import ConditionalGenerator, ProjectionDiscriminator
from ganlab.training.cost import StepCost, step_cost
from ganlab.training.device import autocast_dtype, pick_device
from ganlab.training.lipschitz import PENALTIES
from ganlab.training.distributed import World, agree, broadcast_parameters, gradient_averager, use_global_batch_norm
from ganlab.training.priors import Prior
from ganlab.training.seeding import seeded
from ganlab.training.trainer import StepRecord, Trainer

SAMPLE_CHUNK = 4096  # generated images per forward pass when measuring many
STACKED_PRDC_SAMPLES = 5000  # StackedMNIST: precision and recall on this many of the (26,000) samples


def build_image_networks(config: ImageConfig) -> tuple[nn.Module, nn.Module]:
    """G and D for ``config`` (a critic without batch norm when the gradient penalty is used).

    Conditional: G's input widens by one entry per class and D becomes a projection discriminator.
    """
    critic = config.lipschitz_method in ("gp", "r1", "r1r2")  # zero-centred penalties and batch norm do not mix
    inputs = config.latent + (NUM_CLASSES if config.conditional else 0)
    with seeded(config.seed):
        c = config.channels
        m = config.pack  # D sees packs of m images: m × c channels
        if config.arch == "dcgan":
            g = dcgan_generator(inputs, config.width, channels=c)
            d = dcgan_discriminator(config.d_width or config.width, channels=c * m, critic=critic)
        elif config.arch == "seed004":
            g, d = seed004_generator(inputs, channels=c), seed004_discriminator(channels=c * m)
        else:
            g = nn.Sequential(MLP(inputs, 784 * c, 4 * config.width, 2, "leaky_relu"), nn.Tanh(),
                              nn.Unflatten(1, (c, 28, 28)))
            mlp = MLP(784 * c * m, 1, 4 * (config.d_width or config.width), 2, "leaky_relu")
            # conditional: the MLP's parts laid out flat, so that its last layer is D's linear head
            d = nn.Sequential(nn.Flatten(), *(mlp.children() if config.conditional else [mlp]))
        if config.conditional:
            g, d = ConditionalGenerator(g, config.latent, NUM_CLASSES), ProjectionDiscriminator(d, NUM_CLASSES)
    return g, d


def image_cost(config: ImageConfig) -> StepCost:
    """What one training step of ``config`` will cost (``training.cost``), before anything is built."""
    return step_cost(lambda: build_image_networks(config), config.latent, (config.channels, 28, 28), config.batch,
                     config.n_critic, config.pack, config.lipschitz_method in PENALTIES, config.conditional)


class ImageExperiment:
    """Config + dataset on the device + trainer; ``evaluate`` uses the shipped classifier."""

    def __init__(self, config: ImageConfig, device: str | torch.device = "auto", full_data: bool | None = None,
                 world: World | None = None, sync_bn: bool = False, channels_last: bool | None = None):
        """``world``: this process's rank in a torchrun job (``distributed.join``); it trains on its
        shard of the data with batch ``config.batch / world.size``, gradients averaged over the ranks.
        ``sync_bn``: batch norm over the global batch (``distributed.GlobalBatchNorm2d``).
        ``channels_last``: convolution kernels and images laid out channels-last (None: on a CPU, for
        the convolutional networks); the numbers are the same either way, only the speed differs."""
        self.config = config
        self.world = world = world or World()
        if config.batch % world.size:
            raise GanlabError(f"the global batch ({config.batch}) must divide evenly among {world.size} processes")
        self.device = pick_device(device) if isinstance(device, str) else device
        self.dataset = load_images(config.data, full_data).shard(world.rank, world.size).to(self.device)
        self.prior = Prior("gaussian", config.latent)
        g, d = build_image_networks(config)
        if sync_bn:
            g, d = use_global_batch_norm(g), use_global_batch_norm(d)
        ds = self.dataset
        sampler = ds.sample if config.conditional else (lambda n, gen: ds.sample(n, gen)[0])
        self.trainer = Trainer(g, d, sampler, self.prior, config.replace(batch=config.batch // world.size), self.device,
                               autocast=autocast_dtype(config.precision, self.device),
                               num_classes=NUM_CLASSES if config.conditional else 0,
                               channels_last=(config.arch != "mlp" and self.device.type == "cpu"
                                              if channels_last is None else channels_last), share_fakes=True,
                               grad_sync=gradient_averager(world), rng_offset=world.seed_offset())
        broadcast_parameters(self.trainer.generator, world)
        broadcast_parameters(self.trainer.discriminator, world)
        self.seconds = 0.0
        self._classifier: nn.Module | None = None  # loaded from pretrained/ on first evaluate
        self._channel_accuracy: list[float] | None = None  # StackedMNIST: the classifier's, per channel
        self._real_radii: dict = {}  # the held-out images' k-NN radii in feature space, by (n, k)

    @property
    def step(self) -> int:
        return self.trainer.step_count

    def train(self, steps: int | None = None, seconds: float | None = None, decay: bool = False) -> StepRecord | None:
        """Train for ``steps`` iterations or ``seconds`` of wall time.

        With ``decay`` and a time budget, learning rates fall linearly to 0 by the end: every 20 steps
        the last step is re-estimated as T = t + rate · (time left), with the rate measured so far.
        In a torchrun job rank 0's clock decides for every rank, every 20 steps: all ranks must stop
        after the same step, since every step all-reduces gradients.
        """
        record, start, first = None, time.perf_counter(), self.step
        spent = False  # rank 0's verdict on the time budget (a single process asks its clock every step)
        while (steps is None or self.step < steps) and not spent:
            if seconds is not None and not self.world.distributed:
                spent = time.perf_counter() - start >= seconds
                if spent:
                    break
            record = self.trainer.step()
            if seconds is not None and (self.step - first) % 20 == 0:
                elapsed = time.perf_counter() - start
                horizon = self.step + 1 + int(max(0.0, seconds - elapsed) * (self.step - first) / elapsed)
                over, horizon = agree([float(elapsed >= seconds), float(horizon)], self.world)
                spent = self.world.distributed and over > 0
                if decay and steps is None:
                    self.trainer.update_settings(self.trainer.settings.replace(lr_decay_steps=int(horizon)))
            if steps is None and seconds is None:
                break
        self.seconds += time.perf_counter() - start
        return record

    @torch.no_grad()
    def samples(self, n: int, seed: int = 1234) -> torch.Tensor:
        """n generated images (n, C, 28, 28) in [−1, 1] for fixed z (passed through G a few thousand at a
        time when there are many, e.g. StackedMNIST's 26,000)."""
        if self.config.ema > 0:  # the EMA copy needs batch-norm statistics of its own weights
            self.trainer.recalibrate_ema()
        gen = torch.Generator(device=self.device).manual_seed(seed)
        if n <= SAMPLE_CHUNK or self.config.conditional:
            return self.trainer.generate(n, gen).float()
        z = self.prior.sample(n, gen, self.device)
        return torch.cat([self.trainer.generate(len(part), z=part).float() for part in z.split(SAMPLE_CHUNK)])

    def evaluate(self, n: int = 1000, seed: int = 1234) -> dict:
        """Classifier metrics of n samples against the held-out images (see ``metrics.images``); for
        StackedMNIST the mode count of ``metrics.stacked``, with real images from the held-out digits."""
        from ganlab.images.classifiers import load_classifier
        from ganlab.images.data import to_float
        from ganlab.metrics.images import image_metrics

        stacked = self.dataset.stack > 1
        if self._classifier is None:  # once per experiment: the live tab measures every few seconds
            self._classifier = load_classifier("mnist" if stacked else self.config.data).to(self.device)
        if stacked:  # the classifier's accuracy per channel is measured once, on 1,000 held-out images
            from ganlab.metrics.stacked import channel_accuracy, stacked_mnist_metrics

            if self._channel_accuracy is None:
                gen = torch.Generator(device=self.device).manual_seed(seed + 1)
                self._channel_accuracy = channel_accuracy(self._classifier, *self.dataset.sample(1000, gen, split="test"))
            fake = self.samples(n, seed)
            return {**stacked_mnist_metrics(self._classifier, fake, None, None, self._channel_accuracy),
                    **self._stacked_quality(fake[:STACKED_PRDC_SAMPLES], seed)}
        real = to_float(self.dataset.test_images[:n])
        return image_metrics(self._classifier, self.samples(n, seed), real, self._real_radii)

    def _stacked_quality(self, fake: torch.Tensor, seed: int) -> dict:
        """Precision, recall, density and coverage of StackedMNIST fakes against as many held-out stacked
        images (drawn once per size, from ``seed`` + 2), on the classifier's three channels' features."""
        from ganlab.metrics.prdc import split_quality
        from ganlab.metrics.stacked import channel_features

        n = len(fake)
        if ("real", n) not in self._real_radii:
            gen = torch.Generator(device=self.device).manual_seed(seed + 2)
            real, _ = self.dataset.sample(n, gen, split="test")
            self._real_radii = {("real", n): channel_features(self._classifier, real)}
        real_features = self._real_radii[("real", n)]
        return split_quality(real_features, channel_features(self._classifier, fake), self._real_radii)


def image_grid(images: torch.Tensor, columns: int = 8, pad: int = 2) -> np.ndarray:
    """Images in [−1, 1] (N, C, 28, 28) tiled into one uint8 array with ``pad`` pixels between tiles:
    (H, W) for one channel, (H, W, 3) for three (StackedMNIST's digits as R, G, B)."""
    x = ((images.detach().float().cpu().clamp(-1, 1) + 1) * 127.5).round().to(torch.uint8).numpy()
    x = x[:, 0] if x.shape[1] == 1 else x.transpose(0, 2, 3, 1)
    n, h, w = x.shape[:3]
    rows = -(-n // columns)
    grid = np.full((rows * (h + pad) + pad, columns * (w + pad) + pad, *x.shape[3:]), 255, dtype=np.uint8)
    for i in range(n):
        r, c = divmod(i, columns)
        grid[pad + r * (h + pad):pad + r * (h + pad) + h, pad + c * (w + pad):pad + c * (w + pad) + w] = x[i]
    return grid
