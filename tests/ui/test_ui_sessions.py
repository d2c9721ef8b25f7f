"""The per-session state behind the live tabs (no browser needed)."""
import time

import pytest
import torch

from ganlab.errors import GanlabError
from ganlab.toy.presets import get_preset
from ganlab.toy.lanes import LANE_PRESETS
from ganlab.ui.compare_tab import line_example_view
from ganlab.ui.lanes_session import LanesSession
from ganlab.ui.toy_session import ToySession


def test_lockstep_advances_every_lane_by_the_same_steps():
    session = LanesSession(LANE_PRESETS["road-to-wgan-gp"].config)
    for _ in range(3):
        session.advance()
    steps = {run.step for run in session.runs}
    assert len(steps) == 1 and steps.pop() > 0
    session.measure_now()
    frame = session.payload()
    kinds = [p["kind"] for p in frame["panels"]]
    assert kinds == ["layered"] * 4 + ["lines"] * 6
    assert frame["panels"][2]["title"] == "3. WGAN (clipping)" and f"step {session.runs[0].step}" in frame["status"]
    assert all(p["basis"] == 25.0 for p in frame["panels"][:4])


def _play(session, seconds=None, period=0.05):
    """Play as a page would: ask for a frame every ``period`` until training stops; returns the frames."""
    assert session.start(seconds)
    frames = []
    while session.playing:
        time.sleep(period)
        frames.append(session.payload(frames[-1]["key"] if frames else ""))
    session.wait()
    return frames


def test_a_page_pulls_frames_and_pause_stops_training():
    session = ToySession(get_preset("nonsaturating").config)
    assert session.start()
    frames = []
    for _ in range(4):
        time.sleep(0.1)
        frames.append(session.payload(frames[-1]["key"] if frames else ""))
    session.pause()
    session.wait(5)
    step = session.run.step
    assert step > 0 and not session.playing and "paused" in session.payload()["status"]
    assert all(f["panels"][0]["kind"] == "layered" for f in frames if "panels" in f)
    time.sleep(0.2)
    assert session.run.step == step  # really paused
    same = session.payload(session.key())
    assert "panels" not in same  # nothing new: the page keeps what it drew


def test_a_command_gets_the_session_lock_within_a_slice_while_training_plays():
    """The trainer steps aside between slices only when someone waits (``SessionLock.waiting``)."""
    from ganlab.ui.training_session import TRAIN_SLICE

    session = ToySession(get_preset("nonsaturating").config)
    assert session.start()
    time.sleep(0.3)
    assert session.lock.waiting == 0
    waits = []
    for _ in range(10):
        start = time.perf_counter()
        with session.lock:
            waits.append(time.perf_counter() - start)
            step = session.run.step
            time.sleep(0.01)
            assert session.run.step == step  # the trainer is out while the command holds the lock
        time.sleep(0.05)
    session.pause()
    session.wait(5)
    assert session.lock.waiting == 0
    assert max(waits) < 3 * TRAIN_SLICE, waits


def test_sessions_beyond_the_cores_take_turns():
    """More sessions than ``capacity.CORES`` admits at once: each still trains (a trainer whose
    slice ends steps aside for those waiting, since Python's semaphores are not fair)."""
    from ganlab.ui import capacity

    n = capacity.CORE_SLICES + 2
    sessions = [ToySession(get_preset("nonsaturating").config) for _ in range(n)]
    try:
        assert all(s.start() for s in sessions)
        time.sleep(2.0)
    finally:
        for s in sessions:
            s.pause()
        for s in sessions:
            s.wait(5)
    steps = [s.run.step for s in sessions]
    assert min(steps) >= 0.3 * max(steps) > 0, steps


def test_charts_travel_at_most_once_a_second_while_playing():
    session = ToySession(get_preset("nonsaturating").config)
    assert session.start()
    time.sleep(0.05)
    counts, key = [], ""
    for _ in range(8):
        frame = session.payload(key)
        key = frame["key"]
        counts.append(len(frame["panels"]))
        time.sleep(0.1)
    session.close()
    assert counts.count(1) >= 5 and max(counts) == 9  # view only, or view + bars + mode strip + 6 charts


