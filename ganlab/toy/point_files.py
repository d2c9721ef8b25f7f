"""Your own 2D data as a file: read a CSV or TSV of points, standardise it into the view, write points out.

An uploaded file and a drawing become the same thing: a ``custom`` distribution of points
(``data.PointCloud``). A file is read strictly, and every problem is a one-line ``GanlabError`` that
names the row: at most ``MAX_ROWS`` rows of exactly two finite numbers (x, y), separated by commas,
tabs, semicolons or spaces, with or without one header line.

The points are standardised with one scale for both axes, so shapes keep their proportions:

    x' = (x − μ_x) / σ,   y' = (y − μ_y) / σ,   σ = max(std x, std y),

which puts any data, in metres or in millions, where the toy networks and their view expect it.
"""
from __future__ import annotations

import csv
import io
import math
import os
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ganlab.errors import GanlabError

MAX_ROWS = 10_000  # a custom distribution's limit (``ToyConfig``)
MAX_BYTES = 2 * 2**20  # 10,000 rows of two numbers fit in well under 1 MB
DELIMITERS = ",\t; "


@dataclass(frozen=True)
class Standardisation:
    """The map from a file's units to the view's: x' = (x − mean_x) / scale, y' = (y − mean_y) / scale."""

    mean_x: float
    mean_y: float
    scale: float

    def apply(self, points: np.ndarray) -> np.ndarray:
        return (np.asarray(points, dtype=np.float64) - [self.mean_x, self.mean_y]) / self.scale

    def invert(self, points: np.ndarray) -> np.ndarray:
        return np.asarray(points, dtype=np.float64) * self.scale + [self.mean_x, self.mean_y]

    def describe(self) -> str:
        def shift(v: str, m: float) -> str:
            return f"({v} − {m:.4g})" if m >= 0 else f"({v} + {-m:.4g})"
        return f"x′ = {shift('x', self.mean_x)} / {self.scale:.4g}, y′ = {shift('y', self.mean_y)} / {self.scale:.4g}"


def standardise(points: np.ndarray) -> tuple[np.ndarray, Standardisation]:
    """Points centred on their mean and divided by the larger of the two standard deviations."""
    p = np.asarray(points, dtype=np.float64)
    mean = p.mean(0)
    scale = float(p.std(0).max())
    if not (math.isfinite(scale) and scale > 0):
        raise GanlabError("all the points are the same point: there is no distribution to learn")
    t = Standardisation(float(mean[0]), float(mean[1]), scale)
    return t.apply(p), t


def _text(path: str) -> str:
    name = os.path.basename(str(path))
    if not os.path.isfile(path):
        raise GanlabError(f"no file {name}")
    if os.path.getsize(path) > MAX_BYTES:
        raise GanlabError(f"{name} is {os.path.getsize(path) / 2**20:.1f} MB; a points file may hold at most "
                          f"{MAX_ROWS:,} rows ({MAX_BYTES // 2**20} MB)")
    with open(path, "rb") as f:
        raw = f.read()
    if b"\0" in raw:
        raise GanlabError(f"{name} is not a text file: upload a CSV or TSV of x, y numbers")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise GanlabError(f"{name} is not a text file (not UTF-8): upload a CSV or TSV of x, y numbers") from None


def _delimiter(lines: Sequence[str]) -> str:
    sample = "\n".join(lines[:20])
    for d in DELIMITERS[:3]:
        if d in sample:
            return d
    return " "


def _number(text: str, row: int) -> float:
    try:
        value = float(text)
    except ValueError:
        raise GanlabError(f"row {row}: '{text.strip()[:20]}' is not a number") from None
    if not math.isfinite(value):
        raise GanlabError(f"row {row}: '{text.strip()[:20]}' is not a finite number (NaN and infinity cannot be drawn)")
    return value


def parse_points(text: str) -> np.ndarray:
    """(n, 2) points from the text of a CSV/TSV (see the module's rules)."""
    lines = [line for line in text.splitlines() if line.strip()]
    if not lines:
        raise GanlabError("the file is empty: it needs rows of x, y numbers")
    delimiter = _delimiter(lines)
    rows = csv.reader(io.StringIO("\n".join(lines)), delimiter=delimiter, skipinitialspace=True)
    points = []
    for number, fields in enumerate(rows, start=1):
        fields = [f for f in fields if f.strip()] if delimiter == " " else fields
        if len(fields) != 2:
            raise GanlabError(f"row {number} has {len(fields)} column{'s' if len(fields) != 1 else ''}; "
                              "each row needs exactly two: x and y")
        if number == 1 and not _looks_numeric(fields):
            continue  # a header line
        if len(points) == MAX_ROWS:
            raise GanlabError(f"the file has more than {MAX_ROWS:,} rows; keep at most {MAX_ROWS:,} points")
        points.append((_number(fields[0], number), _number(fields[1], number)))
    if len(points) < 2:
        raise GanlabError("the file needs at least two points (rows of x, y)")
    return np.array(points, dtype=np.float64)


def _looks_numeric(fields: Sequence[str]) -> bool:
    try:
        [float(f) for f in fields]
        return True
    except ValueError:
        return False


def read_points(path: str) -> tuple[np.ndarray, Standardisation]:
    """A points file's rows, standardised, and the map used."""
    return standardise(parse_points(_text(path)))


def points_csv(sets: dict[str, np.ndarray], transform: Standardisation | None = None) -> str:
    """CSV text of named point sets: columns set, x, y (the view's coordinates) and, for data that came
    from a file, x_original and y_original in the file's units."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["set", "x", "y"] + (["x_original", "y_original"] if transform else []))
    for name, points in sets.items():
        original = transform.invert(points) if transform else None
        for i, (x, y) in enumerate(np.asarray(points, dtype=np.float64)):
            row = [name, f"{x:.6g}", f"{y:.6g}"]
            if original is not None:
                row += [f"{original[i, 0]:.6g}", f"{original[i, 1]:.6g}"]
            writer.writerow(row)
    return out.getvalue()
