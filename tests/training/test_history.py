"""One chart point per slice (``ganlab.training.history.record_means``)."""
from ganlab.training.history import HISTORY_KEYS, record_means
from ganlab.training.trainer import StepRecord


def test_a_slice_becomes_the_mean_of_its_records_at_its_last_step():
    records = [StepRecord(7, 0.1, 1.0, 2.0, 3.0, 0.25, 0.75, None), StepRecord(8, 0.2, 2.0, 4.0, 5.0, 0.5, 0.5, None),
               StepRecord(9, 0.6, 3.0, 6.0, 7.0, 0.75, 0.25, 1.5)]
    history = {k: [] for k in HISTORY_KEYS}
    record_means(history, records)
    record_means(history, [])  # an empty slice adds no point
    assert history == {"step": [9], "d_loss": [0.3], "g_loss": [2.0], "d_grad_norm": [4.0], "g_grad_norm": [5.0],
                       "d_real": [0.5], "d_fake": [0.5], "w1_estimate": [1.5]}  # W1: the one record that has it
    record_means(history, records[:2])
    assert history["w1_estimate"] == [1.5, None] and history["step"] == [9, 8]
    assert abs(history["d_loss"][1] - 0.15) < 1e-15 and history["d_loss"][1] != 0.1  # both ways