def test_a_page_that_stops_asking_pauses_its_run_and_frees_the_slot(monkeypatch):
    from ganlab.ui import capacity, training_session

    monkeypatch.setattr(training_session, "WATCHDOG_SECONDS", 1.0)

    session = ToySession(get_preset("nonsaturating").config)
    assert session.start()
    held = capacity.SLOTS.in_use
    started = time.monotonic()
    session.wait(training_session.WATCHDOG_SECONDS + 3)
    assert not session.playing and time.monotonic() - started < training_session.WATCHDOG_SECONDS + 1
    assert "stopped asking" in session.message and capacity.SLOTS.in_use == held - 1


def test_closing_a_page_closes_the_sessions_it_played():
    from ganlab.ui.training_session import close_page, find

    mine, other = ToySession(get_preset("nonsaturating").config), ToySession(get_preset("nonsaturating").config)
    assert mine.start(page="page-a") and other.start(page="page-b")
    assert find(mine.token) is mine
    assert close_page("page-a") == 1 and close_page(None) == 0
    assert mine.runs == [] and not mine.playing and other.playing
    other.close()


def test_close_frees_the_networks():
    session = ToySession(get_preset("nonsaturating").config)
    session.close()
    assert session.runs == [] and not session.playing
    assert "reload" in session.payload()["status"]


def test_line_example_view_refuses_out_of_range_theta():
    fig, text = line_example_view(0.25)
    assert "W1 **0.2500**" in text and "JS **0.6931**" in text
    try:
        line_example_view(3.0)
    except GanlabError as exc:
        assert "θ must be in [-1, 1]" in str(exc)
    else:
        raise AssertionError("θ = 3 was accepted")


def test_play_stops_with_a_message_when_training_diverges_and_keeps_the_last_good_state():
    session = ToySession(get_preset("nonsaturating").config)
    session.run.advance(max_steps=60)  # past the first snapshot (every 50 steps)
    good_step = session.run.step
    with torch.no_grad():
        session.run.experiment.trainer.generator.out.weight.fill_(float("nan"))
    outputs = _play(session)
    assert outputs and "diverged" in outputs[-1]["status"], "the page was told"
    assert not session.playing and "diverged" in session.message
    assert 50 <= session.run.step <= good_step
    assert all(torch.isfinite(p).all() for p in session.run.experiment.trainer.generator.parameters())


def test_image_session_plays_and_measures():
    from ganlab.images.config import ImageConfig
    from ganlab.ui.images_session import ImageSession

    session = ImageSession(ImageConfig(width=8, batch=16), device="cpu")
    session.measure_period = 0.1
    assert session.start()
    deadline = time.monotonic() + 20  # the first measurement, however busy the machine
    frame = session.payload("")
    while "classes" not in frame["status"] and time.monotonic() < deadline:
        time.sleep(0.1)
        frame = session.payload("")
    session.close()
    grid, bars = frame["panels"][:2]
    assert grid["kind"] == "image" and (grid["width"], grid["height"]) == (8 * 30 + 2, 8 * 30 + 2)
    assert bars["kind"] == "bars" and len(bars["labels"]) == 10 and "classes" in frame["status"]


def test_beyond_the_training_cap_a_student_waits_in_line_and_starts_by_themselves(monkeypatch):
    from ganlab.ui import capacity

    monkeypatch.setattr(capacity, "SLOTS", capacity.TrainingSlots(1))
    first, second, third = (ToySession(get_preset("nonsaturating").config) for _ in range(3))
    try:
        assert first.start(max_seconds=30)  # the first student holds the only slot
        assert not second.start(max_seconds=30) and not third.start(max_seconds=30)
        assert "you are number 1" in second.payload()["status"] and "you are number 2" in third.payload()["status"]
        assert second.waiting and not second.playing and second.run.step == 0
        third.pause()  # Pause leaves the line; the one behind moves up
        assert not third.waiting and capacity.SLOTS.position(third.token) == 0
        first.pause()
        first.wait(5)
        deadline = time.monotonic() + 5
        while not second.playing and time.monotonic() < deadline:
            second.touch()
            time.sleep(0.1)
        assert second.playing and not second.waiting  # started by itself, no click needed
        assert "you are number" not in second.payload()["status"]
    finally:
        for s in (first, second, third):
            s.close()
    assert capacity.SLOTS.in_use == 0  # every slot came back


def test_the_limit_comes_from_memory():
    from ganlab.ui import capacity

    assert capacity.memory_limit(16 * 1024) == (16 * 1024 - 1024) // 64 == 240  # a 16 GB Space
    assert capacity.memory_limit(512) == 1
    assert capacity.MAX_TRAINING >= 1


