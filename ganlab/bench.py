"""Speed measurements: the ganlab trainer against a plain PyTorch loop, measured in one run.

The plain loop is the one the PyTorch DCGAN tutorial teaches, for the *same* networks, batch,
objective and Lipschitz method: D's loss on the real batch and on the fake batch each
back-propagated on its own, label tensors, fakes made with a graph and then detached, a fresh
generator forward for the G step (the textbook algorithm) with D's weight gradients computed and
thrown away, default (for-each) Adam, float32, and PyTorch's default thread count (and, for
reference, the same loop on one thread). The loops run alternately ``repeats`` times; medians are
reported. Toy loops share this process; image loops each get a process of their own, because
glibc's malloc settings (``ganlab.training.fast.allocator``) are per process and matter there.
"""
from __future__ import annotations

import statistics
import time

import torch
import torch.nn.functional as F

from ganlab.errors import GanlabError
from ganlab.toy.config import ToyConfig
from ganlab.toy.experiment import ToyExperiment, build_toy_networks
from ganlab.toy.presets import recommended
from ganlab.training.fast.denormals import flush_denormals
from ganlab.training.device import machine_line

BENCH_OBJECTIVES = ("minimax", "nonsaturating", "wgan", "wgan-gp", "hinge", "lsgan", "r3gan")


def notebook_losses(objective: str, batch: int):
    """Each objective's losses written again, independently, the way a notebook writes them (BCE with
    label tensors; each loss a few lines of its own): (loss on D's real outputs, loss on D's fake
    outputs, generator loss). The plain loop below uses them; a test holds them equal to
    ``training.objectives``, so the benchmark's baseline is a second, separate statement of the maths."""
    bce = torch.nn.BCEWithLogitsLoss()
    ones, zeros = torch.full((batch, 1), 1.0), torch.full((batch, 1), 0.0)
    if objective in ("minimax", "nonsaturating"):
        g_loss = (lambda out: -bce(out, zeros)) if objective == "minimax" else (lambda out: bce(out, ones))
        return (lambda out: bce(out, ones)), (lambda out: bce(out, zeros)), g_loss
    if objective == "hinge":
        return (lambda out: F.relu(1 - out).mean()), (lambda out: F.relu(1 + out).mean()), (lambda out: -out.mean())
    if objective == "lsgan":
        return ((lambda out: 0.5 * ((out - 1) ** 2).mean()), (lambda out: 0.5 * (out ** 2).mean()),
                (lambda out: 0.5 * ((out - 1) ** 2).mean()))
    return (lambda out: -out.mean()), (lambda out: out.mean()), (lambda out: -out.mean())  # wgan, wgan-gp


