"""Where training runs (CPU or CUDA) and in what precision."""
from __future__ import annotations

import functools

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
def cpu_has_fast_bf16() -> bool:
    """True when the CPU multiplies bfloat16 matrices natively (AVX512-BF16 or AMX)."""
    try:
        with open("/proc/cpuinfo") as f:
            flags = f.read()
    except OSError:
        return False
    return "avx512_bf16" in flags or "amx_bf16" in flags


BF16_MIN_WIDTH_CPU = 256  # below this, casts cost more than bf16 matmuls save (measured: 64 → slower)


def hidden_dtype(precision: str, device: torch.device, width: int = BF16_MIN_WIDTH_CPU) -> torch.dtype | None:
    """The dtype for hidden layers: None (float32) or torch.bfloat16.

    ``auto`` chooses bfloat16 on CUDA devices that support it, and on CPUs with native bf16
    matrix instructions when layers are at least ``BF16_MIN_WIDTH_CPU`` wide (there a bf16
    matmul takes about half the time; at width 64 the casts make it slower than float32).
    """
    if precision == "fp32":
        return None
    if precision == "bf16":
        return torch.bfloat16
    if device.type == "cuda":
        return torch.bfloat16 if torch.cuda.is_bf16_supported() else None
    return torch.bfloat16 if cpu_has_fast_bf16() and width >= BF16_MIN_WIDTH_CPU else None


def autocast_dtype(precision: str, device: torch.device) -> torch.dtype | None:
    """The autocast dtype for convolutional networks: bfloat16 when asked, or (``auto``) on CUDA with
    bf16 support and on CPUs with native bf16 instructions (a seed004 step: 1505 → 885 ms here)."""
    if precision == "fp32":
        return None
    if precision == "bf16":
        return torch.bfloat16
    if device.type == "cuda":
        return torch.bfloat16 if torch.cuda.is_bf16_supported() else None
    return torch.bfloat16 if cpu_has_fast_bf16() else None
