"""The Game dynamics tab in Chromium: a preset plays, a click on the plane sets the start point, the
spectral radius reads as the paper says."""
import os
import re
import time

from test_app_browser import SHOTS, _open


def _status(page) -> str:
    return page.inner_text("#dyn-status")


def test_play_a_preset_click_a_start_point_and_read_the_spectral_radius(app_url, browser):
    page = _open(browser, app_url, 1300)
    page.get_by_role("tab", name="Game dynamics").click()
    page.wait_for_selector("#dyn-status", state="visible", timeout=30000)
    page.click("#dyn-preset input")
    page.get_by_role("option", name="R1 converges").click()
    page.wait_for_function("document.querySelector('#dyn-status').innerText.includes('preset loaded')", timeout=15000)
    page.click("#dyn-play")
    page.wait_for_function("/iteration [1-9][0-9]+/.test(document.querySelector('#dyn-status').innerText)",
                           timeout=30000)
    rho = float(re.search(r"spectral radius ([0-9.]+)", _status(page)).group(1))
    assert abs(rho - 0.92195) < 1e-4  # −γ/2 ± √(γ²/4 − ¼) for γ = 0.5, one alternating update at h = 0.3
    page.click("#dyn-pause")
    page.wait_for_function("document.querySelector('#dyn-status').innerText.includes('paused')", timeout=5000)
    canvas = page.locator("#dyn-live .gl-layered canvas").first
    box = canvas.bounding_box()
    plane = page.evaluate("document.querySelector('#dyn-live .gl-live').__ganlab.planes.phase")
    # a quarter of the way in from the plane's upper-left corner: θ negative, ψ positive
    page.mouse.click(box["x"] + plane["L"] + 0.25 * plane["size"], box["y"] + plane["T"] + 0.25 * plane["size"])
    page.wait_for_function("document.querySelector('#dyn-status').innerText.includes('start point')", timeout=5000)
    theta, psi = (float(v) for v in re.search(r"\(θ, ψ\) = \(([-+0-9.]+), ([-+0-9.]+)\)", _status(page)).groups())
    assert theta < 0 < psi  # upper left: θ negative, ψ positive
    assert "iteration 0" in _status(page)
    time.sleep(1)
    page.screenshot(path=os.path.join(SHOTS, "game_dynamics.png"), full_page=True)
    assert not page.errors, page.errors
    page.close()
