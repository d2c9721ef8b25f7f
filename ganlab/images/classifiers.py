"""The metric classifiers: trained on the real data, shipped as pretrained/classifier-<data>.safetensors."""
from __future__ import annotations

import json
import os
import time

import torch
import torch.nn.functional as F
from safetensors.torch import save_file

from ganlab.errors import GanlabError
from ganlab.images.data import load_images, to_float
from ganlab.images.locations import PRETRAINED
from ganlab.models.classifier import Classifier
from ganlab.training.checkpoints import read_checkpoint
from ganlab.training.seeding import seeded

FORMAT = "ganlab-classifier-v1"


def classifier_path(data: str) -> str:
    return os.path.join(PRETRAINED, f"classifier-{data}.safetensors")


@torch.no_grad()
def accuracy(model: Classifier, images: torch.Tensor, labels: torch.Tensor) -> float:
    model.eval()
    correct = sum(int((model(to_float(images[i:i + 1000])).argmax(1) == labels[i:i + 1000].long()).sum())
                  for i in range(0, len(images), 1000))
    return correct / len(images)


def train_classifier(data: str, epochs: int = 3, seed: int = 0, full: bool | None = None) -> tuple[Classifier, dict]:
    """Train the classifier on ``data``'s training split; returns it and a card (accuracy, data, time)."""
    ds = load_images(data, full)
    with seeded(seed):
        model = Classifier()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    g = torch.Generator().manual_seed(seed)
    start = time.perf_counter()
    for _ in range(epochs):
        model.train()
        order = torch.randperm(len(ds.train_images), generator=g)
        for i in range(0, len(order), 128):
            idx = order[i:i + 128]
            loss = F.cross_entropy(model(to_float(ds.train_images[idx])), ds.train_labels[idx].long())
            opt.zero_grad()
            loss.backward()
            opt.step()
    card = {"data": data, "source": ds.describe(), "epochs": epochs, "seed": seed,
            "train_seconds": round(time.perf_counter() - start, 1),
            "test_accuracy": round(accuracy(model, ds.test_images, ds.test_labels), 4)}
    return model, card


def save_classifier(model: Classifier, card: dict, path: str) -> None:
    save_file({k: v.contiguous() for k, v in model.state_dict().items()}, path,
              metadata={"ganlab_format": FORMAT, "config": json.dumps(card)})


def load_classifier(data: str) -> Classifier:
    """The shipped classifier for ``data`` (mnist or fashion)."""
    path = classifier_path(data)
    if not os.path.exists(path):
        raise GanlabError(f"no classifier for '{data}' in pretrained/ (python -m ganlab classifier --data {data})")
    tensors, _ = read_checkpoint(path, FORMAT)
    with torch.device("meta"):  # no initialisation: it would draw from torch's global RNG (``training.seeding``)
        model = Classifier()
    model.load_state_dict(tensors, assign=True)
    return model.eval()
