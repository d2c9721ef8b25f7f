"""The app in a real browser: Debian's chromium, driven by Playwright, against ``python app.py``."""
import os
import re
import tempfile
import time

from ganlab.toy.lanes import LANE_PRESETS
from ganlab.ui import TABS

# Screenshots go to a temporary folder; GANLAB_SCREENSHOTS=docs/screenshots refreshes the README's pictures.
SHOTS = os.environ.get("GANLAB_SCREENSHOTS") or tempfile.mkdtemp(prefix="ganlab-shots-")


def _box(page, selector: str) -> dict:
    """The clip rectangle of an element (for a screenshot of one view), scrolled into sight."""
    page.locator(selector).scroll_into_view_if_needed()
    b = page.locator(selector).bounding_box()
    return {"x": b["x"], "y": b["y"], "width": b["width"], "height": b["height"]}


def _open(browser, app_url, height=1100):
    """A fresh page on the app, its first view drawn; page errors are collected in ``page.errors``."""
    page = browser.new_page(viewport={"width": 1400, "height": height})
    page.errors = []
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    page.goto(app_url)
    page.wait_for_selector("#toy-live canvas", timeout=60000)
    return page


def _step_and_modes(text: str) -> tuple[int, str]:
    step = int(re.search(r"step (\d+)", text).group(1))
    modes = re.search(r"modes covered (\d+/\d+)", text)
    return step, modes.group(1) if modes else ""


def test_toy_tab_trains_live(app_url, browser):
    page = _open(browser, app_url)
    errors = page.errors
    page.wait_for_function("document.querySelector('#toy-status').innerText.includes('modes covered')", timeout=30000)
    step0, modes0 = _step_and_modes(page.inner_text("#toy-status"))
    assert step0 == 0
    frames0 = page.evaluate("document.querySelector('#toy-live .gl-live').__ganlab.frames")

    page.click("#toy-play")
    deadline = time.time() + 20
    seen_modes = {modes0}
    while time.time() < deadline:
        time.sleep(1)
        step, modes = _step_and_modes(page.inner_text("#toy-status"))
        seen_modes.add(modes)
        if step > 500 and len(seen_modes) > 1:
            break
    assert step > 500, f"only {step} steps after Play"
    assert len(seen_modes) > 1, "the modes-covered number never changed"
    assert page.evaluate("document.querySelector('#toy-live .gl-live').__ganlab.frames") > frames0 + 3  # redrawn
    rate = re.search(r"(\d+) steps/s · ([\d.]+) frames/s", page.inner_text("#toy-status"))
    assert rate and float(rate.group(2)) >= 2.0

    page.click("#toy-pause", timeout=10000)
    time.sleep(1.0)
    page.screenshot(path=os.path.join(SHOTS, "toy2d.png"), full_page=True)
    paused_at, _ = _step_and_modes(page.inner_text("#toy-status"))
    time.sleep(1.5)
    assert _step_and_modes(page.inner_text("#toy-status"))[0] == paused_at  # really paused

    page.click("text=save and load")
    page.click("#toy-gif")
    page.wait_for_function("document.querySelector('#toy-status').innerText.includes('GIF of')", timeout=30000)
    page.wait_for_selector("a[href*='.gif']", timeout=15000)
    assert not errors, errors
    page.close()


def test_bad_hyperparameter_gives_a_message_and_keeps_the_run(app_url, browser):
    page = _open(browser, app_url)
    page.click("text=objective and training")
    box = page.locator("#toy-lr_d input")
    box.fill("-1")
    box.press("Enter")
    page.wait_for_function("document.querySelector('#toy-status').innerText.includes('learning rate')", timeout=15000)
    assert "must be in" in page.inner_text("#toy-status")
    assert page.locator("#toy-live canvas").count() >= 8  # the run and its views are still there
    box.fill("0.002")
    box.press("Enter")
    page.click("#toy-step")  # discriminator half of the iteration
    page.wait_for_function("document.querySelector('#toy-status').innerText.includes('discriminator step')", timeout=15000)
    page.click("#toy-step")  # generator half
    page.wait_for_function("document.querySelector('#toy-status').innerText.includes('step 1')", timeout=15000)
    page.close()


