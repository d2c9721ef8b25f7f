"""Convolution as a matrix, and transposed convolution as multiplication by its transpose.

A 2D convolution (cross-correlation, as PyTorch computes it) of an n_h × n_w input x with a
k_h × k_w kernel u, stride s and zero padding p is linear in x, so it is a matrix U:

    vec(x ⋆ u) = U · vec(x),   U ∈ R^{(m_h·m_w) × (n_h·n_w)},   m = ⌊(n + 2p − k)/s⌋ + 1.

Row r of U holds the kernel entries that multiply each input cell to give output cell r (cells
that fall in the padding are dropped, since they multiply zeros). The transposed convolution is
the adjoint: vec(y) ↦ Uᵀ · vec(y) maps an m_h × m_w input back to n_h × n_w, with
n = (m − 1)·s − 2p + k, and "stamps" the kernel, scaled by each input value, onto the output.
The lectures' example: x = [[4,5,8,7],[1,8,8,8],[3,6,6,4],[6,5,7,8]], u = [[1,4,1],[1,4,3],[3,3,1]]
gives x ⋆ u = [[122,148],[126,134]], and Uᵀ(2,1,4,4) = (2,9,6,1,6,29,30,7,10,29,33,13,12,24,16,4).
"""
from __future__ import annotations

import numpy as np

from ganlab.errors import GanlabError

LECTURE_X = np.array([[4, 5, 8, 7], [1, 8, 8, 8], [3, 6, 6, 4], [6, 5, 7, 8]], dtype=np.float64)
LECTURE_U = np.array([[1, 4, 1], [1, 4, 3], [3, 3, 1]], dtype=np.float64)
LECTURE_V = np.array([2, 1, 4, 4], dtype=np.float64)


def conv_output_size(n: int, k: int, stride: int = 1, padding: int = 0) -> int:
    """m = ⌊(n + 2p − k)/s⌋ + 1 (no output if the kernel does not fit)."""
    return (n + 2 * padding - k) // stride + 1


def conv_transpose_output_size(m: int, k: int, stride: int = 1, padding: int = 0) -> int:
    """n = (m − 1)·s − 2p + k (PyTorch's ConvTranspose2d with output_padding = 0, dilation 1)."""
    return (m - 1) * stride - 2 * padding + k


def _check(n_h: int, n_w: int, kernel: np.ndarray, stride: int, padding: int) -> tuple[int, int]:
    if kernel.ndim != 2 or kernel.size == 0:
        raise GanlabError("the kernel must be a non-empty 2D array")
    if stride < 1 or padding < 0:
        raise GanlabError(f"stride must be ≥ 1 and padding ≥ 0 (got stride {stride}, padding {padding})")
    if padding >= max(kernel.shape):
        raise GanlabError(f"padding {padding} must be smaller than the kernel ({kernel.shape[0]}×{kernel.shape[1]})")
    m_h = conv_output_size(n_h, kernel.shape[0], stride, padding)
    m_w = conv_output_size(n_w, kernel.shape[1], stride, padding)
    if m_h < 1 or m_w < 1:
        raise GanlabError(f"a {kernel.shape[0]}×{kernel.shape[1]} kernel does not fit a {n_h}×{n_w} input "
                          f"with padding {padding}")
    return m_h, m_w


def conv_matrix(n_h: int, n_w: int, kernel: np.ndarray, stride: int = 1, padding: int = 0) -> np.ndarray:
    """U with vec(x ⋆ u) = U vec(x) for inputs of size n_h × n_w (row-major vec)."""
    kernel = np.asarray(kernel, dtype=np.float64)
    m_h, m_w = _check(n_h, n_w, kernel, stride, padding)
    k_h, k_w = kernel.shape
    U = np.zeros((m_h * m_w, n_h * n_w))
    for i in range(m_h):
        for j in range(m_w):
            for a in range(k_h):
                for b in range(k_w):
                    r, c = i * stride - padding + a, j * stride - padding + b
                    if 0 <= r < n_h and 0 <= c < n_w:
                        U[i * m_w + j, r * n_w + c] = kernel[a, b]
    return U


def conv2d(x: np.ndarray, kernel: np.ndarray, stride: int = 1, padding: int = 0) -> np.ndarray:
    """x ⋆ u computed as U · vec(x), reshaped to m_h × m_w."""
    x = np.asarray(x, dtype=np.float64)
    U = conv_matrix(*x.shape, kernel, stride, padding)
    m_h, m_w = _check(*x.shape, np.asarray(kernel, dtype=np.float64), stride, padding)
    return (U @ x.reshape(-1)).reshape(m_h, m_w)


def conv_transpose2d(y: np.ndarray, kernel: np.ndarray, stride: int = 1, padding: int = 0) -> np.ndarray:
    """Uᵀ · vec(y), reshaped to n_h × n_w with n = (m − 1)·s − 2p + k."""
    y = np.asarray(y, dtype=np.float64)
    kernel = np.asarray(kernel, dtype=np.float64)
    if y.ndim != 2 or y.size == 0:
        raise GanlabError("the input of a transposed convolution must be a non-empty 2D array")
    n_h = conv_transpose_output_size(y.shape[0], kernel.shape[0], stride, padding)
    n_w = conv_transpose_output_size(y.shape[1], kernel.shape[1], stride, padding)
    if n_h < 1 or n_w < 1:
        raise GanlabError("this stride and padding leave no output")
    U = conv_matrix(n_h, n_w, kernel, stride, padding)
    if U.shape[0] != y.size:
        raise GanlabError("this stride and padding do not invert to the input's size")
    return (U.T @ y.reshape(-1)).reshape(n_h, n_w)


def stamps(y: np.ndarray, kernel: np.ndarray, stride: int = 1, padding: int = 0) -> list[np.ndarray]:
    """For each input cell of a transposed convolution, its own contribution y_ij · (stamped kernel).

    They add up to ``conv_transpose2d(y, kernel, stride, padding)``.
    """
    y = np.asarray(y, dtype=np.float64)
    out = []
    for idx in range(y.size):
        single = np.zeros_like(y).reshape(-1)
        single[idx] = y.reshape(-1)[idx]
        out.append(conv_transpose2d(single.reshape(y.shape), kernel, stride, padding))
    return out
