"""``python -m ganlab ...``: train and evaluate toy GANs, list presets, benchmark.

Every bad input ends in one line, ``error: <what is wrong>``, and exit status 2.
"""
from __future__ import annotations

import argparse
import json
import math
import os
import sys
from collections.abc import Sequence

import torch

from ganlab import cli_comparisons as comparisons
from ganlab.errors import GanlabError


class _Parser(argparse.ArgumentParser):
    """argparse that reports bad arguments in one line instead of usage + error."""

    def error(self, message: str):  # noqa: D401 - argparse hook
        print(f"error: {message}", file=sys.stderr)
        sys.exit(2)


def _toy_parser(sub) -> None:
    from ganlab.toy.data import TOY_NAMES
    from ganlab.toy.presets import PRESETS, RECOMMENDED_STEPS
    from ganlab.training.lipschitz import LIPSCHITZ_METHODS
    from ganlab.training.objectives import OBJECTIVE_NAMES

    p = sub.add_parser("toy", help="train a toy 2D GAN and evaluate it (modes, high quality, exact W1)")
    p.add_argument("--data", help=f"one of {', '.join(TOY_NAMES)} (default ring8)")
    p.add_argument("--objective", help=f"one of {', '.join(OBJECTIVE_NAMES)} (default nonsaturating)")
    p.add_argument("--preset", help=f"start from a lecture preset: {', '.join(PRESETS)}")
    p.add_argument("--steps", type=int, default=None, help=f"generator steps (default {RECOMMENDED_STEPS})")
    p.add_argument("--seconds", type=float, help="train for this many seconds instead of a step count")
    p.add_argument("--seed", type=int)
    p.add_argument("--lipschitz", help=f"one of {', '.join(LIPSCHITZ_METHODS)}")
    p.add_argument("--hidden", type=int)
    p.add_argument("--depth", type=int)
    p.add_argument("--activation")
    p.add_argument("--latent-dim", type=int)
    p.add_argument("--prior")
    p.add_argument("--batch", type=int)
    p.add_argument("--n-critic", type=int, help="k: discriminator steps per generator step")
    p.add_argument("--optimizer")
    p.add_argument("--lr-g", type=float)
    p.add_argument("--lr-d", type=float)
    p.add_argument("--beta1", type=float, help="Adam β1 (or SGD momentum) for both networks")
    p.add_argument("--beta2", type=float, help="Adam β2 (or RMSProp α) for both networks")
    p.add_argument("--clip", type=float, help="weight clipping bound c")
    p.add_argument("--gp-weight", type=float, help="gradient penalty λ")
    p.add_argument("--r1-weight", type=float, help="R1 γ (also R1 + R2's, for r3gan)")
    p.add_argument("--pack", type=int, help="PacGAN: D judges packs of this many samples (default 1)")
    p.add_argument("--label-smoothing", type=float)
    p.add_argument("--instance-noise", type=float)
    p.add_argument("--precision", help="auto, fp32 or bf16 (hidden layers)")
    p.add_argument("--no-lr-decay", action="store_true", help="keep learning rates constant (default: decay linearly to 0)")
    p.add_argument("--eval-samples", type=int, default=2500, help="generator samples for the metrics")
    p.add_argument("--device", default="auto")
    p.add_argument("--threads", type=int, default=1, help="CPU threads for torch (small MLPs run best on 1)")
    p.add_argument("--save", help="write a safetensors checkpoint here")
    p.add_argument("--json", action="store_true", help="end with one JSON line of results")


_CONFIG_FLAGS = ("data", "seed", "lipschitz", "hidden", "depth", "activation", "latent_dim", "prior", "batch",
                 "n_critic", "optimizer", "lr_g", "lr_d", "clip", "gp_weight", "r1_weight",
                 "label_smoothing", "instance_noise", "precision", "pack")


