"""Points files: strict reading with one-line messages, standardisation, and the export round trip."""
import numpy as np
import pytest

from ganlab.errors import GanlabError
from ganlab.toy.point_files import MAX_ROWS, parse_points, points_csv, read_points, standardise


def test_a_file_with_or_without_a_header_and_any_separator():
    want = [[1.0, 2.0], [3.0, -4.5]]
    for text in ("x,y\n1,2\n3,-4.5\n", "1\t2\n3\t-4.5\n", "1;2\n3;-4.5", "  1  2\n3 -4.5\n\n", "\ufeffa,b\n1,2\n3,-4.5"):
        assert parse_points(text).tolist() == want, text


@pytest.mark.parametrize("text,words", [
    ("", "empty"), ("1\n2\n", "row 1 has 1 column"), ("1,2,3\n4,5,6\n", "row 1 has 3 columns"),
    ("1,2\nnan,3\n", "row 2: 'nan' is not a finite number"), ("1,2\n3,inf\n", "not a finite number"),
    ("1,2\nabc,3\n", "row 2: 'abc' is not a number"), ("1,2\n", "at least two points"),
])
def test_each_problem_has_its_own_line(text, words):
    with pytest.raises(GanlabError, match=words) as caught:
        parse_points(text)
    assert "\n" not in str(caught.value)


def test_too_many_rows_and_binary_files_are_refused(tmp_path):
    with pytest.raises(GanlabError, match="more than 10,000 rows"):
        parse_points("0,0\n" * (MAX_ROWS + 1))
    big = tmp_path / "big.csv"
    big.write_text("0,0\n" * 1_000_000)
    with pytest.raises(GanlabError, match="at most 10,000 rows"):
        read_points(str(big))
    binary = tmp_path / "picture.csv"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR" + bytes(range(256)))
    with pytest.raises(GanlabError, match="not a text file"):
        read_points(str(binary))


def test_standardised_points_keep_their_shape_and_the_map_inverts():
    rng = np.random.default_rng(0)
    raw = rng.normal([1000.0, -5.0], [300.0, 30.0], size=(500, 2))
    points, t = standardise(raw)
    assert np.allclose(points.mean(0), 0) and np.isclose(points.std(0).max(), 1.0)
    assert np.isclose(points[:, 0].std() / points[:, 1].std(), raw[:, 0].std() / raw[:, 1].std())  # one scale
    assert np.allclose(t.invert(points), raw)
    assert t.describe().startswith("x′ = (x − 9") and "(y + 5" in t.describe()
    with pytest.raises(GanlabError, match="same point"):
        standardise(np.ones((5, 2)))


def test_exported_points_read_back(tmp_path):
    raw = np.array([[10.0, 20.0], [30.0, 50.0], [20.0, 10.0]])
    points, t = standardise(raw)
    text = points_csv({"real": points, "generated": points[:2]}, t)
    lines = text.splitlines()
    assert lines[0] == "set,x,y,x_original,y_original" and len(lines) == 6
    originals = np.array([[float(v) for v in line.split(",")[3:]] for line in lines[1:4]])
    assert np.allclose(originals, raw, rtol=1e-5)