def plain_toy_loop(config: ToyConfig):
    """A closure running one textbook training iteration per call, for ``config``'s networks."""
    from ganlab.toy.data import get_toy

    g, d = build_toy_networks(config.replace(precision="fp32"), torch.device("cpu"))
    method = config.lipschitz_method
    if method == "sn":
        for layer in [m for m in d.modules() if isinstance(m, torch.nn.Linear)]:
            torch.nn.utils.parametrizations.spectral_norm(layer)
    dist = get_toy(config.data, config.points)
    opt_cls = {"adam": torch.optim.Adam, "rmsprop": torch.optim.RMSprop, "sgd": torch.optim.SGD}[config.optimizer]
    extra_g = {"betas": config.betas_g} if config.optimizer == "adam" else {}
    extra_d = {"betas": config.betas_d} if config.optimizer == "adam" else {}
    opt_g = opt_cls(g.parameters(), lr=config.lr_g, **extra_g)
    opt_d = opt_cls(d.parameters(), lr=config.lr_d, **extra_d)
    B, obj = config.batch, config.objective
    real_loss, fake_loss, g_loss = notebook_losses(obj, B)

    def iteration():
        for _ in range(config.n_critic):
            d.zero_grad()
            real = dist.sample(B)
            fake = g(torch.randn(B, config.latent_dim))
            if obj == "r3gan":  # relativistic pairing: one loss over both batches
                F.softplus(d(fake.detach()) - d(real)).mean().backward()
            else:
                real_loss(d(real)).backward()
                fake_loss(d(fake.detach())).backward()
            loss = None
            if method == "gp":
                alpha = torch.rand(B, 1)
                x_hat = (alpha * real + (1 - alpha) * fake.detach()).requires_grad_(True)
                grad = torch.autograd.grad(d(x_hat).sum(), x_hat, create_graph=True)[0]
                loss = config.gp_weight * ((grad.norm(2, dim=1) - 1) ** 2).mean()
            elif method in ("r1", "r1r2"):
                loss = 0
                for at in ((real, fake.detach()) if method == "r1r2" else (real,)):
                    x = at.clone().requires_grad_(True)
                    grad = torch.autograd.grad(d(x).sum(), x, create_graph=True)[0]
                    loss = loss + 0.5 * config.r1_weight * grad.pow(2).sum(1).mean()
            if loss is not None:
                loss.backward()
            opt_d.step()
            if method == "clip":
                for p in d.parameters():
                    p.data.clamp_(-config.clip, config.clip)
        g.zero_grad()
        out = d(g(torch.randn(B, config.latent_dim)))
        loss = F.softplus(d(real).detach() - out).mean() if obj == "r3gan" else g_loss(out)
        loss.backward()
        opt_g.step()

    return iteration


def _rate(step_fn, seconds: float, threads: int) -> float:
    """Iterations per second of ``step_fn`` over about ``seconds`` (after a short warm-up)."""
    torch.set_num_threads(threads)
    for _ in range(20):
        step_fn()
    n, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        step_fn()
        n += 1
    return n / (time.perf_counter() - start)


def bench_toy(objectives=None, seconds: float = 2.0, repeats: int = 3, trainer_threads: int = 1,
              presets=None) -> list[dict]:
    """Steps/s of the ganlab trainer and of the plain loop, per objective at the recommended config
    (or per lecture preset, when ``presets`` names some)."""
    default_threads = torch.get_num_threads()
    rows = []
    if presets:
        from ganlab.toy.presets import get_preset

        configs = [(key, get_preset(key).config) for key in presets]
    else:
        configs = [(None, recommended(name, data="ring8")) for name in objectives or BENCH_OBJECTIVES]
    try:
        for preset, config in configs:
            exp = ToyExperiment(config, "cpu")
            plain = plain_toy_loop(config)
            ours, base, base1 = [], [], []
            for _ in range(repeats):
                base.append(_rate(plain, seconds, default_threads))
                base1.append(_rate(plain, seconds, 1))
                with flush_denormals():  # as ganlab trains (ToyExperiment.train, ToyRun.advance)
                    ours.append(_rate(exp.trainer.step, seconds, trainer_threads))
            o, b, b1 = statistics.median(ours), statistics.median(base), statistics.median(base1)
            rows.append({"preset": preset, "objective": config.objective, "lipschitz": config.lipschitz_method, "n_critic": config.n_critic,
                         "hidden": config.hidden, "depth": config.depth, "batch": config.batch,
                         "ganlab_steps_per_second": round(o, 1), "plain_steps_per_second": round(b, 1),
                         "speedup": round(o / b, 2), "plain_1thread_steps_per_second": round(b1, 1),
                         "speedup_vs_1thread": round(o / b1, 2), "ganlab_threads": trainer_threads,
                         "plain_threads": default_threads, "precision": "bf16" if exp.trainer.generator.hidden_dtype else "fp32"})
    finally:
        torch.set_num_threads(default_threads)
    return rows


