"""One browser session's Critic vs Discriminator tab: two runs in lockstep, their curves."""
from __future__ import annotations

import numpy as np

from ganlab.toy.config import ToyConfig
from ganlab.toy.live import Frame, LiveToyRun
from ganlab.toy.presets import LIVE_WGAN_GP, recommended
from ganlab.ui.live_session import LiveSession
from ganlab.viz.live import layered_view, pair_charts

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


class CompareSession(LiveSession):
    """A discriminator run and a critic run trained in lockstep (the same number of G steps).

    Two views per frame cost a browser twice as much to draw, so this tab asks for at most 2.5
    frames a second and leaves the manifold out.
    """

    frame_period = 0.4
    layers = ("surface", "real", "fake", "arrows")

    def __init__(self, data: str = "ring8", discriminator: str = "minimax", critic: str = "gp", seed: int = 0):
        self.choice = (data, discriminator, critic, seed)
        d_cfg, f_cfg = pair_configs(*self.choice)
        super().__init__([LiveToyRun(d_cfg, view_points=200, arrow_points=40),
                          LiveToyRun(f_cfg, view_points=200, arrow_points=40)])
        self.grad_history: dict[str, list] = {"step": [], "d": [], "f": []}

    def reset(self, data: str, discriminator: str, critic: str, seed: int) -> None:
        d_cfg, f_cfg = pair_configs(data, discriminator, critic, seed)
        with self.lock:
            self.choice = (data, discriminator, critic, seed)
            self.runs[0].reset(d_cfg)
            self.runs[1].reset(f_cfg)
            self.grad_history = {"step": [], "d": [], "f": []}
            self.changed()

    @property
    def names(self) -> tuple[str, str]:
        return f"discriminator ({self.choice[1]})", f"critic ({CRITICS[self.choice[2]]})"

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