def _betas(args) -> dict:
    """``--beta1/--beta2`` as betas for both networks (the other value kept from the preset)."""
    if args.beta1 is None and args.beta2 is None:
        return {}
    from ganlab.toy.presets import get_preset, recommended

    base = get_preset(args.preset).config if args.preset else recommended(args.objective or "nonsaturating")
    out = {}
    for key in ("betas_g", "betas_d"):
        b1, b2 = getattr(base, key)
        out[key] = (b1 if args.beta1 is None else args.beta1, b2 if args.beta2 is None else args.beta2)
    return out


def _toy_config(args):
    from ganlab.toy.presets import RECOMMENDED_STEPS, get_preset, recommended

    overrides = {k: getattr(args, k) for k in _CONFIG_FLAGS if getattr(args, k) is not None}
    overrides.update(_betas(args))
    if args.preset:
        preset = get_preset(args.preset)
        if args.objective:
            overrides["objective"] = args.objective
        config, steps = preset.config.replace(**overrides), preset.steps
    else:
        config, steps = recommended(args.objective or "nonsaturating", **overrides), RECOMMENDED_STEPS
    if args.steps is not None:
        if args.steps < 0:
            raise GanlabError(f"steps must be ≥ 0, got {args.steps}")
        steps = args.steps
    if args.seconds is not None and not (math.isfinite(args.seconds) and args.seconds > 0):
        raise GanlabError(f"seconds must be a positive number, got {args.seconds}")
    if not args.no_lr_decay and args.seconds is None:  # schedules end with the run
        config = config.replace(lr_decay_steps=steps,
                                noise_anneal_steps=steps if config.noise_anneal_steps else 0)
    return config, steps


def cmd_toy(args) -> int:
    from ganlab.toy.experiment import train_and_evaluate
    from ganlab.toy.saving import save_toy

    if args.threads < 1:
        raise GanlabError(f"threads must be ≥ 1, got {args.threads}")
    if args.eval_samples < 1 or args.eval_samples > 100_000:
        raise GanlabError(f"eval-samples must be between 1 and 100000, got {args.eval_samples}")
    torch.set_num_threads(args.threads)
    config, steps = _toy_config(args)
    if not args.json:
        print(f"training {config.objective} ({config.lipschitz_method}) on {config.data} for "
              f"{f'{args.seconds:g} s' if args.seconds else f'{steps} steps'}")
    exp, result = train_and_evaluate(config, steps, args.seconds, args.eval_samples, args.device)
    metrics = {k: v for k, v in result.items() if k in ("modes_covered", "modes_total", "hq_fraction", "mode_kl", "w1", "grid_js")}
    if args.save:
        save_toy(args.save, exp, notes={"metrics": metrics})
        result["saved"] = args.save
    if args.json:
        print(json.dumps(result))
    else:
        modes = (f"{result['modes_covered']}/{result['modes_total']} modes, "
                 f"{100 * result['hq_fraction']:.1f}% high quality, " if result["modes_total"] else "")
        print(f"{exp.step} steps in {exp.seconds:.1f} s ({result['steps_per_second']:.0f} steps/s): "
              f"{modes}W1 = {result['w1']:.4f}, grid JS = {result['grid_js']:.4f}, "
              f"precision {result['precision']:.2f} (quality), recall {result['recall']:.2f} (diversity)")
    return 0