def bench_lanes(preset: str = "road-to-wgan-gp", seconds: float = 5.0) -> dict:
    """Generator steps/s of a lane preset trained in lockstep as the Compare losses tab trains it
    (``toy.lanes.advance_in_lockstep``, slices of 0.05 s, lockstep batches, one thread), against the
    same lanes' trainers stepped one after another with their own random streams (the baseline): the
    ratio is what lockstep costs. Also each lane's milliseconds per generator step."""
    from ganlab.toy.lanes import LANE_PRESETS, advance_in_lockstep, lane_runs

    if preset not in LANE_PRESETS:
        raise GanlabError(f"unknown lane preset '{preset}'; choose one of: {', '.join(LANE_PRESETS)}")
    settings = LANE_PRESETS[preset].config
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        runs = lane_runs(settings, view_points=150, arrow_points=30)
        advance_in_lockstep(runs, 0.2)  # warm-up
        steps, taken, start = 0, [0.0] * len(runs), time.perf_counter()
        while time.perf_counter() - start < seconds:
            n, dt = advance_in_lockstep(runs, 0.05 / len(runs))
            steps, taken = steps + n, [a + b for a, b in zip(taken, dt)]
        lockstep = steps / (time.perf_counter() - start)
        trainers = [ToyExperiment(config, "cpu").trainer for config in settings.configs()]
        with flush_denormals():
            alone = [_rate(t.step, seconds / len(trainers), 1) for t in trainers]
    finally:
        torch.set_num_threads(threads)
    baseline = 1.0 / sum(1.0 / r for r in alone)  # every lane one step, one after another
    return {"preset": preset, "lanes": [chosen.name for _, chosen in settings.active],
            "lockstep_steps_per_second": round(lockstep, 1), "baseline_steps_per_second": round(baseline, 1),
            "ratio": round(lockstep / baseline, 3), "ms_per_step": [round(1000 * t / max(steps, 1), 3) for t in taken]}


def describe_lanes(row: dict) -> str:
    lanes = ", ".join(f"{name} {ms:.2f} ms" for name, ms in zip(row["lanes"], row["ms_per_step"]))
    return (f"{row['preset']}: {row['lockstep_steps_per_second']:.0f} generator steps/s for every lane in lockstep, "
            f"{row['baseline_steps_per_second']:.0f} one after another ({row['ratio']:.2f}×); per step: {lanes}\n"
            f"{machine_line()}")


def format_table(rows: list[dict]) -> str:
    threads = rows[0]["plain_threads"] if rows else 0
    head = (f"{'objective':14s} {'lipschitz':9s} {'k':>2s} {'ganlab it/s':>12s} {f'plain ({threads} thr)':>14s} "
            f"{'speedup':>8s} {'plain (1 thr)':>14s} {'speedup':>8s}")
    lines = [head, "-" * len(head)]
    for r in rows:
        lines.append(f"{r['objective']:14s} {r['lipschitz']:9s} {r['n_critic']:>2d} {r['ganlab_steps_per_second']:>12.1f} "
                     f"{r['plain_steps_per_second']:>14.1f} {r['speedup']:>7.2f}× "
                     f"{r['plain_1thread_steps_per_second']:>14.1f} {r['speedup_vs_1thread']:>7.2f}×")
    return "\n".join(lines)


def describe_toy(rows: list[dict]) -> str:
    """``bench_toy``'s rows as the table ``bench toy`` prints, with the machine's line under it."""
    return f"{format_table(rows)}\n{machine_line()}"


def describe_images(row: dict) -> str:
    """``bench_images``'s row as the lines ``bench images`` prints (the machine's line last)."""
    return (f"{row['arch']} batch {row['batch']} ({row['precision']}): ganlab {row['ganlab_images_per_second']:.0f} "
            f"images/s, notebook loop (fp32) {row['plain_images_per_second']:.0f} images/s → {row['speedup']:.2f}×"
            f"\n{row['gflop_per_image']:.3f} GFLOP per image: {row['ganlab_gflops']:.0f} GFLOP/s, "
            f"{100 * row['fraction_of_fp32_matmul_peak']:.0f}% of a large fp32 matrix product's "
            f"{row['fp32_matmul_peak_gflops']:.0f} GFLOP/s on {row['threads']} threads\n"
            f"notebook loop: {row['plain_gflop_per_image']:.3f} GFLOP per image "
            f"({row['plain_gflop_per_image'] / row['gflop_per_image']:.2f}× the arithmetic), "
            f"{100 * row['plain_fraction_of_fp32_matmul_peak']:.0f}% of the same peak\n"
            f"notebook loop with ganlab's allocator setting: {row['plain_same_allocator_images_per_second']:.0f} images/s "
            f"→ {row['speedup_same_allocator']:.2f}×\n{machine_line()}")


