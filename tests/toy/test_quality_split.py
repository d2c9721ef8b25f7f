"""Precision and recall on a toy: a collapse reads as quality without diversity."""
from ganlab.toy.presets import get_preset
from ganlab.toy.run import ToyRun
from ganlab.ui.toy_session import ToySession


def test_a_collapsed_toy_is_precise_but_not_diverse_and_the_tab_can_switch_it_on():
    run = ToyRun(get_preset("mode-collapse").config, quality_split=True)
    run.advance(max_steps=1500)
    out = run.measure()
    assert out["modes_covered"] <= 2 and out["precision"] > 0.8 and out["recall"] < 0.3
    session = ToySession(get_preset("nonsaturating").config)
    try:
        session.measure_now()
        assert session.run.metrics["precision"][-1] is None  # off unless asked for
        session.split_quality(True)
        assert session.run.metrics["precision"][-1] is not None and "precision" in session.status()
        assert any(p["key"] == "pr" for p in session.payload()["panels"])
        session.reset()
        assert session.run.quality_split  # the option outlives a Reset
    finally:
        session.close()
