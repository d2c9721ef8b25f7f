"""Checkpoints as safetensors: weights (and optimiser state) plus the full config in the metadata.

A file holds tensors named ``generator.*``, ``discriminator.*`` and, when saved for resuming,
``opt_g.*`` / ``opt_d.*``; its metadata holds ``ganlab_format``, ``config`` (JSON), ``step`` and
free-form ``notes``. Loading never unpickles anything: safetensors is plain tensors + JSON.
"""
from __future__ import annotations

import json
import os
from typing import Any

import torch
from safetensors import SafetensorError
from safetensors.torch import load_file, save_file

from ganlab.errors import GanlabError

FORMAT_TOY = "ganlab-toy-v1"
MAX_CHECKPOINT_BYTES = 64 * 2**20  # uploads larger than this are refused before they are read


def _flatten_optimizer(prefix: str, state: dict) -> tuple[dict[str, torch.Tensor], dict]:
    """Split an optimiser state_dict into tensors and a JSON-able remainder."""
    tensors: dict[str, torch.Tensor] = {}
    scalars: dict[str, dict[str, Any]] = {}
    for idx, per_param in state["state"].items():
        for key, value in per_param.items():
            if torch.is_tensor(value):
                tensors[f"{prefix}.{idx}.{key}"] = value.detach().cpu().contiguous()
            else:
                scalars.setdefault(str(idx), {})[key] = value
    return tensors, {"param_groups": state["param_groups"], "scalars": scalars}


def _unflatten_optimizer(prefix: str, tensors: dict[str, torch.Tensor], meta: dict) -> dict:
    state: dict[int, dict[str, Any]] = {}
    for name, value in tensors.items():
        if name.startswith(prefix + "."):
            idx, key = name[len(prefix) + 1:].split(".", 1)
            state.setdefault(int(idx), {})[key] = value
    for idx, values in meta.get("scalars", {}).items():
        state.setdefault(int(idx), {}).update(values)
    return {"state": state, "param_groups": meta["param_groups"]}


def save_trainer(path: str | os.PathLike, trainer, config, fmt: str = FORMAT_TOY,
                 notes: dict | None = None, with_optimizer: bool = True) -> None:
    """Write ``trainer``'s networks (and optimiser state) with ``config`` in the metadata."""
    tensors = {f"generator.{k}": v.detach().cpu().contiguous() for k, v in trainer.generator.state_dict().items()}
    tensors.update({f"discriminator.{k}": v.detach().cpu().contiguous()
                    for k, v in trainer.discriminator.state_dict().items()})
    if trainer.generator_ema is not None:
        tensors.update({f"generator_ema.{k}": v.detach().cpu().contiguous()
                        for k, v in trainer.generator_ema.state_dict().items()})
    meta: dict[str, str] = {"ganlab_format": fmt, "config": config.to_json(), "step": str(trainer.step_count),
                            "notes": json.dumps(notes or {})}
    if with_optimizer:
        for name, opt in (("opt_g", trainer.opt_g), ("opt_d", trainer.opt_d)):
            t, m = _flatten_optimizer(name, opt.state_dict())
            tensors.update(t)
            meta[name] = json.dumps(m)
    save_file(tensors, str(path), metadata=meta)


def read_checkpoint(path: str | os.PathLike, expected_format: str | None = None) -> tuple[dict[str, torch.Tensor], dict[str, str]]:
    """(tensors, metadata) of a ganlab safetensors file, or a one-line ``GanlabError``."""
    from safetensors import safe_open

    name = os.path.basename(str(path))
    if os.path.isfile(path) and os.path.getsize(path) > MAX_CHECKPOINT_BYTES:
        raise GanlabError(f"{name} is {os.path.getsize(path) / 2**20:.0f} MB; checkpoints over "
                          f"{MAX_CHECKPOINT_BYTES // 2**20} MB are not loaded")
    try:
        with safe_open(str(path), framework="pt") as f:
            meta = f.metadata() or {}
        tensors = load_file(str(path))
    except FileNotFoundError:
        raise GanlabError(f"no such checkpoint: {name}") from None
    except (SafetensorError, OSError, ValueError, RuntimeError) as exc:
        raise GanlabError(f"{name} is not a valid safetensors checkpoint ({str(exc).splitlines()[0][:120]})") from None
    fmt = meta.get("ganlab_format")
    if fmt is None or "config" not in meta:
        raise GanlabError(f"{name} is a safetensors file but not a ganlab checkpoint (no ganlab config in its metadata)")
    if expected_format is not None and fmt != expected_format:
        raise GanlabError(f"{name} holds a '{fmt}' model, not a '{expected_format}' one")
    return tensors, meta


def split_prefix(tensors: dict[str, torch.Tensor], prefix: str) -> dict[str, torch.Tensor]:
    """The tensors under ``prefix.``, with the prefix removed."""
    n = len(prefix) + 1
    return {k[n:]: v for k, v in tensors.items() if k.startswith(prefix + ".")}


def restore_trainer(trainer, tensors: dict[str, torch.Tensor], meta: dict[str, str], name: str = "checkpoint") -> None:
    """Load networks (and optimiser state when present) into ``trainer``; shape mismatches → GanlabError."""
    try:
        trainer.generator.load_state_dict(split_prefix(tensors, "generator"))
        trainer.discriminator.load_state_dict(split_prefix(tensors, "discriminator"))
        if trainer.generator_ema is not None:
            ema = split_prefix(tensors, "generator_ema")
            trainer.generator_ema.load_state_dict(ema or split_prefix(tensors, "generator"))
        for key, opt in (("opt_g", trainer.opt_g), ("opt_d", trainer.opt_d)):
            if key in meta:
                opt.load_state_dict(_unflatten_optimizer(key, tensors, json.loads(meta[key])))
    except (RuntimeError, KeyError, ValueError) as exc:
        raise GanlabError(f"{name} does not fit this model: {str(exc).splitlines()[0][:160]}") from None
    trainer.step_count = int(meta.get("step", 0))
    trainer.snapshot()