def test_a_collapse_preset_shows_quality_and_diversity_apart(app_url, browser):
    """Choosing the mode-collapse preset ticks 'precision and recall': the status line and a chart show both."""
    page = _open(browser, app_url)
    page.click("#toy-preset input")
    page.get_by_role("option", name="Mode collapse (vanilla GAN on the ring)").click()
    page.wait_for_function("document.querySelector('#toy-status').innerText.includes('preset loaded')", timeout=15000)
    page.wait_for_function("/precision [\\d.]+ · recall [\\d.]+/.test(document.querySelector('#toy-status').innerText)",
                           timeout=15000)
    assert page.locator("#toy-split input").is_checked()
    page.wait_for_function("document.querySelector('#toy-live .gl-live').__ganlab.titles.pr", timeout=15000)
    assert not page.errors, page.errors
    page.close()


def test_every_tab_renders_and_the_compare_tab_trains(app_url, browser):
    page = _open(browser, app_url, 1200)
    errors = page.errors

    page.get_by_role("tab", name="Compare losses").click()
    page.wait_for_selector("#cmp-live .gl-layered canvas", timeout=30000)
    assert page.locator("#cmp-live .gl-layered canvas").count() == 2  # the pair of old: minimax and WGAN-GP
    page.click("#cmp-preset input")
    page.get_by_role("option", name=LANE_PRESETS["road-to-wgan-gp"].title).click()
    page.wait_for_function("document.querySelectorAll('#cmp-live .gl-layered canvas').length === 4", timeout=30000)
    page.click("#cmp-play")
    page.wait_for_function("/step [1-9][0-9]{2,}/.test(document.querySelector('#cmp-status').innerText)", timeout=60000)
    page.click("#cmp-pause", timeout=15000)
    page.wait_for_function("document.querySelector('#cmp-status').innerText.includes('paused')", timeout=15000)
    assert "4. WGAN-GP" in page.inner_text("#cmp-status")
    titles = page.evaluate("document.querySelector('#cmp-live .gl-live').__ganlab.titles")
    assert {"lanes-w1", "lanes-modes", "lanes-hq", "lanes-grad", "lanes-loss", "lanes-ms"} <= set(titles), titles
    time.sleep(1)
    page.screenshot(path=os.path.join(SHOTS, "compare_losses.png"), full_page=False, clip=_box(page, "#cmp-live"))
    page.fill("#cmp-theta input[type=number]", "0.3")
    page.press("#cmp-theta input[type=number]", "Enter")
    page.wait_for_function("document.querySelector('#cmp-line-numbers').innerText.includes('W1 0.3000')", timeout=15000)
    page.click("#cmp-gauss")
    page.wait_for_function("document.querySelector('#cmp-gauss-plot .gl-live').__ganlab.titles['gauss-d']",
                           timeout=60000)

    page.get_by_role("tab", name="Divergences & transport").click()
    page.wait_for_function("document.querySelector('#div-numbers').innerText.includes('W1 3.0000')", timeout=30000)
    page.wait_for_selector("#div-plan .js-plotly-plot", timeout=30000)
    page.fill("#div-q textarea", "U[0,inf]")
    page.click("#div-compare")
    page.wait_for_function("document.querySelector('#div-numbers').innerText.includes('⚠')", timeout=15000)
    page.fill("#div-q textarea", "U[5,7]")
    page.click("#div-compare")
    page.wait_for_function("document.querySelector('#div-numbers').innerText.includes('W1 3.0000')", timeout=15000)
    time.sleep(0.5)
    page.screenshot(path=os.path.join(SHOTS, "divergences.png"), full_page=True)

    page.get_by_role("tab", name="Building blocks").click()
    page.wait_for_function("document.querySelector('#blk-conv-text').innerText.includes('= 122')", timeout=30000)
    page.click("#blk-cell input")
    page.get_by_role("option", name="1, 1").click()
    page.wait_for_function("document.querySelector('#blk-conv-text').innerText.includes('= 134')", timeout=15000)
    assert "2, 9, 6, 1, 6, 29, 30, 7, 10, 29, 33, 13, 12, 24, 16, 4" in page.inner_text("#blk-transposed-text")
    assert "1 × 28 × 28" in page.inner_text("#blk-generator")
    page.fill("#blk-u textarea", "1 4\n1")
    page.click("#blk-conv-go")
    page.wait_for_function("document.querySelector('#blk-conv-text').innerText.includes('⚠')", timeout=15000)
    page.fill("#blk-u textarea", "1 4 1\n1 4 3\n3 3 1")
    page.click("#blk-conv-go")
    page.wait_for_function("document.querySelector('#blk-conv-text').innerText.includes('✓')", timeout=15000)
    page.screenshot(path=os.path.join(SHOTS, "building_blocks.png"), full_page=True)
    assert not errors, errors
    page.close()


