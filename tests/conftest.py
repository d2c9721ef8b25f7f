import os
import sys

import pytest
import torch

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)


@pytest.fixture(autouse=True)
def _one_thread():
    """Small tensors run fastest (and most repeatably) on one thread."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def app_server():
    """``python app.py`` started as a user would, on a free loopback port: (URL, process)."""
    import subprocess
    import time
    import urllib.request

    port = _free_port()
    env = dict(os.environ, GANLAB_PORT=str(port), GRADIO_SERVER_NAME="127.0.0.1", GRADIO_ANALYTICS_ENABLED="False")
    log = open(os.path.join(ROOT, "tests", "artifacts", "app.log") if os.path.isdir(os.path.join(ROOT, "tests", "artifacts"))
               else os.devnull, "w")
    proc = subprocess.Popen([sys.executable, "app.py"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/"
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2)
            break
        except OSError:
            if proc.poll() is not None:
                raise RuntimeError("app.py exited during start-up")
            time.sleep(0.3)
    else:
        proc.kill()
        raise RuntimeError("app.py did not serve within 60 s")
    yield url, proc
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()
    log.close()


@pytest.fixture(scope="session")
def app_url(app_server):
    """The running app's URL."""
    return app_server[0]


@pytest.fixture(scope="session")
def app_pid(app_server):
    """The running app's process id (for memory measurements)."""
    return app_server[1].pid


CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic"]


@pytest.fixture(scope="session")
def browser():
    """Debian's chromium driven by Playwright (headless)."""
    from playwright.sync_api import sync_playwright

    path = "/usr/bin/chromium"
    if not os.path.exists(path):
        pytest.fail("Debian's chromium is not installed (apt-get install -y chromium)")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture(autouse=True)
def _close_pages(request):
    """A browser test that fails half-way still closes its pages, so its session stops training
    (the page's watchdog) and the next tests find the server idle."""
    yield
    if "browser" in request.fixturenames:
        for context in list(request.getfixturevalue("browser").contexts):
            context.close()


_MARGINS: list[str] = []


@pytest.fixture
def margin():
    """``margin(text)`` records a measured margin (a measurement against its bar), printed in the
    suite's summary even when the test passes, so a CI log shows how close each bar was."""
    return _MARGINS.append


def pytest_terminal_summary(terminalreporter):
    if _MARGINS:
        terminalreporter.section("measured margins")
        for line in _MARGINS:
            terminalreporter.write_line(line)