def test_a_run_pauses_itself_at_the_play_limit_and_says_so():
    session = ToySession(get_preset("nonsaturating").config)
    frames = _play(session, 0.6, period=0.1)
    assert 3 <= len(frames) <= 12 and not session.playing
    assert "paused itself" in session.message and session.run.step > 0


def test_toy_live_streams_status_updates_and_closes_its_session():
    from ganlab.ui.toy_tab import toy_live

    updates = list(toy_live("wgan-gp", 1.5))
    assert len(updates) >= 4
    steps = [u["step"] for u in updates]
    assert steps == sorted(steps) and steps[-1] > 0 and updates[-1]["modes_total"] == 8
    assert "error" in next(toy_live("no-such-preset", 5)) and "error" in next(toy_live("wgan-gp", 500))


def test_thread_chooser_tries_each_option_then_keeps_the_fastest_and_notices_a_change():
    from ganlab.ui.capacity import ThreadChooser

    chooser = ThreadChooser(options=(2, 1), explore=5, smoothing=0.5)
    assert chooser.pick() == 2
    chooser.report(2, 4000.0)
    assert chooser.pick() == 1
    chooser.report(1, 2700.0)
    picks = []
    for _ in range(10):  # two threads are faster: used, except every 5th slice tries one
        n = chooser.pick()
        picks.append(n)
        chooser.report(n, 4000.0 if n == 2 else 2700.0)
    assert picks.count(1) == 2 and picks.count(2) == 8
    for _ in range(30):  # the browser now takes a core: two threads fall to 1,400 images/s
        n = chooser.pick()
        chooser.report(n, 1400.0 if n == 2 else 2200.0)
    assert chooser.pick() == 1 and chooser.rates[1] == pytest.approx(2200.0, rel=0.05)


def test_an_image_session_playing_alone_measures_its_thread_counts():
    from ganlab.images.config import recommended_image_config
    from ganlab.ui.images_session import ImageSession

    session = ImageSession(recommended_image_config(seed=0), device="cpu")
    for _ in range(3):
        session.advance()
    assert set(session.threads.rates) == set(session.threads.options)
    assert all(rate > 0 for rate in session.threads.rates.values())


def test_the_mnist_tab_counts_stackedmnists_1000_modes_and_draws_them():
    from ganlab.images.config import recommended_image_config
    from ganlab.ui.images_session import ImageSession

    session = ImageSession(recommended_image_config(data="stacked-mnist", seed=0), device="cpu")
    session.advance()
    session.measure()
    panels = {p["key"]: p for p in session.panels(session.frames(), True)}
    assert {"grid", "modemap", "modes", "kl"} <= set(panels) and "histogram" not in panels
    assert "/1000" in session.status() and "1,000 samples" in session.status()
    covered = sum(1 for c in session.run.last_histogram if c)
    assert panels["modemap"]["title"] == f"the 1000 modes: {covered} covered"


def test_the_mode_map_lights_covered_modes_only():
    import numpy as np

    from ganlab.viz.panels import mode_map

    counts = np.zeros(1000, dtype=int)
    counts[307] = 5  # red 3, green 0, blue 7
    image = mode_map(counts, cell=4)
    gap, block = 4, 40
    y, x = gap + 0 * 4, gap + 3 * (block + gap) + 7 * 4  # block 3 (top row), row 0, column 7
    assert tuple(image[y, x]) == (0, 109, 44)  # the fullest mode: darkest green
    assert tuple(image[y, x + 4]) == (60, 60, 60)  # its neighbour 308: never seen


def test_two_controls_changed_at_once_both_land():
    """Gradio runs two boxes' change events side by side; one must not overwrite the other's setting
    (a copied link once lost its learning rate to the seed changed a moment later)."""
    import threading

    session = ToySession(get_preset("wgan-gp").config)
    try:
        for i in range(30):
            lr, seed = 1e-4 * (i + 1), 100 + i
            threads = [threading.Thread(target=session.set_field, args=("lr_d", lr)),
                       threading.Thread(target=session.set_field, args=("seed", seed))]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            assert (session.pending.lr_d, session.pending.seed) == (lr, seed)
            assert session.config.lr_d == lr  # a training setting applies live; the seed waits for Reset
    finally:
        session.close()