def describe_epoch(row: dict) -> str:
    """``bench_epoch``'s row as the lines ``bench epoch`` prints."""
    return (f"one epoch of {row['images']:,} images, {row['arch']} at batch {row['batch']} ({row['precision']}) on "
            f"{row['device']}: {row['seconds_per_epoch']:.1f} s ({row['images_per_second']:.0f} images/s)\n{machine_line()}")


def describe_latent(rows: list[dict]) -> str:
    """``bench_latent``'s rows as the lines ``bench latent`` prints."""
    return "\n".join(f"{r['model']}: load {r['load_ms']:.0f} ms; {r['frames']}-frame interpolation (strip + GIF) "
                     f"{r['render_ms']:.1f} ms, one forward per frame {r['plain_render_ms']:.1f} ms → {r['speedup']:.2f}×"
                     for r in rows)


def plain_image_loop(config, dataset):
    """The lecture notebook's loop for ``config``'s networks: a DataLoader over a TensorDataset of float
    images in [−1, 1], BCE with label tensors, D on real and fake in separate passes, default Adam.
    Like the ganlab trainer (and the textbook algorithm) the generator step draws fresh z."""
    from torch.utils.data import DataLoader, TensorDataset

    from ganlab.images.experiment import build_image_networks

    g, d = build_image_networks(config)
    images = dataset.train_images.unsqueeze(1).float() / 127.5 - 1
    loader = DataLoader(TensorDataset(images, dataset.train_labels), batch_size=config.batch, shuffle=True, drop_last=True)
    opt_g = torch.optim.Adam(g.parameters(), lr=config.lr_g, betas=config.betas_g)
    opt_d = torch.optim.Adam(d.parameters(), lr=config.lr_d, betas=config.betas_d)
    bce = torch.nn.BCEWithLogitsLoss()
    state = {"it": iter(loader)}

    def iteration():
        try:
            real, _ = next(state["it"])
        except StopIteration:
            state["it"] = iter(loader)
            real, _ = next(state["it"])
        b = len(real)
        d.zero_grad()
        bce(d(real), torch.ones(b, 1)).backward()
        fake = g(torch.randn(b, config.latent))
        bce(d(fake.detach()), torch.zeros(b, 1)).backward()
        opt_d.step()
        g.zero_grad()
        bce(d(g(torch.randn(b, config.latent))), torch.ones(b, 1)).backward()
        opt_g.step()

    return iteration


def step_flops(step_fn) -> int:
    """Floating-point operations of one call of ``step_fn`` (PyTorch's FlopCounterMode: 2 per
    multiply-add of every matrix product and convolution, forward and backward; elementwise work
    is not counted)."""
    from torch.utils.flop_counter import FlopCounterMode

    with FlopCounterMode(display=False) as counter:
        step_fn()
    return counter.get_total_flops()


def matmul_peak(threads: int, n: int = 2048, seconds: float = 1.0) -> float:
    """The float32 FLOP/s a large matrix product reaches on ``threads`` threads: the practical peak
    of this CPU (MKL's sgemm on two n × n matrices, 2n³ FLOP each)."""
    torch.set_num_threads(threads)
    a, b = torch.randn(n, n), torch.randn(n, n)
    out = torch.empty(n, n)
    torch.mm(a, b, out=out)
    count, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        torch.mm(a, b, out=out)
        count += 1
    return 2 * n ** 3 * count / (time.perf_counter() - start)


