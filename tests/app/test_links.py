"""Links and lessons in a real browser: a setup handed on by its address, a lesson walked on the projector."""
import re

from test_app_browser import _open


def _page(browser, url: str, width: int = 1400, height: int = 1100):
    """A fresh page on ``url``; page errors are collected in ``page.errors``."""
    page = browser.new_page(viewport={"width": width, "height": height})
    page.errors = []
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    page.goto(url)
    return page


def _status(page) -> str:
    return page.inner_text("#toy-status")


def _metrics(text: str) -> str:
    """The status line's measurements (modes, high quality, exact W1), without the speeds."""
    return " · ".join(p for p in text.split(" · ") if re.match(r"(modes covered|high quality|exact W1|critic)", p.strip()))


def _play_to_step_100(page) -> str:
    box = page.locator("#toy-stop-at input")
    box.fill("100")
    box.press("Enter")
    page.click("#toy-play")
    page.wait_for_function("document.querySelector('#toy-status').innerText.includes('paused at step 100')",
                           timeout=60000)
    return _status(page)


def test_a_copied_link_opens_the_same_setup_and_run(app_url, browser):
    page = _open(browser, app_url)
    page.click("#toy-preset input")
    page.get_by_role("option", name="The fix: WGAN-GP").click()
    page.wait_for_function("document.querySelector('#toy-status').innerText.includes('preset loaded')", timeout=15000)
    page.click("text=objective and training")
    lr = page.locator("#toy-lr_d input")
    lr.fill("0.0007")
    lr.press("Enter")
    page.wait_for_function("document.querySelector('#toy-watch').innerText.includes('lr_d')", timeout=15000)
    page.click("text=data and networks")
    seed = page.locator("#toy-seed input")
    seed.fill("7")
    seed.press("Enter")
    try:
        page.wait_for_function("document.querySelector('#toy-watch').innerText.includes('seed') && "
                               "document.querySelector('#toy-watch').innerText.includes('lr_d')", timeout=15000)
    except Exception:
        raise AssertionError((page.inner_text("#toy-watch"), lr.input_value(), seed.input_value(), _status(page)))
    page.click("#toy-reset")  # the seed waits for Reset
    page.wait_for_function("document.querySelector('#toy-status').innerText.includes('fresh networks')", timeout=15000)
    page.click("#toy-copy-link")
    page.wait_for_function("document.querySelector('#toy-link textarea, #toy-link input').value.startsWith('http')",
                           timeout=15000)
    link = page.locator("#toy-link textarea, #toy-link input").first.input_value()
    assert "preset=wgan-gp" in link and "lr_d=0.0007" in link and "seed=7" in link, link
    assert page.evaluate("window.location.href") == link  # a reload keeps the setup
    original = _play_to_step_100(page)

    other = _page(browser, link)
    other.wait_for_selector("#toy-live canvas", timeout=60000)
    other.wait_for_function("document.querySelector('#toy-status').innerText.includes('opened a shared setup')",
                            timeout=60000)
    assert other.locator("#toy-preset input").input_value() == "The fix: WGAN-GP"
    other.click("text=objective and training")
    other.click("text=data and networks")
    assert float(other.locator("#toy-lr_d input").input_value()) == 0.0007
    assert other.locator("#toy-seed input").input_value() == "7"
    assert "step 0" in _status(other)  # paused, ready to Play
    again = _play_to_step_100(other)
    assert _metrics(again) and _metrics(again) == _metrics(original), (again, original)
    assert not page.errors and not other.errors, (page.errors, other.errors)
    page.close()
    other.close()


def test_bad_link_values_give_one_line_and_the_defaults(app_url, browser):
    page = _page(browser, app_url.rstrip("/") + "/?tab=toy&preset=nope&lr_d=abc&hidden=99999999&colour=red&seed=1.5")
    page.wait_for_selector("#toy-live canvas", timeout=60000)
    page.wait_for_function("document.querySelector('#toy-status').innerText.includes('⚠')", timeout=30000)
    text = _status(page)
    for words in ("no preset 'nope'", "'lr_d=abc' is not a number", "ignored 'colour'", "'seed=1.5' is not a whole number"):
        assert words in text, (words, text)
    assert "Traceback" not in text
    page.goto(app_url.rstrip("/") + "/?tab=nowhere")
    page.wait_for_selector("#toy-live canvas", timeout=60000)
    page.wait_for_function("document.querySelector('#toy-status').innerText.includes(\"no tab 'nowhere'\")",
                           timeout=60000)
    assert not page.errors, page.errors
    page.close()


def test_a_lesson_walks_forward_and_back_in_presenter_mode(app_url, browser):
    page = _page(browser, app_url.rstrip("/") + "/?lesson=mode-collapse&presenter=1", 1280, 900)
    page.wait_for_selector("#lesson-bar", timeout=60000)
    page.wait_for_function("document.querySelector('#lesson-text').innerText.includes('step 1 of 7')", timeout=30000)
    page.wait_for_function("document.querySelector('#toy-status').innerText.includes('lesson step 1')", timeout=30000)
    assert page.locator("#toy-preset input").input_value() == "Mode collapse (vanilla GAN on the ring)"
    page.click("#lesson-next")
    page.wait_for_function("document.querySelector('#lesson-text').innerText.includes('step 2 of 7')", timeout=30000)
    page.wait_for_function("document.querySelector('#toy-preset input').value.startsWith('The game cycles')", timeout=30000)
    assert "step=2" in page.evaluate("window.location.search")
    for number in (3, 4, 5):  # on to the Compare losses tab (step 5)
        page.click("#lesson-next")
        page.wait_for_function(f"document.querySelector('#lesson-text').innerText.includes('step {number} of 7')",
                               timeout=30000)
    page.wait_for_function("document.querySelector('#cmp-status') && "
                           "document.querySelector('#cmp-status').innerText.includes('lesson step 5')", timeout=30000)
    assert page.get_by_role("tab", name="Compare losses").get_attribute("aria-selected") == "true"
    page.click("#lesson-prev")
    page.wait_for_function("document.querySelector('#lesson-text').innerText.includes('step 4 of 7')", timeout=30000)
    assert page.get_by_role("tab", name="Toy 2D").get_attribute("aria-selected") == "true"
    page.reload()  # the address keeps the step
    page.wait_for_function("document.querySelector('#lesson-text') && "
                           "document.querySelector('#lesson-text').innerText.includes('step 4 of 7')", timeout=60000)
    assert page.evaluate("document.body.classList.contains('presenter')")
    assert not page.errors, page.errors
    page.close()
