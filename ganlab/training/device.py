"""Where training runs (CPU or CUDA) and in what precision."""
from __future__ import annotations

import functools
import os

import torch

from ganlab.errors import GanlabError


def pick_device(name: str = "auto") -> torch.device:
    """``auto`` → CUDA when present, else CPU; ``cpu``/``cuda``/``cuda:N`` as given."""
    if name == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if name.startswith("cuda") and not torch.cuda.is_available():
        raise GanlabError("CUDA was asked for but no CUDA device is available here; use --device cpu")
    try:
        return torch.device(name)
    except RuntimeError:
        raise GanlabError(f"unknown device '{name}'; use auto, cpu or cuda") from None


@functools.cache
def _cpu_flags() -> set[str]:
    """The CPU's feature flags from ``/proc/cpuinfo`` (empty where there is none)."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            line = next((line for line in f if line.startswith("flags")), "")
    except OSError:
        return set()
    return set(line.partition(":")[2].split())


def cpu_has_fast_bf16() -> bool:
    """True when the CPU multiplies bfloat16 matrices natively (AVX512-BF16 or AMX)."""
    return bool({"avx512_bf16", "amx_bf16"} & _cpu_flags())


BF16_MIN_WIDTH_CPU = 256  # below this, casts cost more than bf16 matmuls save (measured: 64 → slower)


def _bf16_if(precision: str, device: torch.device, pays_off_on_cpu: bool) -> torch.dtype | None:
    """fp32 → None; bf16 → bfloat16; auto → bfloat16 on CUDA that supports it, and on a CPU with
    native bf16 instructions when ``pays_off_on_cpu``."""
    if precision == "fp32":
        return None
    if precision == "bf16":
        return torch.bfloat16
    if device.type == "cuda":
        return torch.bfloat16 if torch.cuda.is_bf16_supported() else None
    return torch.bfloat16 if pays_off_on_cpu and cpu_has_fast_bf16() else None


def hidden_dtype(precision: str, device: torch.device, width: int = BF16_MIN_WIDTH_CPU) -> torch.dtype | None:
    """The dtype for an MLP's hidden layers: None (float32) or bfloat16.

    ``auto`` picks bfloat16 on CPUs with native bf16 matrix instructions only for layers at least
    ``BF16_MIN_WIDTH_CPU`` wide (there a bf16 matmul takes about half the time; at width 64 the
    casts make it slower than float32).
    """
    return _bf16_if(precision, device, width >= BF16_MIN_WIDTH_CPU)


def autocast_dtype(precision: str, device: torch.device) -> torch.dtype | None:
    """The autocast dtype for convolutional networks (a seed004 step: 1505 → 885 ms on this CPU)."""
    return _bf16_if(precision, device, True)


def device_description(device: torch.device) -> str:
    """'CPU (2 cores)' or the CUDA device's name."""
    if device.type == "cuda":
        return torch.cuda.get_device_name(device)
    return f"CPU ({os.cpu_count()} cores, {torch.get_num_threads()} torch threads)"


def cpu_model() -> str:
    """The CPU's model name as the operating system reports it (``/proc/cpuinfo``), or the platform's."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    import platform

    return platform.processor() or platform.machine()


def machine_description() -> dict:
    """What a speed figure was measured on: CPU model, native bf16 / AMX, torch threads, torch version."""
    return {"cpu": cpu_model(), "cores": os.cpu_count(), "bf16": cpu_has_fast_bf16(), "amx": "amx_tile" in _cpu_flags(),
            "torch_threads": torch.get_num_threads(), "torch": torch.__version__}



def machine_line() -> str:
    """``machine_description`` as one line under a table of speed figures."""
    m = machine_description()
    return (f"machine: {m['cpu']}, {m['cores']} cores, native bf16 {'yes' if m['bf16'] else 'no'}, "
            f"AMX {'yes' if m['amx'] else 'no'}, {m['torch_threads']} torch threads, torch {m['torch']}")
