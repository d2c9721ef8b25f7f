"""ZeroGPU slices: a training slice run in a forked worker with pickled inputs and outputs gives exactly
what it gives in-process; the entry point carries spaces.GPU; a refused GPU leaves training on the CPU."""
import importlib
import multiprocessing
import pickle

import pytest
import torch

from ganlab.images import gpu_slices
from ganlab.images.config import recommended_image_config
from ganlab.images.experiment import ImageExperiment
from ganlab.images.gpu_slices import SliceTrainer, cpu_state, train_slice

CONFIG = recommended_image_config(width=8, batch=16, seed=3, ema=0.9)


def _same(a, b) -> bool:
    if isinstance(a, torch.Tensor):
        return torch.equal(a, b)
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    return a == b


def _in_worker(payload: bytes) -> bytes:
    config, state, steps = pickle.loads(payload)
    return pickle.dumps(train_slice(config, state, steps, seconds=float("inf"), device="cpu"))


def test_a_slice_in_a_forked_worker_equals_the_slice_in_process():
    exp = ImageExperiment(CONFIG, "cpu")
    exp.trainer.step()
    start = cpu_state(exp.trainer)
    here_state, here_records = train_slice(CONFIG, start, 4, seconds=float("inf"), device="cpu")
    with multiprocessing.get_context("fork").Pool(1) as pool:  # as ZeroGPU: a forked process, pickles both ways
        there_state, there_records = pickle.loads(pool.apply(_in_worker, (pickle.dumps((CONFIG, start, 4)),)))
    assert _same(here_state, there_state) and here_records == there_records
    assert here_state["step"] == 5 and all(t.device.type == "cpu" for t in here_state["generator"].values())


def test_slices_continue_a_run_exactly_where_it_would_have_gone():
    plain = ImageExperiment(CONFIG, "cpu")
    plain_records = [plain.trainer.step() for _ in range(6)]
    sliced = ImageExperiment(CONFIG, "cpu")
    slices = SliceTrainer(lambda config, state, steps, seconds: train_slice(config, state, steps, seconds, "cpu"))
    records = slices.advance(sliced, 3, float("inf")) + slices.advance(sliced, 3, float("inf"))
    assert records == plain_records and slices.borrowing and not slices.note
    assert _same(cpu_state(sliced.trainer), cpu_state(plain.trainer))


def test_a_refused_gpu_leaves_training_on_the_cpu_with_a_note():
    def refused(*_args):
        raise RuntimeError("ZeroGPU quota exceeded: you have used your daily GPU time\n(details)")

    exp = ImageExperiment(CONFIG, "cpu")
    slices = SliceTrainer(refused)
    records = slices.advance(exp, 2, float("inf"))
    assert len(records) == 2 and exp.step == 2 and not slices.borrowing
    assert slices.note.startswith("ZeroGPU gave no GPU (ZeroGPU quota exceeded") and "CPU" in slices.note


def test_the_live_run_uses_slices_on_a_zero_gpu_space_and_says_where(monkeypatch):
    from ganlab.ui.images_session import ImageSession

    monkeypatch.setenv("SPACES_ZERO_GPU", "true")
    session = ImageSession(CONFIG)
    try:
        run = session.run
        assert run.slices is not None and run.experiment.device.type == "cpu"
        assert run.advance(max_steps=2) == 2 and "borrowed ZeroGPU GPU" in session.status()
        run.slices.slice_fn = lambda *_: (_ for _ in ()).throw(RuntimeError("No GPU was available"))
        run.advance(max_steps=1)
        assert "this server's CPU" in session.status() and "ZeroGPU gave no GPU (No GPU was available)" in session.status()
    finally:
        session.close()
    monkeypatch.delenv("SPACES_ZERO_GPU")
    assert ImageSession(CONFIG).run.slices is None  # off a Space nothing changes


def test_the_entry_point_is_decorated_with_spaces_gpu(monkeypatch):
    spaces = pytest.importorskip("spaces")
    seen = []

    def recorder(duration=None):
        def wrap(fn):
            seen.append((fn.__name__, duration))
            return fn
        return wrap

    monkeypatch.setattr(spaces, "GPU", recorder)
    try:
        importlib.reload(gpu_slices)
        assert ("train_slice", gpu_slices.SLICE_DURATION) in seen
        assert gpu_slices.GPU_ENTRY_POINTS == {"train_slice": gpu_slices.SLICE_DURATION}
    finally:
        monkeypatch.undo()
        importlib.reload(gpu_slices)
