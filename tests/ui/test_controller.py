"""The live-tab controller and its sessions: settings applied live or on Reset, refused values, limits,
seeds that other students cannot disturb (no browser needed; tests/app has the browser's side)."""
import threading
import time

import pytest
import torch

from ganlab.images.presets import get_image_preset
from ganlab.toy.presets import get_preset
from ganlab.toy.lanes import LaneSettings
from ganlab.ui.lanes_session import LanesSession
from ganlab.ui.images_session import ImageSession
from ganlab.ui.toy_session import ToySession


def _build_app():
    from ganlab.ui import build_app

    return build_app()


def test_number_boxes_apply_when_finished_never_per_keystroke():
    """Typing 1e-4 passes through '1': a box bound to change or input would apply lr = 1. Every live
    tab's number boxes answer Enter (submit) and leaving the box (blur) only."""
    app = _build_app()
    numbers = {bid for bid, block in app.blocks.items() if type(block).__name__ == "Number"
               and str(getattr(block, "elem_id", "") or "").split("-")[0] in ("toy", "img", "cmp")}
    assert len(numbers) >= 15
    for fn in app.fns.values():
        for block_id, event in fn.targets:
            if block_id in numbers:
                assert event in ("submit", "blur"), (app.blocks[block_id].elem_id, event)


def test_a_training_setting_applies_live_in_the_mnist_tab_while_it_plays():
    session = ImageSession(get_image_preset("digits").config, device="cpu")
    trainer = session.run.experiment.trainer
    generator, discriminator = trainer.generator, trainer.discriminator
    try:
        assert session.start()
        time.sleep(1.5)
        before = session.run.step
        note = session.set_field("lr_g", 1e-4)
        assert not note.refused and "applied" in note.note
        time.sleep(1.5)
        assert session.run.step > before  # the run went on: no restart
        assert session.run.experiment.trainer is trainer and trainer.generator is generator
        assert trainer.discriminator is discriminator
        assert trainer.opt_g.param_groups[0]["lr"] == 1e-4 and session.config.lr_g == 1e-4
        session.pause()
        session.wait(5)
        paused_at = session.run.step
        assert session.start()  # Play after Pause goes on from there
        time.sleep(0.5)
        assert session.run.step >= paused_at and trainer.generator is generator
    finally:
        session.close()


@pytest.mark.parametrize("name,value,words", [("lr_g", -3, "learning rate"), ("batch", 100000, "batch size"),
                                              ("batch", 2.5, "whole number"), ("lr_d", None, "empty")])
def test_a_bad_value_is_refused_with_its_reason_and_the_value_in_force_stays(name, value, words):
    session = ImageSession(get_image_preset("digits").config, device="cpu")
    try:
        kept = getattr(session.config, name)
        note = session.set_field(name, value)
        assert note.refused and words in note.note and f"kept {kept}" in note.note and note.value == kept
        assert getattr(session.config, name) == kept and getattr(session.pending, name) == kept
        assert note.note in session.message
    finally:
        session.close()


def test_structural_changes_wait_for_reset_and_say_so():
    session = ToySession(get_preset("nonsaturating").config)
    try:
        session.run.advance(max_steps=5)
        note = session.set_field("hidden", 32)
        assert not note.refused and "Reset" in note.note and session.config.hidden == 64
        assert session.run.step == 5 and session.waiting_for_reset() == ["hidden"]
        session.reset()
        assert session.config.hidden == 32 and session.run.step == 0 and not session.waiting_for_reset()
    finally:
        session.close()


def test_the_largest_network_is_refused_at_once_with_the_limit():
    session = ToySession(get_preset("nonsaturating").config)
    try:
        assert not session.set_field("depth", 16).refused  # alone it fits
        started = time.perf_counter()
        note = session.set_field("hidden", 4096)
        took = time.perf_counter() - started
        assert note.refused and "too big for a session" in note.note and "GANLAB_SESSION_MB" in note.note
        assert took < 1.0, took
        assert session.pending.hidden == 64 and session.run.config.hidden == 64  # nothing was built
    finally:
        session.close()


