"""Toy runs as safetensors files: a ``ToyExperiment`` saved with its optimiser state, and rebuilt."""
from __future__ import annotations

import json
import os

from ganlab.errors import GanlabError
from ganlab.toy.config import ToyConfig
from ganlab.toy.experiment import ToyExperiment
from ganlab.training.checkpoints import FORMAT_TOY, read_checkpoint, restore_trainer, save_trainer


def save_toy(path: str | os.PathLike, experiment, notes: dict | None = None) -> None:
    """Save a ``ToyExperiment`` (config, networks, optimiser state, step)."""
    save_trainer(path, experiment.trainer, experiment.config, FORMAT_TOY, notes)


def load_toy(path: str | os.PathLike, device: str = "auto"):
    """Rebuild the ``ToyExperiment`` saved at ``path``, ready to evaluate or keep training."""
    tensors, meta = read_checkpoint(path, FORMAT_TOY)
    try:
        config = ToyConfig.from_dict(json.loads(meta["config"]))
    except (json.JSONDecodeError, TypeError) as exc:
        raise GanlabError(f"the config stored in {os.path.basename(str(path))} is unreadable ({exc})") from None
    experiment = ToyExperiment(config, device)
    restore_trainer(experiment.trainer, tensors, meta, os.path.basename(str(path)))
    return experiment
