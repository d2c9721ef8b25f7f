import itertools

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from ganlab.errors import GanlabError
from ganlab.maths import convolution as cv


def test_lecture_convolution_example():
    assert np.array_equal(cv.conv2d(cv.LECTURE_X, cv.LECTURE_U), [[122, 148], [126, 134]])
    U = cv.conv_matrix(4, 4, cv.LECTURE_U)
    assert U.shape == (4, 16)
    assert np.array_equal(U[0], [1, 4, 1, 0, 1, 4, 3, 0, 3, 3, 1, 0, 0, 0, 0, 0])
    assert np.array_equal(U @ cv.LECTURE_X.reshape(-1), [122, 148, 126, 134])


def test_lecture_transposed_convolution_example():
    out = cv.conv_transpose2d(cv.LECTURE_V.reshape(2, 2), cv.LECTURE_U)
    assert np.array_equal(out.reshape(-1), [2, 9, 6, 1, 6, 29, 30, 7, 10, 29, 33, 13, 12, 24, 16, 4])
    assert np.array_equal(cv.conv_matrix(4, 4, cv.LECTURE_U).T @ cv.LECTURE_V, out.reshape(-1))
    assert np.array_equal(sum(cv.stamps(cv.LECTURE_V.reshape(2, 2), cv.LECTURE_U)), out)


@pytest.mark.parametrize("n,k,s,p", [c for c in itertools.product([4, 5, 7], [1, 2, 3], [1, 2, 3], [0, 1, 2]) if c[3] < c[1]])
def test_agrees_with_pytorch(n, k, s, p):
    rng = np.random.default_rng(n * 100 + k * 10 + s + p)
    x = rng.integers(-5, 6, size=(n, n + 1)).astype(np.float64)
    u = rng.integers(-3, 4, size=(k, k)).astype(np.float64)
    if cv.conv_output_size(n, k, s, p) < 1:
        return
    ours = cv.conv2d(x, u, s, p)
    theirs = F.conv2d(torch.tensor(x)[None, None], torch.tensor(u)[None, None], stride=s, padding=p)[0, 0].numpy()
    assert ours.shape == theirs.shape and np.array_equal(ours, theirs)
    y = rng.integers(-5, 6, size=ours.shape).astype(np.float64)
    ours_t = cv.conv_transpose2d(y, u, s, p)
    theirs_t = F.conv_transpose2d(torch.tensor(y)[None, None], torch.tensor(u)[None, None], stride=s, padding=p)[0, 0].numpy()
    assert ours_t.shape == theirs_t.shape and np.allclose(ours_t, theirs_t)


def test_output_size_formulas():
    assert cv.conv_output_size(28, 4, 2, 1) == 14
    assert cv.conv_transpose_output_size(7, 4, 2, 1) == 14
    assert cv.conv_transpose_output_size(14, 4, 2, 1) == 28


@pytest.mark.parametrize("kernel,stride,padding", [(np.ones((5, 5)), 1, 0), (np.ones((3, 3)), 0, 0), (np.ones((3, 3)), 1, 3)])
def test_bad_settings_are_refused(kernel, stride, padding):
    with pytest.raises(GanlabError):
        cv.conv2d(np.ones((4, 4)), kernel, stride, padding)
