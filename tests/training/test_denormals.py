"""Denormal floats flushed to zero while ganlab trains (``ganlab.training.fast.denormals``)."""
import threading

import torch

from ganlab.toy.config import ToyConfig
from ganlab.toy.experiment import ToyExperiment
from ganlab.toy.run import ToyRun
from ganlab.training.fast.denormals import denormals_flushed, flush_denormals


def _product() -> float:
    """1e-30 · 1e-10 = 1e-40: a float32 denormal, unless this thread flushes them."""
    return torch.tensor(1e-30, dtype=torch.float32).mul(1e-10).item()


def test_the_switch_holds_inside_the_block_and_is_put_back_after():
    assert not denormals_flushed() and 0 < _product() < 1.2e-38
    go, seen = threading.Event(), []
    other = threading.Thread(target=lambda: (go.wait(10), seen.append(denormals_flushed())))
    other.start()
    with flush_denormals() as supported:
        assert supported and denormals_flushed() and _product() == 0.0
        with flush_denormals():
            pass
        assert denormals_flushed()  # an inner block leaves the outer one's setting alone
        go.set()
        other.join()
        assert seen == [False]  # the switch belongs to one thread (one started earlier keeps its own)
    assert not denormals_flushed() and _product() > 0


def _watch(trainer) -> list:
    seen, step = [], trainer.step

    def watched():
        seen.append(denormals_flushed())
        return step()

    trainer.step = watched
    return seen


def test_toy_training_flushes_denormals_and_leaves_the_thread_as_it_was():
    exp = ToyExperiment(ToyConfig(hidden=16, depth=2, batch=32), "cpu")
    seen = _watch(exp.trainer)
    exp.train(seconds=0.05)
    run = ToyRun(ToyConfig(hidden=16, depth=2, batch=32))
    seen_live = _watch(run.experiment.trainer)
    run.advance(max_steps=3)
    assert seen and all(seen) and seen_live == [True] * 3
    assert not denormals_flushed()
