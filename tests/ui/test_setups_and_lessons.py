"""Links and lessons without a browser: a setup written into an address reads back as the same config."""
from urllib.parse import parse_qsl

import pytest

from ganlab.errors import GanlabError
from ganlab.images.presets import IMAGE_PRESETS
from ganlab.maths.dirac_gan import GAME_PRESETS
from ganlab.toy.lanes import LANE_PRESETS
from ganlab.toy.presets import PRESETS
from ganlab.ui.compare_tab import CONTROLS as LANE_CONTROLS
from ganlab.ui.dynamics_tab import CONTROLS as GAME_CONTROLS
from ganlab.ui.images_tab import STRUCTURE as IMAGE_STRUCTURE, TRAINING as IMAGE_TRAINING
from ganlab.ui.lessons import get_lesson, lesson_position, lessons, page_setup
from ganlab.ui.links import parse_value, read_setup, setup_from_query, setup_query
from ganlab.ui.toy_controls import STRUCTURE, TRAINING

TABS = {"toy": (TRAINING + STRUCTURE, PRESETS, "nonsaturating"),
        "compare": (LANE_CONTROLS, LANE_PRESETS, "pair"),
        "dynamics": (GAME_CONTROLS, GAME_PRESETS, "spiral-out"),
        "images": (IMAGE_TRAINING + IMAGE_STRUCTURE, IMAGE_PRESETS, "digits")}


def _kinds(controls):
    return {c.name: c.kind for c in controls}


def test_a_changed_setup_round_trips_through_its_query():
    base = PRESETS["wgan-gp"].config
    config = base.replace(lr_d=7e-4, seed=7, activation="tanh", hidden=96)
    query = setup_query("toy", "wgan-gp", base, config, [c.name for c in TRAINING + STRUCTURE])
    assert query.startswith("tab=toy&preset=wgan-gp&") and "lr_d=0.0007" in query and "objective" not in query
    resolved = read_setup(setup_from_query(dict(parse_qsl(query))), _kinds(TRAINING + STRUCTURE), PRESETS, "nonsaturating")
    assert resolved.preset == "wgan-gp" and resolved.config == config and resolved.notes == ()


@pytest.mark.parametrize("tab", list(TABS))
def test_every_tabs_presets_round_trip(tab):
    controls, presets, default = TABS[tab]
    for key, preset in presets.items():
        query = setup_query(tab, key, preset.config, preset.config, [c.name for c in controls])
        assert query == f"tab={tab}&preset={key}"
        resolved = read_setup(setup_from_query(dict(parse_qsl(query))), _kinds(controls), presets, default)
        assert resolved.config == preset.config and not resolved.notes


def test_settings_that_only_fit_together_apply_together():
    kinds = _kinds(LANE_CONTROLS)
    resolved = read_setup(setup_from_query({"tab": "compare", "lane2_objective": "wgan", "lane2_lipschitz": "sn"}),
                          kinds, LANE_PRESETS, "pair")
    assert not resolved.notes and resolved.config.lane2_lipschitz == "sn"


def test_bad_values_become_notes_and_the_rest_applies():
    resolved = read_setup(setup_from_query({"preset": "zzz", "lr_d": "abc", "lr_g": "0.003", "seed": "1.5",
                                            "hidden": "99999999", "batch": "nan", "colour": "red",
                                            "objective": "x" * 500}),
                          _kinds(TRAINING + STRUCTURE), PRESETS, "nonsaturating")
    base = PRESETS["nonsaturating"].config
    assert resolved.preset == "nonsaturating" and resolved.config == base.replace(lr_g=0.003)
    text = " | ".join(resolved.notes)
    for words in ("no preset 'zzz'", "'lr_d=abc' is not a number", "'seed=1.5' is not a whole number",
                  "hidden width", "'batch=nan' is not a finite number", "ignored 'colour'", "500 characters"):
        assert words in text, words
    assert all("\n" not in note for note in resolved.notes)


def test_values_read_by_kind():
    assert parse_value("x", bool, "true") is True and parse_value("x", bool, "0") is False
    assert parse_value("x", int, "3") == 3 and parse_value("x", float, "1e-3") == 1e-3
    assert parse_value("x", ["a", "b"], "b") == "b"
    with pytest.raises(GanlabError, match="not one of"):
        parse_value("x", ["a", "b"], "c")
    with pytest.raises(GanlabError, match="true or false"):
        parse_value("x", bool, "yes please")


def test_every_shipped_lesson_opens_without_a_note():
    from ganlab.ui import TABS as APP_TABS

    assert {"gan-game", "js-to-wasserstein", "mode-collapse"} <= set(lessons())
    tab_ids = {tab_id for _, tab_id in APP_TABS}
    for lesson in lessons().values():
        assert lesson.title and lesson.summary and len(lesson.steps) >= 3
        for step in lesson.steps:
            assert step.setup.tab in tab_ids and 10 < len(step.say) < 400
            if step.setup.tab in TABS:
                controls, presets, default = TABS[step.setup.tab]
                assert step.setup.preset in presets, (lesson.key, step.setup.preset)
                assert not read_setup(step.setup, _kinds(controls), presets, default).notes


def test_a_lesson_address_names_its_step():
    lesson, number, notes = lesson_position({"lesson": "mode-collapse", "step": "3"})
    assert lesson.key == "mode-collapse" and number == 3 and not notes
    setup, notes = page_setup({"lesson": "mode-collapse", "step": "3"})
    assert setup.preset == "pacgan" and not notes
    assert lesson_position({"lesson": "mode-collapse", "step": "99"})[1:] == (1, ["this lesson has steps 1–7, not '99': opened step 1"])
    assert "the lessons are" in page_setup({"lesson": "nope"})[1][0]
    assert page_setup({"presenter": "1"}) == (None, [])
    assert get_lesson("gan-game").step(100) == get_lesson("gan-game").steps[-1]


def test_a_link_plays_through_the_api():
    from ganlab.ui.toy_api import toy_live, toy_setup

    link = "http://127.0.0.1:7860/?tab=toy&preset=wgan-gp&lr_d=0.0007&seed=7&presenter=1"
    assert toy_setup(link) == PRESETS["wgan-gp"].config.replace(lr_d=7e-4, seed=7)
    with pytest.raises(GanlabError, match="not a number"):
        toy_setup("?tab=toy&lr_d=abc")
    updates = list(toy_live(seconds=1.0, link=link))
    assert updates and "error" not in updates[0] and updates[-1]["step"] > 0
    assert "error" in next(toy_live(link="?tab=images"))
