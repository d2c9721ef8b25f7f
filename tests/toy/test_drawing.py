import numpy as np
import pytest

from ganlab.errors import GanlabError
from ganlab.toy.drawing import points_from_drawing


def test_inked_pixels_map_onto_the_window():
    img = np.zeros((100, 100, 4), dtype=np.uint8)
    img[0:10, 90:100, 3] = 255  # top-right corner, black ink
    img[50:60, 0:10, :] = 255  # opaque white is no ink
    pts = points_from_drawing(img, (-4, 4, -4, 4))
    assert pts.shape == (100, 2)
    assert pts[:, 0].min() > 3.1 and pts[:, 1].min() > 3.1


def test_rgb_and_subsampling():
    img = np.full((50, 50, 3), 255, dtype=np.uint8)
    img[20:30, :, :] = 0
    pts = points_from_drawing(img, max_points=100)
    assert pts.shape == (100, 2) and np.all(np.abs(pts[:, 1]) < 0.9)


def test_blank_canvas_is_refused():
    with pytest.raises(GanlabError, match="draw something"):
        points_from_drawing(np.zeros((20, 20, 4), dtype=np.uint8))
    with pytest.raises(GanlabError):
        points_from_drawing(np.zeros((2, 2, 2, 2)))
