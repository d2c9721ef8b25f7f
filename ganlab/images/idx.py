"""Reader for the IDX format of the original MNIST / Fashion-MNIST files (optionally gzipped)."""
from __future__ import annotations

import gzip
import os

import numpy as np

from ganlab.errors import GanlabError

_DTYPES = {0x08: np.uint8, 0x09: np.int8, 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}


def read_idx(path: str | os.PathLike) -> np.ndarray:
    """The array stored in an IDX file: magic (0, 0, dtype, ndim), ndim big-endian int32 sizes, data."""
    opener = gzip.open if str(path).endswith(".gz") else open
    try:
        with opener(path, "rb") as f:
            raw = f.read()
    except (OSError, EOFError) as exc:
        raise GanlabError(f"cannot read {os.path.basename(str(path))}: {exc}") from None
    if len(raw) < 4 or raw[0] != 0 or raw[1] != 0 or raw[2] not in _DTYPES:
        raise GanlabError(f"{os.path.basename(str(path))} is not an IDX file")
    ndim = raw[3]
    dims = np.frombuffer(raw, dtype=">i4", count=ndim, offset=4)
    dtype = np.dtype(_DTYPES[raw[2]])
    count = int(np.prod(dims)) if ndim else 1
    offset = 4 + 4 * ndim
    if len(raw) < offset + count * dtype.itemsize:
        raise GanlabError(f"{os.path.basename(str(path))} is truncated")
    return np.frombuffer(raw, dtype=dtype, count=count, offset=offset).reshape(tuple(int(d) for d in dims))
