import pytest

from ganlab.errors import GanlabError
from ganlab.models import dcgan_generator
from ganlab.models.summary import layer_table
from ganlab.ui.blocks_tab import U_TEXT, V_TEXT, X_TEXT, convolution_view, generator_html, parse_matrix, transposed_view


def test_lecture_convolution_through_the_tab():
    html, text, names = convolution_view(X_TEXT, U_TEXT, 1, 0, "0, 1")
    assert names == ["0, 0", "0, 1", "1, 0", "1, 1"]
    assert "= **148**" in text and "max |difference| = **0** ✓" in text
    assert "U (4×16)" in html and "⌊(4 + 0 − 3)/1⌋ + 1 = **2**" in text


def test_lecture_transposed_convolution_through_the_tab():
    html, text = transposed_view(V_TEXT, U_TEXT, 1, 0)
    assert "(2, 9, 6, 1, 6, 29, 30, 7, 10, 29, 33, 13, 12, 24, 16, 4)" in text
    assert "max |difference| = **0** ✓" in text and html.count("stamp of v") == 4


@pytest.mark.parametrize("stride,padding", [(2, 0), (2, 1), (3, 2), (1, 2)])
def test_other_strides_and_paddings_agree_with_pytorch(stride, padding):
    x = "1 2 3 4 5\n6 7 8 9 10\n1 0 1 0 1\n2 2 2 2 2\n5 4 3 2 1"
    _, text, _ = convolution_view(x, U_TEXT, stride, padding)
    assert "✓" in text
    _, text = transposed_view("2 1 0\n4 4 1\n0 1 2", U_TEXT, stride, padding)
    assert "✓" in text
    with pytest.raises(GanlabError, match="no output"):
        transposed_view("1", U_TEXT, 1, 2)  # n = (1 − 1)·1 − 4 + 3 < 1


@pytest.mark.parametrize("text", ["", "1 2\n3", "a b", "1 2 nan"])
def test_bad_matrices(text):
    with pytest.raises(GanlabError):
        parse_matrix(text, "x")


def test_generator_table_shows_the_models_real_shapes():
    html = generator_html("dcgan")
    for row in layer_table(dcgan_generator(), (100,)):
        assert " × ".join(map(str, row.output_shape)) in html
    assert "128 × 7 × 7" in html and "64 × 14 × 14" in html and "1 × 28 × 28" in html
    assert "128 × 14 × 14" in generator_html("seed004")
