"""A small CNN classifier for 28 × 28 images; its penultimate layer gives the features for the Fréchet distance."""
from __future__ import annotations

import torch
from torch import nn


class Classifier(nn.Module):
    """conv(32) → pool → conv(64) → pool → Linear(3136 → 128) = features → ReLU → Linear(128 → 10)."""

    def __init__(self, classes: int = 10):
        super().__init__()
        self.body = nn.Sequential(
            nn.Conv2d(1, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Flatten(), nn.Linear(64 * 7 * 7, 128))
        self.head = nn.Sequential(nn.ReLU(), nn.Linear(128, classes))

    def features(self, x: torch.Tensor) -> torch.Tensor:
        """Penultimate features (N, 128) of images in [−1, 1], shape (N, 1, 28, 28)."""
        return self.body(x)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.body(x))
