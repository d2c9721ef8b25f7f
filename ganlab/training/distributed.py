"""Scaling out: one image GAN trained by N processes started with ``torchrun``.

Data parallelism, the way the large GAN codebases do it (stylegan3, R3GAN): every process (rank)
holds the same G and D, draws its own share of each batch, and the gradients are averaged before
every update,

    ∇θ L(global batch) = (1/N) Σ_r ∇θ L(rank r's batch of B/N)      (losses are means over samples)

so N processes take the same steps as one process fed the union of their batches. ganlab keeps each
network's parameters and gradients in one flat buffer (``flat.py``), so averaging is one
``all_reduce`` of that buffer per update, and only of the network being updated: D's gradient after
each discriminator step, G's after the generator step; the frozen network never syncs. (PyTorch's
``DistributedDataParallel`` would hook every parameter and all-reduce whatever a backward pass
touched; with D frozen during G's step that needs ``requires_grad`` toggling and ``no_sync``, as in
stylegan2-ada. One flat all-reduce per phase is the same arithmetic in one message.)

What differs by rank: its shard of the training images (every N-th image from its own offset) and
its random stream (latents, batches, α of the gradient penalty), seeded ``seed + 1 + rank · 1,000,003``.
What does not: the networks' initial weights (the same seed; broadcast from rank 0 to be sure),
hence every update. Batch norm is the exception: each rank normalises by the statistics of its own
B/N samples, unless ``GlobalBatchNorm2d`` (``--sync-bn``) all-reduces them over the global batch.

Backends: NCCL with one GPU per process on CUDA, gloo on CPU. Without torchrun nothing here runs.
"""
from __future__ import annotations

import os
from dataclasses import dataclass

import torch
import torch.distributed as dist
from torch import nn

RANK_SEED_STRIDE = 1_000_003


@dataclass(frozen=True)
class World:
    """This process's place in the job: rank r of ``size`` processes (a single process: 0 of 1)."""

    rank: int = 0
    size: int = 1
    local_rank: int = 0
    backend: str | None = None

    @property
    def is_main(self) -> bool:
        """Rank 0 writes checkpoints and samples, measures, and prints the JSON."""
        return self.rank == 0

    @property
    def distributed(self) -> bool:
        return self.size > 1

    def seed_offset(self) -> int:
        """Added to the trainer's random seed: each rank draws its own batches and latents."""
        return self.rank * RANK_SEED_STRIDE


def join(device: str = "auto") -> tuple[World, str]:
    """Join the torchrun job described by the environment (RANK, WORLD_SIZE, LOCAL_RANK, MASTER_ADDR…),
    or stay a single process when there is none. Returns the world and the device this rank uses:
    ``cuda:<local rank>`` with NCCL when CUDA is there and not refused, else the CPU with gloo."""
    size = int(os.environ.get("WORLD_SIZE", "1"))
    if size <= 1:
        return World(), device
    rank, local_rank = int(os.environ["RANK"]), int(os.environ.get("LOCAL_RANK", "0"))
    use_cuda = torch.cuda.is_available() and device in ("auto", "cuda") or device.startswith("cuda")
    if use_cuda:
        torch.cuda.set_device(local_rank)
        device, backend = f"cuda:{local_rank}", "nccl"
    else:
        device, backend = "cpu", "gloo"
    if not dist.is_initialized():
        dist.init_process_group(backend)
    return World(rank, size, local_rank, backend), device


def leave(world: World) -> None:
    """End this rank's part in the job (after the last collective)."""
    if world.distributed and dist.is_initialized():
        dist.barrier()
        dist.destroy_process_group()


def gradient_averager(world: World):
    """The trainer's ``grad_sync``: averages a flat gradient buffer over the ranks, in place (None alone)."""
    if not world.distributed:
        return None

    def average(grad: torch.Tensor) -> None:
        dist.all_reduce(grad, op=dist.ReduceOp.SUM)
        grad.div_(world.size)

    return average


def broadcast_parameters(module: nn.Module, world: World) -> None:
    """Rank 0's parameters and buffers on every rank."""
    if world.distributed:
        with torch.no_grad():
            for tensor in list(module.parameters()) + list(module.buffers()):
                dist.broadcast(tensor.data, 0)


def agree(values: list[float], world: World) -> list[float]:
    """Rank 0's ``values`` on every rank (e.g. whether a time budget is spent, and the decay horizon)."""
    if not world.distributed:
        return values
    tensor = torch.tensor(values, dtype=torch.float64)
    if world.backend == "nccl":
        tensor = tensor.cuda()
    dist.broadcast(tensor, 0)
    return tensor.tolist()


class GlobalBatchNorm2d(nn.BatchNorm2d):
    """Batch norm whose statistics are those of the global batch (all ranks), on CPU and GPU alike.

    Each rank sums x per channel over its own samples, all-reduces the sums and the count, then does
    the same for (x − μ)², with ``torch.distributed.nn.all_reduce``, which is differentiable (its
    backward all-reduces the gradients), so the backward pass sees the global statistics too:

        μ = Σ_ranks Σ x / n,   σ² = Σ_ranks Σ (x − μ)² / n,   y = γ (x − μ) / √(σ² + ε) + β.

    Running statistics are updated as ``nn.BatchNorm2d`` does (unbiased σ² · n / (n − 1)). Alone, or
    in eval mode, it is plain batch norm. (PyTorch's ``nn.SyncBatchNorm`` does the same on GPUs only.)
    """

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if not (self.training and dist.is_available() and dist.is_initialized() and dist.get_world_size() > 1):
            return super().forward(x)
        from torch.distributed.nn import all_reduce

        channels = x.shape[1]
        count = torch.full((1,), x.numel() // channels, dtype=x.dtype, device=x.device)
        sums = all_reduce(torch.cat([x.sum((0, 2, 3)), count]))
        n = sums[-1]
        mean = sums[:channels] / n
        centred = x - mean.view(1, channels, 1, 1)
        var = all_reduce(centred.pow(2).sum((0, 2, 3))) / n
        if self.track_running_stats:
            with torch.no_grad():
                self.num_batches_tracked.add_(1)
                m = self.momentum if self.momentum is not None else 1.0 / float(self.num_batches_tracked)
                self.running_mean.mul_(1 - m).add_(mean.detach(), alpha=m)
                self.running_var.mul_(1 - m).add_(var.detach() * n / (n - 1), alpha=m)
        shape = (1, channels, 1, 1)
        y = centred * torch.rsqrt(var.view(shape) + self.eps)
        return y * self.weight.view(shape) + self.bias.view(shape) if self.affine else y


def use_global_batch_norm(module: nn.Module) -> nn.Module:
    """Replace every ``BatchNorm2d`` in ``module`` by a ``GlobalBatchNorm2d`` with the same state."""
    for name, child in module.named_children():
        if type(child) is nn.BatchNorm2d:
            synced = GlobalBatchNorm2d(child.num_features, child.eps, child.momentum, child.affine,
                                       child.track_running_stats)
            synced.load_state_dict(child.state_dict())
            setattr(module, name, synced)
        else:
            use_global_batch_norm(child)
    return module