def test_a_conditional_mnist_gan_is_sized_with_its_labels():
    """Found by the fuzz test: the cost check called G(z) without y and a TypeError reached the page."""
    from ganlab.images.config import ImageConfig
    from ganlab.images.experiment import image_cost

    plain, conditional = image_cost(ImageConfig()), image_cost(ImageConfig(conditional=True))
    assert conditional.parameters > plain.parameters  # the label embedding and D's projection
    assert abs(conditional.flops / plain.flops - 1) < 0.05


def test_after_reset_the_old_speed_is_gone_from_the_status():
    session = ToySession(get_preset("nonsaturating").config)
    try:
        session.rate, session.fps = 278.0, 5.0
        session.reset()
        assert "steps/s" not in session.status() and "step 0" in session.status()
    finally:
        session.close()


def test_compare_seeds_must_be_whole_and_not_negative():
    session = LanesSession(LaneSettings())
    try:
        for bad in (-5, 3.7, 1e20):
            assert session.set_field("seed", bad).refused
        assert session.set_field("seed", 4.0).value == 4 and "Reset" in session.message
    finally:
        session.close()


def test_sizing_a_network_on_the_meta_device_draws_nothing_from_the_global_rng():
    torch.manual_seed(0)
    expected = torch.randn(3)
    torch.manual_seed(0)
    with torch.device("meta"):
        torch.nn.Linear(100, 100), torch.nn.Conv2d(3, 8, 3)
    assert torch.equal(torch.randn(3), expected)


def _metrics(session: LanesSession, steps: int) -> list:
    with session.lock:
        for run in session.runs:  # lockstep, an exact number of steps (a play slice is timed)
            if steps > run.step:
                run.advance(max_steps=steps - run.step)
    session.measure_now()
    return [(run.step, run.metrics["w1"][-1], run.metrics["modes_covered"][-1]) for run in session.runs]


def _two_students() -> list:
    """Two sessions with the same seed, each built and trained to step 100 in a thread of its own:
    their step-0 and step-100 metrics."""
    results: list = [None, None]

    def student(i):
        s = LanesSession(LaneSettings(seed=3))
        try:
            results[i] = (_metrics(s, 0), _metrics(s, 100))
        finally:
            s.close()

    threads = [threading.Thread(target=student, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    return results


def test_a_seeded_run_gives_the_same_numbers_whatever_other_students_do():
    from ganlab.images.classifiers import load_classifier
    from ganlab.images.pretrained import load_generator, shipped_models
    from ganlab.toy.experiment import toy_cost
    from ganlab.ui.blocks_tab import generator_html

    alone = _two_students()
    assert alone[0] == alone[1]
    first_w1 = [w1 for _, w1, _ in alone[0][0]]
    assert first_w1[0] == first_w1[1]  # both generators of a pair start from the same weights

    third = ToySession(get_preset("mode-collapse").config)  # a third student trains meanwhile ...
    busy = threading.Event()

    def page_loads():  # ... and others open pages (the Building blocks table), load models, size networks
        while not busy.is_set():
            generator_html("seed004")
            load_classifier("mnist")
            load_generator(next(iter(shipped_models().values())))
            toy_cost(get_preset("mode-collapse").config)

    loader = threading.Thread(target=page_loads)
    assert third.start()
    loader.start()
    try:
        crowded = _two_students()
    finally:
        busy.set()
        loader.join(30)
        third.close()
    assert crowded[0] == crowded[1] == alone[0]


def test_whole_numbers_typed_with_a_point_become_ints_in_every_config():
    """Found by the fuzz test: width 4.0 passed the check and reached nn.ConvTranspose2d as a float."""
    from ganlab.images.config import ImageConfig
    from ganlab.images.experiment import image_cost
    from ganlab.toy.config import ToyConfig

    image = ImageConfig(width=8.0, batch=16.0, seed=3.0)
    assert (type(image.width), type(image.batch), type(image.seed)) == (int, int, int)
    assert image_cost(image).parameters > 0
    toy = ToyConfig(hidden=32.0, depth=2.0, latent_dim=2.0, n_critic=2.0)
    assert all(type(getattr(toy, k)) is int for k in ("hidden", "depth", "latent_dim", "n_critic"))
