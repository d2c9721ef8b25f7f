import numpy as np
import pytest
from PIL import Image

from ganlab.errors import GanlabError
from ganlab.images.uploads import MAX_UPLOAD_BYTES, read_digit, to_digit


def _png(path, array):
    Image.fromarray(array).save(path)
    return str(path)


def test_a_dark_digit_on_white_paper_becomes_a_light_mnist_digit(tmp_path):
    paper = np.full((200, 150), 255, np.uint8)
    paper[40:160, 70:80] = 0  # a "1"
    digit = read_digit(_png(tmp_path / "one.png", paper))
    assert digit.shape == (28, 28)
    assert float(digit.min()) == -1.0 and float(digit.max()) > 0.9
    assert float(digit[0].max()) == -1.0 and float(digit[:, 0].max()) == -1.0  # a dark border, like MNIST
    rows = np.nonzero((digit > 0).any(1).numpy())[0]
    assert rows.min() >= 3 and rows.max() <= 24 and rows.max() - rows.min() >= 18  # scaled to fit 20 px


def test_rgba_drawings_use_the_strokes():
    canvas = np.zeros((280, 280, 4), np.uint8)
    canvas[100:180, 60:220, 3] = 255  # a filled bar, drawn with transparency around it
    digit = to_digit(canvas)
    assert float(digit.max()) > 0.9 and float(digit.min()) == -1.0


@pytest.mark.parametrize("content,needle", [
    (b"this is not a picture", "not an image"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "image"),  # a truncated PNG
])
def test_non_images_and_truncated_files_give_a_clear_message(tmp_path, content, needle):
    path = tmp_path / "digit.png"
    path.write_bytes(content)
    with pytest.raises(GanlabError, match=needle) as info:
        read_digit(str(path))
    assert "\n" not in str(info.value)


def test_decompression_bombs_and_huge_files_are_refused(tmp_path):
    bomb = tmp_path / "bomb.png"
    Image.new("L", (6000, 6000)).save(bomb)  # 36 megapixels of zeros: a few kB on disk
    assert bomb.stat().st_size < 200_000
    with pytest.raises(GanlabError, match="megapixels"):
        read_digit(str(bomb))
    big = tmp_path / "big.png"
    big.write_bytes(b"\0" * (MAX_UPLOAD_BYTES + 1))
    with pytest.raises(GanlabError, match="larger than"):
        read_digit(str(big))


def test_blank_and_nan_pictures():
    with pytest.raises(GanlabError, match="blank"):
        to_digit(np.zeros((50, 50)))
    bad = np.zeros((50, 50))
    bad[3, 3] = np.nan
    with pytest.raises(GanlabError, match="NaN"):
        to_digit(bad)
