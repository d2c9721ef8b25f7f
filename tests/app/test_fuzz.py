"""Hostile input: random values at the API endpoints and the control handlers' entry points.

Each call ends in a result or a one-line GanlabError (or an {"error": ...} answer) — never another
exception, never a hang."""
import math
import os

import numpy as np
import pytest
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ganlab.errors import GanlabError
from ganlab.images.latent import interpolate
from ganlab.images.uploads import to_digit
from ganlab.toy.lanes import LANE_PRESETS
from ganlab.ui import compare_tab, images_tab, toy_tab

NASTY = st.one_of(
    st.none(), st.just(""), st.just(" "), st.booleans(),
    st.integers(min_value=-10**30, max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([math.nan, math.inf, -math.inf, 0, -1, 0.0, 1e308, -1e-308, 2**63, "nan", "1e9", "ring8"]),
    st.text(max_size=12), st.lists(st.integers(), max_size=3), st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
)
# The same 150 examples every run (derandomize), so CI's verdict does not depend on the draw; explore
# new ones with `GANLAB_FUZZ_RANDOM=1 python -m pytest tests/app/test_fuzz.py --hypothesis-seed=N`. Random
# draws in CI found two real bugs this way (a conditional GAN sized without labels, width 4.0 kept as
# a float), each now a unit test of its own.
FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow],
                derandomize=os.environ.get("GANLAB_FUZZ_RANDOM") is None)


def _one_line(exc: Exception) -> None:
    assert str(exc) and "\n" not in str(exc) and "Traceback" not in str(exc)


@pytest.fixture(scope="module")
def sessions():
    """One Toy 2D, one MNIST and one Compare losses session that every drawn value is typed into."""
    from ganlab.ui.images_session import ImageSession
    from ganlab.ui.lanes_session import LanesSession
    from ganlab.ui.toy_session import ToySession

    made = {"toy": ToySession(toy_tab.toy_controller().start),
            "img": ImageSession(images_tab.images_controller().start, device="cpu"),
            "cmp": LanesSession(LANE_PRESETS["pair"].config)}
    yield made
    for session in made.values():
        session.close()


def _value(data, control):
    choices = [c[1] if isinstance(c, tuple) else c for c in control.kind] if isinstance(control.kind, list) else None
    return data.draw(st.one_of(NASTY, st.sampled_from(choices)) if choices else NASTY)


@FAST
@given(st.data())
def test_any_value_in_any_control_applies_waits_or_is_refused_in_one_line(sessions, data):
    """Whatever is typed, the session keeps a valid config in force and says what happened in one line."""
    for name, controls in (("toy", toy_tab.TRAINING + toy_tab.STRUCTURE),
                           ("img", images_tab.TRAINING + images_tab.STRUCTURE), ("cmp", compare_tab.CONTROLS)):
        session = sessions[name]
        control = data.draw(st.sampled_from(controls))
        note = session.set_field(control.name, _value(data, control))
        assert "\n" not in note.note and "Traceback" not in note.note
        assert note.value == getattr(session.pending, control.name)
        type(session.config).from_dict(session.config.to_dict())  # still a valid config
        type(session.pending).from_dict(session.pending.to_dict())


@FAST
@given(NASTY, NASTY)
def test_interpolation_arguments(steps, method):
    try:
        path = interpolate(torch.zeros(4), torch.ones(4), steps, method)
    except GanlabError as exc:
        _one_line(exc)
        return
    assert path.shape == (steps, 4)


@FAST
@given(st.integers(0, 4).flatmap(lambda d: st.tuples(*[st.integers(0, 40)] * d)),
       st.sampled_from([np.float32, np.uint8, np.float64]), st.floats(allow_nan=True, allow_infinity=True))
def test_any_array_becomes_a_digit_or_a_message(shape, dtype, fill):
    with np.errstate(all="ignore"):
        array = np.full(shape, fill).astype(dtype) if np.isfinite(fill) or dtype != np.uint8 else np.zeros(shape, dtype)
    if array.ndim >= 2 and array.size:
        array.flat[0] = 0
    try:
        digit = to_digit(array)
    except GanlabError as exc:
        _one_line(exc)
        return
    assert digit.shape == (28, 28) and torch.isfinite(digit).all()


@pytest.fixture(scope="module")
def latent_session():
    from ganlab.ui.latent_session import LatentSession

    session = LatentSession("dcgan-mnist")
    session.pick(0)
    session.pick(1)
    return session


@FAST
@given(kind=NASTY, index=NASTY, amount=NASTY, steps=NASTY, method=NASTY, c=NASTY, src=NASTY, dst=NASTY, pick=NASTY)
def test_latent_views_answer_everything(latent_session, kind, index, amount, steps, method, c, src, dst, pick):
    s = latent_session
    calls = [lambda: s.direction_walk(kind, index, amount), lambda: s.direction_point(kind, index, amount),
             lambda: s.interpolation(steps, method),
             lambda: s.arithmetic_view(c), lambda: s.change_class(src, dst), lambda: s.pick(pick)]
    for call in calls:
        try:
            call()
        except GanlabError as exc:
            _one_line(exc)
    s.a = s.a or s.b


def _answers(call) -> None:
    try:
        call()
    except GanlabError as exc:
        _one_line(exc)


@FAST
@given(NASTY, NASTY, NASTY)
def test_divergence_views_answer_everything(kind, p_text, q_text):
    from ganlab.ui.divergences_tab import compare_1d

    _answers(lambda: compare_1d(kind, p_text, q_text))
    _answers(lambda: compare_1d("mixture", p_text, "0.5 U[0,1] + 0.5 U[2,3]"))
    _answers(lambda: compare_1d("histogram", p_text, "3, 2, 1, 4"))


@settings(max_examples=60, deadline=None)
@given(NASTY, NASTY, NASTY, NASTY, NASTY)
def test_transport_view_answers_everything(a, b, n, shift, seed):
    from ganlab.ui.divergences_tab import transport_2d

    _answers(lambda: transport_2d(a, b, n, shift, seed))
    _answers(lambda: transport_2d("ring8", "moons", 10, shift, seed))
    _answers(lambda: transport_2d(a, b, 10, 0.0, 0))


@FAST
@given(NASTY, NASTY, NASTY, NASTY, NASTY, NASTY)
def test_building_block_views_answer_everything(x_text, u_text, stride, padding, cell, arch):
    from ganlab.ui.blocks_tab import convolution_view, generator_html, transposed_view

    _answers(lambda: convolution_view(x_text, u_text, stride, padding, cell))
    _answers(lambda: convolution_view("1 2 3\n4 5 6\n7 8 9", "1 0\n0 1", stride, padding, cell))
    _answers(lambda: transposed_view(x_text, u_text, stride, padding))
    _answers(lambda: generator_html(arch))


@FAST
@given(NASTY)
def test_line_example_answers_everything(theta):
    from ganlab.ui.compare_tab import line_example_view

    _answers(lambda: line_example_view(theta))
