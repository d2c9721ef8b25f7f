"""``python -m ganlab dynamics`` and ``compare``: training methods side by side (the Dirac-GAN's
game, and the loss table over seeds). ``ganlab.cli`` adds these to its parser."""
from __future__ import annotations

import argparse
import json
import sys

from ganlab.errors import GanlabError


def _dynamics_parser(sub) -> None:
    d = sub.add_parser("dynamics", help="play the Dirac-GAN with a training method and say whether it converges")
    d.add_argument("--preset", help="start from a Game dynamics preset (see `presets`); the flags below change it")
    d.add_argument("--objective", help="standard (default), nonsaturating, wgan, hinge or lsgan")
    d.add_argument("--regularizer", help="none (default), clip, gp, r1, r2, noise or consensus")
    d.add_argument("--weight", type=float, help="the regularizer's γ, λ, c or σ (default 1)")
    d.add_argument("--update", dest="rule",
                   help="simultaneous (default), alternating, momentum, adam, extragradient or optimistic")
    d.add_argument("--lr-g", type=float, help="generator step size h_G (default 0.1)")
    d.add_argument("--lr-d", type=float, help="discriminator step size h_D (default 0.1)")
    d.add_argument("--k", type=int, help="D-steps per G-step (default 1)")
    d.add_argument("--momentum", type=float, help="momentum β, negative allowed (Adam: β1)")
    d.add_argument("--start", type=float, nargs=2, metavar=("THETA", "PSI"), help="start point (default 1 1)")
    d.add_argument("--steps", type=int, default=1000, help="updates to play (default 1000)")
    d.add_argument("--json", action="store_true")


def cmd_dynamics(args: argparse.Namespace) -> int:
    """Play one method on the Dirac-GAN; print the distance, the spectral radius and the verdict."""
    from ganlab.maths.dirac_gan import GAME_PRESETS, DynamicsConfig, summary

    if args.preset and args.preset not in GAME_PRESETS:
        raise GanlabError(f"unknown dynamics preset '{args.preset}'; choose one of: {', '.join(GAME_PRESETS)}")
    if not 1 <= args.steps <= 1_000_000:
        raise GanlabError(f"steps must be between 1 and 1000000, got {args.steps}")
    base = GAME_PRESETS[args.preset].config if args.preset else DynamicsConfig()
    chosen = {k: getattr(args, k) for k in ("objective", "regularizer", "weight", "rule", "lr_g", "lr_d", "k",
                                            "momentum") if getattr(args, k) is not None}
    if args.start is not None:
        chosen.update(theta0=args.start[0], psi0=args.start[1])
    result = summary(base.replace(**chosen), args.steps)
    if args.json:
        print(json.dumps(result))
    else:
        rho = result["spectral_radius"]
        print(f"{result['objective']} GAN, {result['regularizer']}, {result['rule']}: distance "
              f"{result['start_distance']:.4g} → {result['final_distance']:.4g} after {result['steps']} updates; "
              f"spectral radius {'undefined' if rho is None else f'{rho:.5f}'}; "
              f"{'converged' if result['converged'] else 'did not converge'}")
    return 0


def _compare_parser(sub) -> None:
    from ganlab.toy.presets import RECOMMENDED_STEPS

    c = sub.add_parser("compare", help="the loss table: several objectives on one toy set over many seeds")
    c.add_argument("--data", default="ring8", help="ring8 (default), grid25 or another toy set")
    c.add_argument("--objectives", default="nonsaturating,wgan-gp,hinge,lsgan,r3gan",
                   help="comma-separated objectives, each with its recommended setting")
    c.add_argument("--seeds", default="0-9", help="0-9 (default) or 0,3,5")
    c.add_argument("--steps", type=int, default=RECOMMENDED_STEPS, help=f"generator steps per run (default {RECOMMENDED_STEPS})")
    c.add_argument("--eval-samples", type=int, default=2500, help="generator samples for the metrics")
    c.add_argument("--workers", type=int, default=2, help="runs at once, one thread each (default 2)")
    c.add_argument("--json", action="store_true", help="end with one JSON line: the rows, every run, the CPU")


def cmd_compare(args: argparse.Namespace) -> int:
    """Every objective × seed with the same budget; a markdown table (stdout), progress on stderr."""
    from ganlab.toy.loss_table import compare_losses, markdown_table, parse_seeds
    from ganlab.training.device import cpu_model

    objectives = [o.strip() for o in args.objectives.split(",") if o.strip()]
    if not objectives:
        raise GanlabError("objectives: name at least one, e.g. nonsaturating,wgan-gp")
    if not 1 <= args.workers <= 64 or not 1 <= args.eval_samples <= 100_000:
        raise GanlabError("workers must be 1–64 and eval-samples 1–100000")
    seeds = parse_seeds(args.seeds)

    def progress(done: int, total: int, run: dict) -> None:
        modes = f"{run['modes_covered']}/{run['modes_total']} modes, " if run["modes_total"] else ""
        print(f"[{done}/{total}] {run['objective']} seed {run['seed']}: {modes}W1 {run['w1']:.3f} "
              f"({run['seconds']:.1f} s)", file=sys.stderr, flush=True)

    rows, runs = compare_losses(args.data, objectives, seeds, args.steps, args.eval_samples, args.workers, progress)
    cpu = cpu_model()
    print(markdown_table(rows, args.data, args.steps, cpu))
    if args.json:
        print(json.dumps({"data": args.data, "steps": args.steps, "cpu": cpu, "rows": rows, "runs": runs}))
    return 0


def add_parsers(sub) -> None:
    """The two commands' argument parsers, on the main parser's subcommands."""
    _dynamics_parser(sub)
    _compare_parser(sub)


HANDLERS = {"dynamics": cmd_dynamics, "compare": cmd_compare}
