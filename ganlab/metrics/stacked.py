"""StackedMNIST's mode count (VEEGAN, PacGAN, R3GAN): 1000 modes, one per triple of digits.

A generated image has three channels; the pretrained MNIST classifier labels each channel as a
digit, and the image falls into mode 100 d_R + 10 d_G + d_B. Over n samples (the papers: 26,000):

    modes covered = #{k : n_k > 0}   (of 1000),
    reverse KL    = KL(p̂ ‖ U) = Σ_k p̂_k log(1000 p̂_k),   p̂_k = n_k / n,

0 for a perfectly even spread, log 1000 = 6.91 for a single mode. The classifier's own accuracy on
each channel of real StackedMNIST images caps what can be counted, so it is reported beside them.

Quality and diversity apart (``metrics.prdc``) use the classifier's 128-d features of the three
channels side by side, 384 numbers per image: a collapse keeps precision high while recall falls.
"""
from __future__ import annotations

import math

import torch

STACKED = 3  # StackedMNIST: three independent MNIST digits as the R, G and B channels

MODES = 10 ** STACKED


@torch.no_grad()
def channel_digits(classifier: torch.nn.Module, images: torch.Tensor, batch: int = 2000) -> torch.Tensor:
    """(n, 3) digits the classifier reads in each channel of images (n, 3, 28, 28) in [−1, 1]."""
    classifier.eval()
    out = []
    for i in range(0, len(images), batch):
        chunk = images[i:i + batch]
        logits = classifier(chunk.reshape(-1, 1, *chunk.shape[2:]))
        out.append(logits.argmax(1).reshape(len(chunk), -1).cpu())
    return torch.cat(out)


@torch.no_grad()
def channel_features(classifier: torch.nn.Module, images: torch.Tensor, batch: int = 2000) -> torch.Tensor:
    """(n, 3 × 128) penultimate features of each channel of images (n, 3, 28, 28), side by side."""
    classifier.eval()
    out = []
    for i in range(0, len(images), batch):
        chunk = images[i:i + batch].float()
        out.append(classifier.features(chunk.reshape(-1, 1, *chunk.shape[2:])).reshape(len(chunk), -1).cpu())
    return torch.cat(out)


def modes_of(digits: torch.Tensor) -> torch.Tensor:
    """Mode 100 d_R + 10 d_G + d_B of each row of (n, 3) digits."""
    return sum(digits[:, c] * 10 ** (digits.shape[1] - 1 - c) for c in range(digits.shape[1]))


def channel_accuracy(classifier: torch.nn.Module, real: torch.Tensor, real_modes: torch.Tensor) -> list[float]:
    """The classifier's accuracy on each channel of real StackedMNIST images whose modes are known."""
    read = channel_digits(classifier, real)
    truth = torch.stack([(real_modes.cpu() // 10 ** (STACKED - 1 - c)) % 10 for c in range(STACKED)], dim=1)
    return [round(float(a), 4) for a in (read == truth).double().mean(0)]


def stacked_mnist_metrics(classifier: torch.nn.Module, fake: torch.Tensor, real: torch.Tensor,
                          real_modes: torch.Tensor, accuracy: list[float] | None = None) -> dict:
    """modes_covered (of 1000), mode_kl = KL(p̂ ‖ uniform) and the histogram of the generated
    ``fake``; channel_accuracy: the classifier's accuracy per channel on ``real`` (whose true modes
    are ``real_modes``), or ``accuracy`` when it was measured before."""
    counts = torch.bincount(modes_of(channel_digits(classifier, fake)), minlength=MODES).double()
    p = counts / counts.sum()
    nonzero = p > 0
    kl = float((p[nonzero] * torch.log(MODES * p[nonzero])).sum())
    return {"modes_covered": int(nonzero.sum()), "modes_total": MODES, "mode_kl": kl, "mode_kl_max": math.log(MODES),
            "channel_accuracy": accuracy if accuracy is not None else channel_accuracy(classifier, real, real_modes),
            "mode_histogram": counts.long().tolist(), "samples": len(fake)}
