"""glibc's malloc and a training loop: keep the memory a step frees for the next step.

Every training step allocates and frees the same activations and gradients. With glibc's default
settings a block above the (dynamic) mmap threshold comes from its own ``mmap`` and goes back to
the system when freed, and freed memory at the top of the heap is handed back once more than
M_TRIM_THRESHOLD of it is free. Either way the next step writes to fresh pages: one page fault per
4 KiB, which a virtual machine pays dearly for. Measured on the 2-core Intel Xeon VM (KVM, torch
2.13, float32, each loop in a fresh process): the seed004 step at batch 256 took 161,000 faults and
ran at 363 images/s, against 0 faults and 460 images/s with the settings below; the DCGAN at batch
64 took 2,700–8,000 faults a step (1,130–1,194 images/s) against about 20 (1,243–1,358).

``keep_freed_memory`` raises both thresholds for the whole process: blocks up to 256 MiB come from
the heap, and the heap keeps what it frees (up to 2 GiB) instead of trimming it, so a step reuses
the previous step's pages. The price is that the process's resident memory stays at its peak until
``return_freed_memory`` (glibc's ``malloc_trim``) or the end of the process. The command line uses
it for its one run; the app, which serves many sessions and must give memory back between them,
keeps its own policy (``ganlab.ui.capacity.tune_malloc``). Elsewhere than glibc both are no-ops.
"""
from __future__ import annotations

import ctypes

M_TRIM_THRESHOLD, M_MMAP_THRESHOLD, M_ARENA_MAX = -1, -3, -8  # glibc's mallopt parameters (malloc.h)
MMAP_THRESHOLD = 256 * 1024 * 1024
TRIM_THRESHOLD = 2 ** 31 - 1  # mallopt takes an int: the largest, about 2 GiB


def _libc():
    try:
        libc = ctypes.CDLL("libc.so.6")
        return libc if hasattr(libc, "mallopt") else None
    except OSError:
        return None


def keep_freed_memory(mmap_threshold: int = MMAP_THRESHOLD, trim_threshold: int = TRIM_THRESHOLD,
                      arenas: int | None = None) -> bool:
    """Serve blocks below ``mmap_threshold`` bytes from the heap and keep up to ``trim_threshold``
    bytes of freed heap for reuse (glibc's mallopt); with ``arenas``, use at most that many malloc
    arenas (M_ARENA_MAX). True when glibc took every setting."""
    libc = _libc()
    if libc is None:
        return False
    settings = ([(M_ARENA_MAX, arenas)] if arenas is not None else []) + [
        (M_MMAP_THRESHOLD, mmap_threshold), (M_TRIM_THRESHOLD, trim_threshold)]
    return all([bool(libc.mallopt(option, value)) for option, value in settings])  # a list: every call runs


def return_freed_memory() -> bool:
    """Hand the heap's free pages back to the system (glibc's malloc_trim); True when some were."""
    libc = _libc()
    return bool(libc.malloc_trim(0)) if libc is not None else False
