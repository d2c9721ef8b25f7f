"""The per-session state behind the live tabs (no browser needed)."""
import torch

from ganlab.errors import GanlabError
from ganlab.presets import get_preset
from ganlab.ui.compare_session import CompareSession, pair_configs
from ganlab.ui.compare_tab import line_example_view
from ganlab.ui.toy_session import ToySession


def test_pair_shares_data_seed_and_generator_initialisation():
    d_cfg, f_cfg = pair_configs("grid25", "minimax", "sn", 3)
    assert (d_cfg.data, d_cfg.seed, d_cfg.hidden, d_cfg.latent_dim) == (f_cfg.data, f_cfg.seed, f_cfg.hidden, f_cfg.latent_dim)
    session = CompareSession("ring8", "nonsaturating", "gp", 1)
    g_d, g_f = (run.experiment.trainer.generator for run in session.runs)
    assert all(torch.equal(a, b) for a, b in zip(g_d.parameters(), g_f.parameters()))


def test_lockstep_advances_both_runs_by_the_same_steps():
    session = CompareSession("ring8", "minimax", "clip", 0)
    for _ in range(3):
        session.advance()
    d, f = session.runs
    assert d.step == f.step > 0
    left, right, curves, status = session.figures(session.snapshot(measure=True))
    assert "critic" in right.to_dict()["layout"]["title"]["text"] and curves is not None
    assert f"step {d.step}" in status


def test_play_loop_yields_frames_and_stops_on_pause():
    session = ToySession(get_preset("nonsaturating").config)
    frames = 0
    for out in session.play():
        frames += 1
        assert len(out) == 4 and out[0] is not None
        if frames == 3:
            session.playing = False
    assert frames in (3, 4) and session.run.step > 0 and not session.playing


def test_close_frees_the_networks():
    session = ToySession(get_preset("nonsaturating").config)
    session.close()
    assert session.runs == [] and not session.playing


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
    outputs = list(session.play())
    assert outputs, "the loop still drew the state it stopped in"
    assert not session.playing and "diverged" in session.message
    assert 50 <= session.run.step <= good_step
    assert all(torch.isfinite(p).all() for p in session.run.experiment.trainer.generator.parameters())


def test_image_session_plays_and_measures():
    from ganlab.image_experiment import ImageConfig
    from ganlab.ui.images_session import ImageSession

    session = ImageSession(ImageConfig(width=8, batch=16), "cpu")
    session.frame_period = 0.05
    outputs = []
    for out in session.play():
        outputs.append(out)
        if len(outputs) == 6:
            session.playing = False
    grid, curves, bars, status = outputs[-1]
    assert grid.shape == (8 * 30 + 2, 8 * 30 + 2) and curves is not None
    assert session.run.metrics["step"] and "classes" in status


def test_beyond_the_training_cap_a_student_is_asked_to_wait(monkeypatch):
    from ganlab.ui import capacity

    monkeypatch.setattr(capacity, "SLOTS", capacity.TrainingSlots(1))
    first, second = ToySession(get_preset("nonsaturating").config), ToySession(get_preset("nonsaturating").config)
    playing = first.play(max_seconds=5)
    next(playing)  # the first student holds the only slot
    frames = list(second.play(max_seconds=5))
    assert len(frames) == 1 and "please wait" in second.message.lower() and not second.playing
    assert second.run.step == 0
    first.playing = False
    list(playing)
    assert capacity.SLOTS.in_use == 0  # the slot came back
    assert len(list(second.play(max_seconds=0.5))) >= 1 and second.run.step > 0


def test_a_run_pauses_itself_at_the_play_limit_and_says_so():
    session = ToySession(get_preset("nonsaturating").config)
    frames = list(session.play(max_seconds=0.6))
    assert 2 <= len(frames) <= 6 and not session.playing
    assert "paused itself" in session.message and session.run.step > 0


def test_toy_live_streams_status_updates_and_closes_its_session():
    from ganlab.ui.toy_tab import toy_live

    updates = list(toy_live("wgan-gp", 1.5))
    assert len(updates) >= 4
    steps = [u["step"] for u in updates]
    assert steps == sorted(steps) and steps[-1] > 0 and updates[-1]["modes_total"] == 8
    assert "error" in next(toy_live("no-such-preset", 5)) and "error" in next(toy_live("wgan-gp", 500))
