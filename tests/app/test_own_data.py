"""Your own data in a real browser: upload a CSV of 2D points (good and bad files), train on it, export."""
import numpy as np

from test_app_browser import _open


def _upload(page, path: str, words: str) -> str:
    page.set_input_files("input[data-testid='upload points (CSV/TSV)-upload-button']", path)
    page.wait_for_function(f"document.querySelector('#toy-status').innerText.includes({words!r})", timeout=60000)
    return page.inner_text("#toy-status")


def test_uploading_points_trains_on_them_and_bad_files_get_a_line_each(app_url, browser, tmp_path):
    good = tmp_path / "moons.csv"
    rng = np.random.default_rng(0)
    t = rng.uniform(0, np.pi, 400)
    xy = np.concatenate([np.stack([np.cos(t), np.sin(t)], 1), np.stack([1 - np.cos(t), 0.5 - np.sin(t)], 1)]) * 100 + 5000
    good.write_text("x,y\n" + "\n".join(f"{x:.3f},{y:.3f}" for x, y in xy))
    with_nan = tmp_path / "nan.csv"
    with_nan.write_text("1,2\n3,nan\n")
    one_column = tmp_path / "one.tsv"
    one_column.write_text("1\n2\n3\n")
    huge = tmp_path / "huge.csv"
    huge.write_bytes(b"0,0\n" * 10_000_000)
    binary = tmp_path / "photo.csv"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR" + bytes(range(256)) * 10)

    page = _open(browser, app_url, 1300)
    page.click("text=your own data")
    text = _upload(page, str(good), "moons.csv")
    assert "800 points" in text and "x′ = (x − 5" in text, text
    page.wait_for_function("document.querySelector('#toy-live .gl-live').__ganlab.titles.view.includes('on custom')",
                           timeout=30000)
    for path, words in ((with_nan, "row 2: 'nan' is not a finite number"), (one_column, "row 1 has 1 column"),
                        (huge, "at most 10,000 rows"), (binary, "not a text file")):
        text = _upload(page, str(path), words)
        assert "kept the current data" in text and "Traceback" not in text
    page.click("#toy-play")  # the page keeps working on the uploaded data
    page.wait_for_function("/step [1-9]/.test(document.querySelector('#toy-status').innerText)", timeout=30000)
    page.click("#toy-pause")
    page.click("#toy-export")
    page.wait_for_selector("#toy-exported a[href*='.csv']", timeout=30000)
    assert "exported the real and generated points" in page.inner_text("#toy-status")
    assert not page.errors, page.errors
    page.close()
