import torch
from torch import nn

from ganlab.training.fast.flat import flatten_parameters


def test_parameters_become_views_of_one_buffer():
    net = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 2))
    x = torch.randn(5, 3)
    before = net(x).detach()
    flat = flatten_parameters(net)
    assert flat.numel() == sum(p.numel() for p in net.parameters())
    assert torch.equal(net(x).detach(), before)
    with torch.no_grad():
        flat.mul_(0)
    assert all(p.abs().sum() == 0 for p in net.parameters())


def test_autograd_accumulates_into_the_flat_gradient():
    net = nn.Linear(3, 1)
    flat = flatten_parameters(net)
    net(torch.ones(2, 3)).sum().backward()
    assert torch.equal(flat.grad, torch.tensor([2.0, 2.0, 2.0, 2.0]))
    flat.grad.zero_()
    assert net.weight.grad.abs().sum() == 0