IMAGE_LOOPS = ("plain", "ganlab", "plain+allocator")


def _image_loop_worker(conn, loop: str, config_fields: dict, threads: int) -> None:
    """One image loop in a process of its own (a fresh interpreter, so a fresh malloc): ``plain`` is the
    notebook loop as a notebook runs it, with glibc's default settings; ``ganlab`` is the trainer as
    the command line runs it (``keep_freed_memory``); ``plain+allocator`` is the notebook loop with
    that same setting. Answers ("rate", seconds) with iterations/s and ("flops",) with one step's
    FLOPs; None ends it."""
    from ganlab.images.data import load_images
    from ganlab.images.config import ImageConfig
    from ganlab.images.experiment import ImageExperiment
    from ganlab.training.fast.allocator import keep_freed_memory

    if loop != "plain":
        keep_freed_memory()
    torch.set_num_threads(threads)
    config = ImageConfig(**config_fields)
    if loop == "ganlab":
        trainer = ImageExperiment(config, "cpu", full_data=False).trainer
        step, precision = trainer.step, "bf16" if trainer.autocast is not None else "fp32"
    else:
        step, precision = plain_image_loop(config, load_images(config.data, full=False)), "fp32"
    conn.send(precision)
    while (message := conn.recv()) is not None:
        conn.send(_rate(step, message[1], threads) if message[0] == "rate" else step_flops(step))


def bench_images(arch: str = "seed004", batch: int = 256, seconds: float = 5.0, repeats: int = 3,
                 data: str = "mnist", precision: str = "auto") -> dict:
    """Images/s of the ganlab trainer (in ``precision``) and of the notebook loop (float32) for the same
    networks, each in a process of its own, taking turns ``repeats`` times (medians), and each step's
    arithmetic: FLOPs per image and the share of the fp32 matmul peak it reaches (FLOP/image ×
    images/s ÷ peak). speedup = (share_ganlab ÷ share_plain) × (FLOP_plain ÷ FLOP_ganlab): doing less
    arithmetic, or doing it closer to the peak. The notebook loop runs as a notebook runs it, with
    glibc's default malloc; ``speedup_same_allocator`` compares against it with the allocator setting
    ganlab's command line uses (``ganlab.training.fast.allocator``), which shows what that setting is worth."""
    import multiprocessing

    from ganlab.images.config import ImageConfig

    fields = {"arch": arch, "batch": batch, "data": data, "precision": precision}
    ImageConfig(**fields)  # a bad value is reported here, not from inside a worker
    threads = torch.get_num_threads()
    context = multiprocessing.get_context("spawn")
    workers = {}
    try:
        for loop in IMAGE_LOOPS:
            conn, child = context.Pipe()
            process = context.Process(target=_image_loop_worker, args=(child, loop, fields, threads), daemon=True)
            process.start()
            workers[loop] = (process, conn)
        ran_in = {loop: conn.recv() for loop, (_, conn) in workers.items()}
        rates = {loop: [] for loop in IMAGE_LOOPS}
        for _ in range(repeats):
            for loop, (_, conn) in workers.items():
                conn.send(("rate", seconds))
                rates[loop].append(conn.recv() * batch)
        flops = {}
        for loop in ("ganlab", "plain"):  # the third loop's arithmetic is the plain loop's
            workers[loop][1].send(("flops",))
            flops[loop] = workers[loop][1].recv()
    finally:
        for process, conn in workers.values():
            try:
                conn.send(None)
            except OSError:
                pass
            process.join(30)
            if process.is_alive():
                process.kill()
    o, b, b_same = (statistics.median(rates[loop]) for loop in ("ganlab", "plain", "plain+allocator"))
    peak = matmul_peak(threads)
    torch.set_num_threads(threads)
    achieved = flops["ganlab"] * o / batch
    return {"arch": arch, "batch": batch, "threads": threads, "ganlab_images_per_second": round(o, 1),
            "gflop_per_image": round(flops["ganlab"] / batch / 1e9, 3), "ganlab_gflops": round(achieved / 1e9, 1),
            "fp32_matmul_peak_gflops": round(peak / 1e9, 1), "fraction_of_fp32_matmul_peak": round(achieved / peak, 3),
            "plain_gflop_per_image": round(flops["plain"] / batch / 1e9, 3),
            "plain_fraction_of_fp32_matmul_peak": round(flops["plain"] * b / batch / peak, 3),
            "plain_images_per_second": round(b, 1), "speedup": round(o / b, 2),
            "plain_same_allocator_images_per_second": round(b_same, 1), "speedup_same_allocator": round(o / b_same, 2),
            "device": "cpu", "precision": ran_in["ganlab"], "asked_precision": precision}


