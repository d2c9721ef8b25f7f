import gzip
import struct

import numpy as np
import pytest
import torch

from ganlab.errors import GanlabError
from ganlab.images.data import load_images, to_float
from ganlab.images.idx import read_idx


@pytest.mark.parametrize("name,n_train,n_test", [("mnist", 8000, 2000), ("fashion", 10000, 2000)])
def test_bundled_subsets(name, n_train, n_test):
    ds = load_images(name, full=False)
    assert ds.train_images.shape == (n_train, 28, 28) and ds.train_images.dtype == torch.uint8
    assert ds.test_images.shape == (n_test, 28, 28)
    assert sorted(ds.train_labels.unique().tolist()) == list(range(10))
    assert torch.bincount(ds.test_labels.long()).min() >= 150  # every class is held out too
    assert ds.train_images.max() == 255 and ds.train_images.min() == 0
    assert "bundled" in ds.describe() and len(ds.class_names) == 10


def test_bundled_mnist_looks_like_digits():
    ds = load_images("mnist", full=False)
    mean = ds.train_images.float().mean().item()
    assert 25 < mean < 40  # MNIST's mean pixel is about 33
    border = ds.train_images[:, :2, :].float().mean().item()
    assert border < 1  # digits are centred: the top rows are blank


def test_batches_are_scaled_to_minus_one_one():
    ds = load_images("mnist", full=False)
    x, y = ds.sample(64, torch.Generator().manual_seed(0))
    assert x.shape == (64, 1, 28, 28) and x.min() >= -1 and x.max() <= 1 and y.shape == (64,)
    assert torch.equal(to_float(torch.tensor([[[0, 255]]], dtype=torch.uint8)), torch.tensor([[[[-1.0, 1.0]]]]))


def test_idx_reader_round_trip(tmp_path):
    data = np.arange(24, dtype=np.uint8).reshape(2, 3, 4)
    raw = bytes([0, 0, 0x08, 3]) + struct.pack(">iii", 2, 3, 4) + data.tobytes()
    (tmp_path / "a.gz").write_bytes(gzip.compress(raw))
    assert np.array_equal(read_idx(tmp_path / "a.gz"), data)
    (tmp_path / "bad").write_bytes(b"\x01\x02\x03")
    with pytest.raises(GanlabError):
        read_idx(tmp_path / "bad")
    (tmp_path / "short").write_bytes(raw[:-5])
    with pytest.raises(GanlabError, match="truncated"):
        read_idx(tmp_path / "short")


def test_unknown_dataset():
    with pytest.raises(GanlabError, match="unknown image data"):
        load_images("cifar")
