import json

from ganlab.config import ToyConfig
from ganlab.live import LiveToyRun
from ganlab.viz import history_figure, layered_figure, mode_bars


def _run(objective="nonsaturating"):
    run = LiveToyRun(ToyConfig(objective=objective, hidden=16, depth=2, batch=32))
    for _ in range(3):
        run.advance(max_steps=5)
        run.measure()
    return run


def test_layered_figure_has_each_layer_and_stays_small():
    run = _run()
    fig = layered_figure(run.frame(), title="t")
    names = [t.name for t in fig.data]
    assert names == ["D(x)", "generator manifold", "real samples", "generated samples", "generator gradient −∂L_G/∂x"]
    assert fig.data[0].zmin == 0 and fig.data[0].zmax == 1
    assert len(fig.to_json()) < 80_000  # a frame must stay tens of kB
    only = layered_figure(run.frame(), layers=("real", "fake"))
    assert [t.name for t in only.data] == ["real samples", "generated samples"]


def test_critic_surface_uses_a_symmetric_scale():
    run = _run("wgan")
    heat = layered_figure(run.frame()).data[0]
    assert heat.name == "critic f(x)" and abs(heat.zmin + heat.zmax) < 1e-12


def test_history_figure_shows_the_critic_estimate_next_to_exact_w1():
    run = _run("wgan")
    names = {t.name for t in history_figure(run.history, run.metrics, True, 8).data}
    assert {"exact W1 (POT)", "critic estimate E f(x) − E f(G(z))", "modes covered", "grid JS"} <= names
    names = {t.name for t in history_figure(run.history, run.metrics, False, 8).data}
    assert "critic estimate E f(x) − E f(G(z))" not in names and "D(real)" in names


def test_mode_bars():
    fig = mode_bars([5, 0, 3], 8)
    assert list(fig.to_dict()["data"][0]["y"]) == [5, 0, 3]
    assert "no modes" in json.dumps(mode_bars(None, 0).to_dict())
