import torch

from ganlab.training.optim import FlatAdam, FlatRMSprop, make_optimizer


def _run(opt_factory, steps=7):
    torch.manual_seed(0)
    flat = torch.nn.Parameter(torch.randn(50))
    flat.grad = torch.zeros_like(flat)
    opt = opt_factory(flat)
    for t in range(steps):
        flat.grad.copy_(torch.sin(flat.detach() * (t + 1)))
        opt.step()
        if t == 3:
            opt.param_groups[0]["lr"] = 0.005  # a decayed learning rate is honoured
    return flat.detach().clone(), opt


def test_flat_adam_takes_exactly_adams_steps():
    ours, opt = _run(lambda p: FlatAdam(p, lr=0.01, betas=(0.5, 0.99)))
    fused, fused_opt = _run(lambda p: torch.optim.Adam([p], lr=0.01, betas=(0.5, 0.99), fused=True))
    plain, _ = _run(lambda p: torch.optim.Adam([p], lr=0.01, betas=(0.5, 0.99)))
    assert torch.equal(ours, fused)  # the same kernel on the same numbers
    assert torch.equal(opt.state_dict()["state"][0]["exp_avg_sq"], fused_opt.state_dict()["state"][0]["exp_avg_sq"])
    assert abs(opt.state_dict()["state"][0]["step"].item() - 7) < 1e-9
    assert (ours - plain).abs().max().item() < 1e-6  # and the textbook update up to rounding


def test_flat_adam_state_dict_round_trips():
    _, opt = _run(lambda p: FlatAdam(p, lr=0.01, betas=(0.0, 0.99)))
    flat = torch.nn.Parameter(torch.zeros(50))
    flat.grad = torch.ones_like(flat)
    other = make_optimizer("adam", [flat], 0.01, (0.0, 0.99))
    assert isinstance(other, FlatAdam)
    other.load_state_dict(opt.state_dict())
    other.step()  # continues from step 7, not from scratch
    assert abs(other.state[flat]["step"].item() - 8) < 1e-9


def test_flat_rmsprop_takes_exactly_rmsprops_steps_and_round_trips():
    ours, opt = _run(lambda p: FlatRMSprop(p, lr=0.01, alpha=0.9))
    foreach, foreach_opt = _run(lambda p: torch.optim.RMSprop([p], lr=0.01, alpha=0.9, foreach=True))
    single, _ = _run(lambda p: torch.optim.RMSprop([p], lr=0.01, alpha=0.9, foreach=False))
    assert torch.equal(ours, single) and (ours - foreach).abs().max().item() < 1e-7
    assert torch.equal(opt.state_dict()["state"][0]["square_avg"], foreach_opt.state_dict()["state"][0]["square_avg"])
    flat = torch.nn.Parameter(torch.zeros(50))
    flat.grad = torch.ones_like(flat)
    other = make_optimizer("rmsprop", [flat], 0.01, (0.0, 0.9))
    assert isinstance(other, FlatRMSprop)
    other.load_state_dict(opt.state_dict())
    other.step()
    assert abs(other.state[flat]["step"].item() - 8) < 1e-9