def test_drawn_distribution_becomes_the_data(app_url, browser):
    page = _open(browser, app_url, 1300)
    page.click("#toy-preset input")
    page.get_by_role("option", name="Drawn distribution").click()
    page.wait_for_function("document.querySelector('#toy-status').innerText.includes('draw on the canvas')", timeout=15000)
    page.click("#toy-use-drawing")  # nothing drawn yet: a message, not an error page
    page.wait_for_function("document.querySelector('#toy-status').innerText.includes('draw something')", timeout=15000)
    page.click("#toy-sketch button[aria-label='Brush']")
    box = page.locator("#toy-sketch canvas").first.bounding_box()
    cx, cy = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(cx - 80, cy - 60)
    page.mouse.down()
    for i in range(30):
        page.mouse.move(cx - 80 + 5 * i, cy - 60 + 4 * i)
    page.mouse.up()
    time.sleep(0.5)
    page.click("#toy-use-drawing")
    page.wait_for_function("document.querySelector('#toy-status').innerText.includes('your drawing')", timeout=15000)
    page.wait_for_function("document.querySelector('#toy-live .gl-live').__ganlab.titles.view.includes('on custom')",
                           timeout=15000)
    page.close()


def test_mnist_tab_trains_live(app_url, browser):
    page = _open(browser, app_url, 1300)
    errors = page.errors
    page.get_by_role("tab", name="MNIST").click()
    page.click("#img-play")
    page.wait_for_function("document.querySelector('#img-status').innerText.includes('classes')", timeout=60000)
    page.wait_for_selector("#img-live .gl-image img", timeout=30000)
    page.wait_for_selector("#img-live .gl-lines canvas", timeout=30000)
    page.wait_for_function("/step ([2-9][0-9]|[0-9]{3,})/.test(document.querySelector('#img-status').innerText)",
                           timeout=60000)
    page.click("#img-pause", timeout=15000)
    text = page.inner_text("#img-status")
    assert "images/s" in text and "mnist" in text
    box = page.locator("#img-live .gl-image img").bounding_box()
    assert box["width"] >= 448 and abs(box["height"] - box["width"]) < 2  # readable from the back of the hall
    assert page.evaluate("getComputedStyle(document.querySelector('#img-live .gl-image img')).imageRendering") == "pixelated"
    assert int(re.search(r"step (\d+)", text).group(1)) >= 20  # what the wait above asked for
    time.sleep(1)
    page.screenshot(path=os.path.join(SHOTS, "mnist.png"), full_page=True)
    assert not errors, errors
    page.close()


def test_stacked_mnist_lights_its_modes_in_the_mnist_tab(app_url, browser):
    """Choose the StackedMNIST collapse preset, play: its controls are set, colour samples, the map
    of the 1000 modes and its curves appear."""
    page = _open(browser, app_url, 1300)
    page.get_by_role("tab", name="MNIST").click()
    page.click("#img-preset input")
    page.get_by_role("option", name="StackedMNIST: a DCGAN collapses").click()
    page.wait_for_function("document.querySelector('#img-status').innerText.includes('preset loaded')", timeout=15000)
    assert page.get_by_label("dataset").input_value() == "stacked-mnist"
    page.click("#img-play")
    page.wait_for_function("/modes [0-9]+\\/1000/.test(document.querySelector('#img-status').innerText)", timeout=90000)
    page.wait_for_function("Object.keys(document.querySelector('#img-live .gl-live').__ganlab.titles).includes('modemap')",
                           timeout=30000)
    page.click("#img-pause", timeout=15000)
    text = page.inner_text("#img-status")
    assert "stacked-mnist" in text and "1,000 samples" in text and re.search(r"precision [\d.]+ · recall [\d.]+", text)
    assert page.evaluate("document.querySelector('#img-live .gl-live').__ganlab.titles.pr")
    title = page.evaluate("document.querySelector('#img-live .gl-live').__ganlab.titles.modemap")
    assert re.fullmatch(r"the 1000 modes: \d+ covered", title)
    time.sleep(1)
    page.screenshot(path=os.path.join(SHOTS, "stacked_mnist.png"), full_page=True)
    assert not page.errors, page.errors
    page.close()


