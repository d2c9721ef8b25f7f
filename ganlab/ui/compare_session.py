"""One browser session's Critic vs Discriminator tab: two runs in lockstep, their curves."""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

import numpy as np

from ganlab.errors import GanlabError
from ganlab.toy.config import ToyConfig
from ganlab.toy.data import TOY_NAMES
from ganlab.toy.run import Frame, ToyRun
from ganlab.toy.presets import LIVE_WGAN_GP, recommended
from ganlab.training.validation import choice, integer
from ganlab.ui.training_session import TrainingSession
from ganlab.viz.panels import layered_view, pair_charts

CRITICS = {"gp": "WGAN-GP (λ = 1, k = 2)", "clip": "WGAN, weight clipping (c = 0.01, k = 5)",
           "sn": "WGAN, spectral norm"}


def pair_configs(data: str, discriminator: str, critic: str, seed: int) -> tuple[ToyConfig, ToyConfig]:
    """Same data, seed, networks and batch; each side with its objective's recommended optimiser.

    Both generators start from the same weights (networks are built from the seed alone).
    """
    shared = dict(data=data, seed=seed)
    d_cfg = ToyConfig(objective=discriminator, lr_g=1e-3, lr_d=1e-3, **shared)
    if critic == "gp":
        f_cfg = ToyConfig(**LIVE_WGAN_GP, **shared)
    elif critic == "clip":
        f_cfg = recommended("wgan", **shared)
    else:
        f_cfg = ToyConfig(objective="wgan", lipschitz="sn", lr_g=1e-3, lr_d=1e-3, betas_g=(0.5, 0.9),
                          betas_d=(0.5, 0.9), **shared)
    return d_cfg, f_cfg


@dataclass(frozen=True)
class PairSettings:
    """What the Critic vs Discriminator tab's controls choose (all of it structural: new runs on Reset)."""

    data: str = "ring8"
    discriminator: str = "minimax"
    critic: str = "gp"
    seed: int = 0

    def __post_init__(self) -> None:
        choice("data", self.data, TOY_NAMES)
        choice("discriminator's generator loss", self.discriminator, ("minimax", "nonsaturating"))
        choice("critic's Lipschitz method", self.critic, tuple(CRITICS))
        object.__setattr__(self, "seed", integer("seed", self.seed, 0, 2**31 - 1))

    def replace(self, **changes: Any) -> PairSettings:
        return dataclasses.replace(self, **changes)


class CompareSession(TrainingSession):
    """A discriminator run and a critic run trained in lockstep (the same number of G steps).

    Two views per frame cost a browser twice as much to draw; the page asks for the next frame only
    after twice the time the last one took (``canvas_view.js``), and this tab leaves the manifold out."""

    frame_period = 0.4
    layers = ("surface", "real", "fake", "arrows")
    structural = frozenset(f.name for f in dataclasses.fields(PairSettings))

    def build(self, settings: PairSettings) -> list[ToyRun]:
        self.grad_history: dict[str, list] = {"step": [], "d": [], "f": []}
        d_cfg, f_cfg = pair_configs(settings.data, settings.discriminator, settings.critic, settings.seed)
        return [ToyRun(d_cfg, view_points=200, arrow_points=40), ToyRun(f_cfg, view_points=200, arrow_points=40)]

    def apply_live(self, settings: PairSettings) -> None:
        raise GanlabError("a new pair of runs")

    @property
    def names(self) -> tuple[str, str]:
        return f"discriminator ({self.config.discriminator})", f"critic ({CRITICS[self.config.critic]})"

    def panels(self, frames: list[Frame], charts: bool) -> list[dict]:
        """Both layered views side by side and, when ``charts``, the W1 and gradient-size curves."""
        panels = [layered_view(f, self.layers, f"{name} · step {f.step}", key)
                  for f, name, key in zip(frames, self.names, ("left", "right"))]
        g = self.grad_history
        if not g["step"] or g["step"][-1] != frames[0].step:
            g["step"].append(frames[0].step)
            for key, f in zip(("d", "f"), frames):
                g[key].append(float(np.linalg.norm(f.arrows, axis=1).mean()) if len(f.arrows) else None)
        if charts:
            d, f = self.runs
            panels += pair_charts(d.metrics["step"], d.metrics["w1"], f.metrics["w1"], g["step"], g["d"], g["f"],
                                  self.names)
        return panels

    def status(self) -> str:
        d, f = self.runs
        parts = [f"**step {d.step}**"]
        if self.playing or self.rate:
            parts.append(f"{self.rate:.0f} steps/s each · {self.fps:.1f} frames/s")
        if d.metrics["w1"] and f.metrics["w1"]:
            parts.append(f"exact W1: discriminator's G **{d.metrics['w1'][-1]:.3f}**, critic's G **{f.metrics['w1'][-1]:.3f}**")
        return " · ".join(parts) + (f"\n\n{self.message}" if self.message else "")

