"""What a new user met in the browser (the nine bugs of the walk-through), each pinned in Chromium."""
import re
import time

from test_app_browser import _open


def _status(page, prefix: str) -> str:
    return page.inner_text(f"#{prefix}-status")


def _modes(text: str) -> int:
    return int(re.search(r"modes covered (\d+)/", text).group(1))


def _info(page, elem_id: str) -> str:
    """The note under a control's label (Gradio's info line)."""
    return page.inner_text(f"#{elem_id}")


def test_typing_a_learning_rate_key_by_key_applies_only_the_finished_value(app_url, browser):
    page = _open(browser, app_url)
    page.click("text=objective and training")
    page.click("#toy-play")
    page.wait_for_function("/modes covered [78]\\/8/.test(document.querySelector('#toy-status').innerText)",
                           timeout=60000)
    time.sleep(1.5)
    modes_before = _modes(_status(page, "toy"))
    box = page.locator("#toy-lr_g input")
    box.click()
    box.press("Control+a")
    statuses = []
    for key in "1e-4":  # after the first key the box holds 1: a learning rate that ruins the run
        box.press(key)
        time.sleep(0.4)
        statuses.append(_status(page, "toy"))
    assert not any("applied" in s for s in statuses), statuses  # nothing applied while typing
    box.press("Enter")
    page.wait_for_function("document.querySelector('#toy-status').innerText.includes('applied to the running')",
                           timeout=5000)
    time.sleep(4)
    assert _modes(_status(page, "toy")) >= modes_before - 1
    assert float(box.input_value()) == 1e-4
    page.click("#toy-pause")
    page.close()


def test_a_refused_value_restores_the_box_and_says_why_under_it(app_url, browser):
    page = _open(browser, app_url)
    page.click("text=objective and training")
    box = page.locator("#toy-instance_noise input")
    before = box.input_value()
    box.fill("1e9")
    box.press("Enter")
    page.wait_for_function("document.querySelector('#toy-instance_noise').innerText.includes('must be in')",
                           timeout=5000)
    assert box.input_value() == before  # the value in force, not the rejected one
    assert "kept" in _info(page, "toy-instance_noise")
    box.fill("0.05")
    box.press("Enter")  # fixed: the warning goes
    page.wait_for_function("!document.querySelector('#toy-instance_noise').innerText.includes('must be in')",
                           timeout=5000)
    batch = page.locator("#toy-batch input")
    batch.fill("2.5")
    batch.press("Tab")  # leaving the box applies it too: refused, with its own note
    page.wait_for_function("document.querySelector('#toy-batch').innerText.includes('whole number')", timeout=5000)
    page.close()


def test_the_largest_network_gets_a_message_within_a_second(app_url, browser):
    page = _open(browser, app_url)
    page.click("text=data and networks")
    depth = page.locator("#toy-depth input")
    depth.fill("16")
    depth.press("Enter")
    page.wait_for_function("document.querySelector('#toy-depth').innerText.includes('Reset')", timeout=5000)
    hidden = page.locator("#toy-hidden input")
    hidden.fill("4096")
    started = time.perf_counter()
    hidden.press("Enter")
    page.wait_for_function("document.querySelector('#toy-hidden').innerText.includes('too big for a session')",
                           timeout=5000)
    assert time.perf_counter() - started < 1.0
    assert hidden.input_value() == "64"
    page.close()


def test_mnist_charts_follow_a_new_dataset(app_url, browser):
    page = _open(browser, app_url, 1300)
    page.get_by_role("tab", name="MNIST").click()
    page.wait_for_selector("#img-live .gl-panel[data-key=fid]", timeout=30000)
    page.click("#img-preset input")
    page.get_by_role("option", name="StackedMNIST: a DCGAN collapses").click()
    page.wait_for_selector("#img-live .gl-panel[data-key=modemap]", timeout=60000)
    keys = page.eval_on_selector_all("#img-live .gl-panel", "els => els.map(e => e.dataset.key)")
    assert not {"fid", "classes", "histogram"} & set(keys), keys  # the MNIST run's charts are gone
    title = page.evaluate("document.querySelector('#img-live .gl-live').__ganlab.titles.modemap")
    assert re.fullmatch(r"the 1000 modes: \d+ covered", title)
    page.close()


def test_theta_box_answers_in_one_line(app_url, browser):
    page = _open(browser, app_url, 1300)
    page.get_by_role("tab", name="Compare losses").click()
    box = page.locator("#cmp-theta input[type=number]")
    box.fill("5")
    box.press("Enter")
    page.wait_for_function("document.querySelector('#cmp-line-numbers').innerText.includes('θ must be in')",
                           timeout=10000)
    box.fill("")
    box.press("Enter")
    page.wait_for_function("document.querySelector('#cmp-line-numbers').innerText.includes('θ')", timeout=10000)
    text = page.inner_text("body")
    assert "greater than maximum" not in text and "preprocess" not in text and "TypeError" not in text
    page.close()


def _aspects(page, selector: str) -> list[tuple[float, float]]:
    """(bitmap width / height, displayed width / height) of each canvas: equal unless stretched."""
    return page.eval_on_selector_all(selector, """els => els.map(c => [c.width / c.height,
        c.getBoundingClientRect().width / c.getBoundingClientRect().height])""")


def test_first_frames_are_drawn_at_their_real_size(app_url, browser):
    page = _open(browser, app_url, 1300)
    page.wait_for_selector("#toy-live .gl-lines canvas", timeout=30000)
    page.get_by_role("tab", name="Compare losses").click()
    page.wait_for_selector("#cmp-live .gl-layered canvas", timeout=30000)
    time.sleep(1.0)
    for selector in ("#cmp-live canvas", "#cmp-line-plot canvas"):
        for bitmap, shown in _aspects(page, selector):
            assert abs(bitmap - shown) < 0.02 * shown, (selector, bitmap, shown)
    page.get_by_role("tab", name="Toy 2D").click()
    time.sleep(1.0)
    for bitmap, shown in _aspects(page, "#toy-live canvas"):
        assert abs(bitmap - shown) < 0.02 * shown, ("toy", bitmap, shown)
    page.close()