def cmd_images(args) -> int:
    """Train an image GAN for a time budget (or steps) and measure it with the shipped classifier."""
    from PIL import Image

    from ganlab.images.config import ImageConfig, recommended_image_config
    from ganlab.images.experiment import ImageExperiment, image_grid
    from ganlab.training.fast.allocator import keep_freed_memory
    from ganlab.training.checkpoints import save_trainer
    from ganlab.training.device import device_description, machine_description
    from ganlab.training.distributed import join, leave

    if args.threads is None:  # the cores, shared among the processes of this machine under torchrun
        args.threads = max(1, min(2, (os.cpu_count() or 1) // int(os.environ.get("LOCAL_WORLD_SIZE", "1"))))
    if args.threads < 1:
        raise GanlabError(f"threads must be ≥ 1, got {args.threads}")
    if args.seconds is not None and not (math.isfinite(args.seconds) and 0 < args.seconds <= 24 * 3600):
        raise GanlabError(f"seconds must be a positive number of seconds, got {args.seconds}")
    if args.steps is not None and args.steps < 1:
        raise GanlabError(f"steps must be ≥ 1, got {args.steps}")
    if not 10 <= args.eval_samples <= 100_000:
        raise GanlabError(f"eval-samples must be between 10 and 100000, got {args.eval_samples}")
    torch.set_num_threads(args.threads)
    keep_freed_memory()  # one run in this process: a step reuses the last one's pages
    fields = ("data", "arch", "objective", "lipschitz", "width", "d_width", "batch", "lr_g", "lr_d", "latent_dim", "n_critic",
              "seed", "ema", "conditional", "augment", "precision", "pack", "r1_weight")
    chosen = {k: getattr(args, k) for k in fields if getattr(args, k) is not None}
    if args.beta1 is not None or args.beta2 is not None:
        b1, b2 = ImageConfig().betas_g
        betas = (b1 if args.beta1 is None else args.beta1, b2 if args.beta2 is None else args.beta2)
        chosen.update(betas_g=betas, betas_d=betas)
    if args.steps is not None:  # a step budget: learning rates decay linearly to 0 at the last step
        chosen["lr_decay_steps"] = args.steps
    if args.preset:
        from ganlab.images.presets import get_image_preset

        config = get_image_preset(args.preset).config.replace(**chosen)
    else:
        config = recommended_image_config(**chosen)
    if config.data == "stacked-mnist" and args.save:
        raise GanlabError("saving a StackedMNIST generator is not supported yet (the model registry, evaluate "
                          "and the latent tab read one-channel models); use --samples for a picture")
    seconds = args.seconds if args.seconds is not None or args.steps is not None else 60.0
    world, device = join(args.device)  # a torchrun job, or this process alone
    exp = ImageExperiment(config, device, world=world, sync_bn=args.sync_bn)
    exp.train(steps=args.steps, seconds=seconds, decay=True)
    leave(world)  # every rank holds the same networks now; rank 0 alone measures, writes and reports
    if not world.is_main:
        return 0
    metrics = exp.evaluate(args.eval_samples)
    result = {"data": config.data, "data_source": exp.dataset.describe(), "arch": config.arch,
              "world_size": world.size, "backend": world.backend, "batch_per_rank": config.batch // world.size,
              "global_batch": config.batch, "sync_bn": args.sync_bn,
              "objective": config.objective, "lipschitz": config.lipschitz_method, "steps": exp.step,
              "seconds": round(exp.seconds, 2), "images_per_second": round(exp.step * config.batch / exp.seconds, 1),
              **metrics, "seed": config.seed, "device": str(exp.device),
              "number_format": "bf16" if exp.trainer.autocast is not None else "fp32",  # ("precision" is a metric)
              "device_description": device_description(exp.device), "eval_samples": args.eval_samples,
              "machine": machine_description()}
    if args.save:
        save_trainer(args.save, exp.trainer, config, "ganlab-image-v1", with_optimizer=False,
                     notes={"metrics": metrics, "seconds": result["seconds"], "device": result["device_description"]})
        result["saved"] = args.save
        _write_card(args.save, {**result, "config": config.to_dict()})
    if args.samples:
        Image.fromarray(image_grid(exp.samples(64))).save(args.samples)
        result["samples"] = args.samples
    if args.json:
        print(json.dumps(result))
    else:
        head = f"{exp.step} steps in {exp.seconds:.1f} s ({result['images_per_second']:.0f} images/s) on {exp.device}: "
        if "modes_covered" in metrics:  # StackedMNIST
            print(head + f"{metrics['modes_covered']}/1000 modes, KL from uniform {metrics['mode_kl']:.3f} on "
                  f"{metrics['samples']:,} samples (classifier accuracy per channel {metrics['channel_accuracy']})")
        else:
            print(head + f"{metrics['classes_covered']}/10 classes, class KL {metrics['class_kl']:.3f}, "
                  f"confidence {metrics['mean_confidence']:.3f}, FID {metrics['fid']:.1f} (real vs real {metrics['fid_real']:.1f})")
    return 0


def _write_card(saved: str, result: dict) -> None:
    """Beside a saved generator: ``<name>.md`` (model card) and ``<name>.png`` (seeds 0–63)."""
    import os
    import shlex

    from ganlab.images.evaluation import model_card
    from ganlab.images.pretrained import load_generator

    stem = os.path.splitext(saved)[0]
    name = os.path.basename(stem)
    sample_grid(load_generator(saved), 64, 0).save(stem + ".png")
    command = "python -m ganlab " + " ".join(shlex.quote(a) for a in sys.argv[1:])
    with open(stem + ".md", "w") as f:
        f.write(model_card(name, command, result, name + ".png"))


def sample_grid(model, n: int, seed: int):
    """A PIL image of the samples of seeds seed … seed + n − 1; a conditional model draws class j in column j."""
    from PIL import Image

    from ganlab.images.experiment import image_grid

    z = model.latent(range(seed, seed + n))
    if model.num_classes:
        labels = torch.arange(n) % model.num_classes
        return Image.fromarray(image_grid(model(z, labels), columns=model.num_classes))
    return Image.fromarray(image_grid(model(z), columns=8))


def cmd_evaluate(args) -> int:
    """Recompute a saved generator's classifier metrics."""
    from ganlab.images.evaluation import evaluate_generator, quality_failures
    from ganlab.images.pretrained import load_generator

    if not 10 <= args.n <= 10000:
        raise GanlabError(f"n must be between 10 and 10000, got {args.n}")
    model = load_generator(args.model)
    metrics = evaluate_generator(model, args.n, args.seed)
    misses = quality_failures(model.data, metrics)
    result = {"model": model.name, "data": model.data, "samples": args.n, **metrics, "quality_bar_met": not misses}
    if args.json:
        print(json.dumps(result))
    else:
        print(f"{model.name}: {metrics['classes_covered']}/10 classes, class KL {metrics['class_kl']:.4f}, "
              f"confidence {metrics['mean_confidence']:.3f}, FID {metrics['fid']:.1f} (real vs real "
              f"{metrics['fid_real']:.1f}); quality bar " + ("met" if not misses else "missed: " + "; ".join(misses)))
    return 0


def cmd_sample(args) -> int:
    """Write a PNG grid of a saved generator's samples."""
    from ganlab.images.pretrained import load_generator

    if not 1 <= args.n <= 1024:
        raise GanlabError(f"n must be between 1 and 1024, got {args.n}")
    if not args.out.lower().endswith(".png"):
        raise GanlabError(f"--out must name a .png file, got {args.out}")
    sample_grid(load_generator(args.model), args.n, args.seed).save(args.out)
    print(args.out)
    return 0


def cmd_presets(args) -> int:
    from ganlab.images.presets import IMAGE_PRESETS
    from ganlab.maths.dirac_gan import GAME_PRESETS
    from ganlab.toy.presets import PRESETS

    for heading, presets in (("toy presets (python -m ganlab toy --preset KEY)", PRESETS),
                             ("image presets (python -m ganlab images --preset KEY)", IMAGE_PRESETS),
                             ("game dynamics presets (python -m ganlab dynamics --preset KEY)", GAME_PRESETS)):
        print(heading)
        for p in presets.values():
            print(f"  {p.key:20s} {p.title}\n  {'':20s} {p.watch_for}")
    return 0


def cmd_bench(args) -> int:
    from ganlab import bench
    from ganlab.training.device import machine_description

    if args.what == "latent":
        rows = bench.bench_latent()
        if not rows:
            raise GanlabError("no generators found in pretrained/")
        result, text = {"rows": rows}, bench.describe_latent(rows)
    elif args.what == "images":
        if args.batch < 1 or args.batch > 4096:
            raise GanlabError(f"batch must be between 1 and 4096, got {args.batch}")
        result = bench.bench_images(args.arch, args.batch, args.seconds, args.repeats, precision=args.precision)
        text = bench.describe_images(result)
    elif args.what == "epoch":
        if not (1 <= args.batch <= 4096 and 1 <= args.images <= 10_000_000):
            raise GanlabError(f"epoch: batch must be 1–4096 and images 1–10,000,000, got {args.batch} and {args.images}")
        result = bench.bench_epoch(args.arch, args.batch, args.images, args.device, args.precision)
        text = bench.describe_epoch(result)
    elif args.what == "lanes":
        result = bench.bench_lanes(args.preset or "road-to-wgan-gp", args.seconds)
        text = bench.describe_lanes(result)
    elif args.what == "toy":
        rows = bench.bench_toy(objectives=args.objectives.split(",") if args.objectives else None,
                               seconds=args.seconds, repeats=args.repeats,
                               presets=args.preset.split(",") if args.preset else None)
        result, text = {"rows": rows}, bench.describe_toy(rows)
    else:
        raise GanlabError(f"unknown benchmark '{args.what}'; available: toy, lanes, images, epoch, latent")
    print(json.dumps({"benchmark": args.what, "machine": machine_description(), **result}) if args.json else text)
    return 0


def cmd_classifier(args) -> int:
    from ganlab.images.classifiers import classifier_path, save_classifier, train_classifier

    if not 1 <= args.epochs <= 100:
        raise GanlabError(f"epochs must be between 1 and 100, got {args.epochs}")
    model, card = train_classifier(args.data, args.epochs, args.seed)
    path = args.out or classifier_path(args.data)
    save_classifier(model, card, path)
    print(json.dumps({**card, "saved": path}))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m ganlab", description="ganlab: a laboratory for generative adversarial networks")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    _toy_parser(sub)
    comparisons.add_parsers(sub)
    sub.add_parser("presets", help="list the lecture presets (toy, image and game dynamics)")
    im = sub.add_parser("images", help="train a DCGAN on MNIST / Fashion-MNIST and measure it "
                        "(also under torchrun: --batch is then the global batch)")
    im.add_argument("--preset", help="start from an image preset (see `presets`): "
                    "digits, stacked-collapse, stacked-r3gan; the flags below change it")
    im.add_argument("--data", help="mnist (default), fashion or stacked-mnist (3 digits as R, G, B: 1000 modes)")
    im.add_argument("--arch", help="dcgan (default), seed004 or mlp")
    im.add_argument("--objective")
    im.add_argument("--lipschitz")
    im.add_argument("--width", type=int)
    im.add_argument("--d-width", type=int, help="D's width when it differs from G's (dcgan, mlp)")
    im.add_argument("--batch", type=int)
    im.add_argument("--lr-g", type=float)
    im.add_argument("--lr-d", type=float)
    im.add_argument("--latent-dim", type=int)
    im.add_argument("--n-critic", type=int)
    im.add_argument("--seed", type=int)
    im.add_argument("--beta1", type=float, help="Adam β1 of both networks (default 0.5)")
    im.add_argument("--beta2", type=float, help="Adam β2 of both networks (default 0.999)")
    im.add_argument("--ema", type=float, help="β of an EMA of G's weights used for sampling (0 = off)")
    im.add_argument("--augment", help="DiffAugment policy for D's inputs: none (default), translation, cutout, "
                    "translation,cutout")
    im.add_argument("--conditional", action="store_true", default=None, help="class-conditional G(z, y), D(x, y)")
    im.add_argument("--pack", type=int, help="PacGAN: D judges packs of this many images, stacked as channels")
    im.add_argument("--r1-weight", type=float, help="γ of R1 (and of R1 + R2 with --objective r3gan)")
    im.add_argument("--sync-bn", action="store_true", help="under torchrun: batch norm over the global batch "
                    "(distributed.GlobalBatchNorm2d) instead of each process's share")
    im.add_argument("--precision", help="auto (default: bf16 autocast where the CPU has native bf16), fp32 or bf16")
    im.add_argument("--steps", type=int)
    im.add_argument("--seconds", type=float, help="time budget (default 60 s when no --steps)")
    im.add_argument("--eval-samples", type=int, default=1000)
    im.add_argument("--device", default="auto")
    im.add_argument("--threads", type=int, help="torch threads (default 2; under torchrun the cores divided "
                    "among this machine's processes)")
    im.add_argument("--save", help="write the networks as safetensors, with a model card (.md) and samples (.png)")
    im.add_argument("--samples", help="write an 8×8 PNG grid of samples")
    im.add_argument("--json", action="store_true")
    c = sub.add_parser("classifier", help="train the metric classifier for an image dataset (pretrained/)")
    c.add_argument("--data", default="mnist", help="mnist or fashion")
    c.add_argument("--epochs", type=int, default=4)
    c.add_argument("--seed", type=int, default=0)
    c.add_argument("--out", help="where to write it (default: pretrained/classifier-<data>.safetensors)")
    e = sub.add_parser("evaluate", help="recompute a saved image generator's metrics")
    e.add_argument("--model", required=True, help="a ganlab image generator (.safetensors)")
    e.add_argument("--n", type=int, default=1000, help="samples to measure")
    e.add_argument("--seed", type=int, default=1234)
    e.add_argument("--json", action="store_true")
    sm = sub.add_parser("sample", help="draw a grid of a saved image generator's samples")
    sm.add_argument("--model", required=True)
    sm.add_argument("--n", type=int, default=64)
    sm.add_argument("--seed", type=int, default=0)
    sm.add_argument("--out", required=True, help="the PNG to write")
    b = sub.add_parser("bench", help="measure training speed against a plain PyTorch loop")
    b.add_argument("what", help="toy, lanes, images, epoch or latent")
    b.add_argument("--images", type=int, default=60_000, help="epoch: images per epoch")
    b.add_argument("--device", default="auto", help="epoch: auto, cpu or cuda")
    b.add_argument("--arch", default="seed004", help="images: dcgan, seed004 or mlp")
    b.add_argument("--batch", type=int, default=256, help="images: batch size")
    b.add_argument("--precision", default="auto",
                   help="images: ganlab's precision (auto: bf16 where the CPU has native bf16); the plain loop is fp32")
    b.add_argument("--objectives", help="comma-separated subset (default: all)")
    b.add_argument("--preset", help="toy: time lecture presets instead (comma-separated, see `presets`); "
                   "lanes: the lane preset (default road-to-wgan-gp)")
    b.add_argument("--seconds", type=float, default=2.0, help="timing window per measurement")
    b.add_argument("--repeats", type=int, default=3, help="alternating repeats; the median is reported")
    b.add_argument("--json", action="store_true")
    return parser


def console() -> None:
    """The ``ganlab`` command that ``pip install`` puts on the PATH: the same as ``python -m ganlab``."""
    sys.exit(main())


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    handlers = {"toy": cmd_toy, "presets": cmd_presets, "bench": cmd_bench, "classifier": cmd_classifier,
                "images": cmd_images, "evaluate": cmd_evaluate, "sample": cmd_sample, **comparisons.HANDLERS}
    try:
        return handlers[args.command](args)
    except GanlabError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
