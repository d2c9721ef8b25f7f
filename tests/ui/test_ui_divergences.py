import math

import pytest

from ganlab.errors import GanlabError
from ganlab.ui.divergences_tab import (
    HISTOGRAMS,
    UNIFORMS,
    compare_1d,
    parse_histogram,
    parse_uniform_mixture,
    transport_2d,
)


def test_lecture_example_through_the_tab():
    fig, text = compare_1d(UNIFORMS, "1/4 U[1,2] + 0.25 × U[3,4] + 0.5 U[9,10]", "U[5,7]")
    assert "W1 **3.0000**" in text and "KL(p‖q) **∞**" in text and "JS **0.6931**" in text
    assert len(fig.to_dict()["data"]) == 3


def test_shovel_example_through_the_tab():
    _, text = compare_1d(HISTOGRAMS, "3, 2, 1, 4", "1 2 4 3")
    assert "cost (mass × bins moved) **5.0000**" in text


@pytest.mark.parametrize("text", ["", "U[2,1]", "-1 U[0,1]", "U[0,inf]", "banana", "0.5 U[0,1] + U"])
def test_bad_mixtures_are_refused(text):
    with pytest.raises(GanlabError):
        parse_uniform_mixture(text)


@pytest.mark.parametrize("text", ["", "1, -2", "0, 0", "a, b", "nan, 1"])
def test_bad_histograms_are_refused(text):
    with pytest.raises(GanlabError):
        parse_histogram(text)


def test_histograms_must_have_equal_bins():
    with pytest.raises(GanlabError, match="same number"):
        compare_1d(HISTOGRAMS, "1, 2", "1, 2, 3")


def _cost(text):
    return float(text.split("**")[1])


def test_transport_plan_cost_grows_with_the_shift():
    near = _cost(transport_2d("line", "line", 40, 0.0, 3)[1])
    far = _cost(transport_2d("line", "line", 40, 2.5, 3)[1])
    assert 0 < near < 0.3  # two samples of the same segment: only the y values differ
    assert 2.5 <= far < 2.5 + near  # every point moves 2.5 sideways, plus a little along y
    with pytest.raises(GanlabError):
        transport_2d("ring8", "ring8", 1000, 0.0, 0)
    assert math.isfinite(_cost(transport_2d("ring8", "moons", 30, 0.0, 1)[1]))