def bench_epoch(arch: str = "seed004", batch: int = 1024, images: int = 60_000, device: str = "auto",
                precision: str = "auto") -> dict:
    """Seconds for one epoch of ``images`` images at ``batch`` (⌈images / batch⌉ training steps, after
    3 warm-up steps), the lecture notebook's measure (26 s per epoch of the seed004 networks at batch
    1024 on its GPU). Batches are drawn from the data that is there (the full MNIST when installed,
    else the bundled 8,000 images): the time depends on the count of images, not on which."""
    from ganlab.images.config import ImageConfig
    from ganlab.images.experiment import ImageExperiment
    from ganlab.training.fast.allocator import keep_freed_memory
    from ganlab.training.device import device_description

    keep_freed_memory()  # as the command line's image runs
    config = ImageConfig(arch=arch, batch=batch, precision=precision)
    exp = ImageExperiment(config, device)
    steps = -(-images // batch)
    exp.train(steps=3)
    if exp.device.type == "cuda":
        torch.cuda.synchronize(exp.device)
    start = time.perf_counter()
    exp.train(steps=3 + steps)
    if exp.device.type == "cuda":
        torch.cuda.synchronize(exp.device)
    seconds = time.perf_counter() - start
    return {"arch": arch, "batch": batch, "images": images, "steps": steps, "seconds_per_epoch": round(seconds, 2),
            "images_per_second": round(steps * batch / seconds, 1), "device": device_description(exp.device),
            "precision": "bf16" if exp.trainer.autocast is not None else "fp32"}


def bench_latent(frames: int = 16, repeats: int = 20) -> list[dict]:
    """Per shipped generator: load time, and the time to render a ``frames``-frame slerp strip + GIF
    (one batched forward pass) against the plain way (one forward pass per frame); medians."""
    import statistics

    from ganlab.images.latent import interpolate
    from ganlab.images.pretrained import load_generator, shipped_models
    from ganlab.viz.images import strip, tiles, write_gif

    rows = []
    for name, path in shipped_models().items():
        start = time.perf_counter()
        model = load_generator(path)
        load_s = time.perf_counter() - start
        z0, z1 = model.latent([0, 1])
        labels = torch.zeros(frames, dtype=torch.long) if model.num_classes else None

        one = None if labels is None else labels[:1]
        decoders = {"batched": lambda path: model(path, labels),  # one forward pass for all frames
                    "plain": lambda path: torch.cat([model(p[None], one) for p in path])}  # one per frame
        times = {key: [] for key in decoders}
        for _ in range(repeats):
            for key, decode in decoders.items():
                t = time.perf_counter()
                images = decode(interpolate(z0, z1, frames, "slerp"))
                strip(images)
                write_gif(tiles(images), "bench.gif")
                times[key].append(time.perf_counter() - t)
        b, p = statistics.median(times["batched"]), statistics.median(times["plain"])
        rows.append({"model": name, "load_ms": round(1000 * load_s, 1), "frames": frames,
                     "render_ms": round(1000 * b, 1), "plain_render_ms": round(1000 * p, 1),
                     "speedup": round(p / b, 2)})
    return rows