def test_latent_space_tab(app_url, browser, tmp_path):
    page = _open(browser, app_url, 1500)
    errors = page.errors
    page.get_by_role("tab", name="Latent space").click()
    page.wait_for_selector("#latent-grid img", timeout=30000)
    assert "dcgan" in page.inner_text("#latent-card").lower()
    # a view before any pick says what to do, in one line
    page.click("#latent-interpolate")
    page.wait_for_function("document.querySelector('#latent-status').innerText.includes('click samples')", timeout=15000)
    thumbs = page.locator("#latent-grid button.thumbnail-item")
    thumbs.nth(0).click()
    thumbs.nth(5).click()
    page.wait_for_function("document.querySelector('#latent-picks').innerText.includes('B = seed 5')", timeout=15000)
    page.click("#latent-interpolate")
    page.wait_for_selector("#latent-strip img", timeout=20000)
    page.wait_for_selector("#latent-gif img", timeout=20000)
    assert page.locator("a[href*='.gif']").count() >= 1
    page.screenshot(path=os.path.join(SHOTS, "latent_space.png"), full_page=True)

    page.get_by_role("tab", name="Directions").click()
    page.click("#latent-walk")
    page.wait_for_selector("#latent-dir-strip img", timeout=20000)

    page.get_by_role("tab", name="Find it in z").click()
    bad = tmp_path / "digit.png"
    bad.write_bytes(b"not an image at all")
    page.locator("#latent-upload input[type=file]").set_input_files(str(bad))
    time.sleep(1)
    page.click("#latent-find")
    page.wait_for_function("document.querySelector('#latent-status').innerText.includes('not an image')", timeout=20000)
    assert not errors, errors
    page.close()


def test_the_page_needs_nothing_but_its_own_server(app_url, browser):
    """Offline lecture hall: every request from the page goes to the app's server (fonts and scripts included)."""
    from urllib.parse import urlparse

    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    outside, failed = [], []

    def gate(route):
        url = route.request.url
        if url.startswith(("data:", "blob:")) or urlparse(url).hostname in ("127.0.0.1", "localhost"):
            route.continue_()
        else:  # the network to the outside is blocked
            outside.append(url)
            route.abort()

    page.route("**/*", gate)
    page.on("requestfailed", lambda r: failed.append(r.url))
    page.goto(app_url)
    page.wait_for_selector("#toy-live canvas", timeout=60000)
    for tab in [label for label, _ in TABS[1:]] + ["Latent space"]:
        page.get_by_role("tab", name=tab).click()
        time.sleep(0.5)
    page.wait_for_selector("#latent-grid img", timeout=30000)
    time.sleep(1)
    assert outside == [], outside
    assert [u for u in failed if urlparse(u).hostname not in ("127.0.0.1", "localhost")] == []
    page.close()


def test_presenter_mode_keeps_every_tab_in_view_on_a_small_projector(app_url, browser):
    """At 1024 px, with presenter mode's larger type, no tab hides in an overflow menu: the bar wraps."""
    page = browser.new_page(viewport={"width": 1024, "height": 768})
    page.goto(app_url + "?presenter=1")
    page.wait_for_selector("#toy-live canvas", timeout=60000)
    page.wait_for_function("document.body.classList.contains('presenter')", timeout=10000)
    time.sleep(0.5)
    shown = page.eval_on_selector_all("button[role=tab]", "els => els.filter(e => e.offsetParent !== null).map(e => e.innerText)")
    assert [label for label, _ in TABS] == shown
    page.close()


def test_presenter_mode_for_projectors(app_url, browser):
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(app_url + "?presenter=1")
    page.wait_for_selector("#toy-live canvas", timeout=60000)
    page.wait_for_function("document.body.classList.contains('presenter')", timeout=10000)
    assert not page.get_by_text("objective and training").is_visible()  # advanced controls folded away
    assert page.locator("#toy-play").is_visible()
    time.sleep(1)
    page.screenshot(path=os.path.join(SHOTS, "presenter.png"))
    page.click("#presenter-toggle input")  # and off again, from the header
    page.wait_for_function("!document.body.classList.contains('presenter')", timeout=10000)
    assert page.get_by_text("objective and training").is_visible()
    page.close()
