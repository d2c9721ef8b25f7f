"""One browser session's Game dynamics tab: the Dirac-GAN played by one update rule, iterate by iterate."""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from ganlab.errors import GanlabError
from ganlab.maths.dirac_gan import DynamicsConfig, PlayState, eigenvalues, spectral_radius, start, update, update_jacobian
from ganlab.ui.training_session import TrainingSession
from ganlab.viz.dynamics import distance_chart, eigenvalue_plane, phase_portrait

ESCAPE = 1e3  # the play stops when the iterates are this far from the equilibrium
KEEP = 20_000  # iterates remembered (the chart and the trajectory draw the last ones)


class DynamicsRun:
    """The play of one ``DynamicsConfig``: the iterates so far (what a toy run is to the toy tab)."""

    def __init__(self, config: DynamicsConfig):
        self.config = config
        self.state: PlayState = start(config)
        self.path: list[np.ndarray] = [self.state.x.copy()]
        self.step = 0

    def advance(self, seconds: float | None = None, max_steps: int | None = None) -> int:
        """``max_steps`` updates (one when not given); stops, with a ``GanlabError``, once the iterates
        leave the plane. (Two numbers an update: the pace is set by the session's slow motion.)"""
        done = 0
        for _ in range(max_steps or 1):
            self.state = update(self.config, self.state)
            self.step += 1
            done += 1
            self.path.append(self.state.x.copy())
            distance = float(np.hypot(*self.state.x))
            if not math.isfinite(distance) or distance > ESCAPE:
                raise GanlabError(f"the iterates left the plane at iteration {self.step} (‖(θ, ψ)‖ > {ESCAPE:g}): "
                                  "this method spirals away here; press Reset to start again")
        del self.path[:-KEEP]
        return done

    def apply(self, config: DynamicsConfig) -> None:
        """Play on from where the iterates are with new settings (the rule's memory starts afresh)."""
        self.config = config
        self.state = PlayState(self.state.x.copy(), {})

    def measure(self) -> None:
        """Nothing to sample: every number of this game is exact."""

    def frame(self, *_ignored) -> np.ndarray:
        return np.array(self.path)


class DynamicsSession(TrainingSession):
    """The Game dynamics tab's state. Play runs ``steps_per_frame`` updates per frame (slow motion
    always: a whole orbit takes a few seconds to watch)."""

    structural = frozenset({"theta0", "psi0"})  # where the play starts: on Reset (or a click)
    measure_on_load = False

    def __init__(self, config: DynamicsConfig, page: str | None = None):
        super().__init__(config, page)
        self.steps_per_frame = 4

    def build(self, config: DynamicsConfig) -> list[DynamicsRun]:
        return [DynamicsRun(config)]

    def apply_live(self, config: DynamicsConfig) -> None:
        self.runs[0].apply(config)

    @property
    def run(self) -> DynamicsRun:
        return self.runs[0]

    def command(self, action: str, page: str | None = None, point: Any = None) -> None:
        if action == "start":
            self.start_from(point)
        else:
            super().command(action, page)

    def start_from(self, point: Any) -> None:
        """A click on the phase portrait: play again from that (θ, ψ)."""
        try:
            theta, psi = (float(v) for v in point)
            config = self.pending.replace(theta0=round(theta, 3), psi0=round(psi, 3))
        except (TypeError, ValueError, GanlabError) as exc:
            self.message = f"⚠ not a point of the plane: {exc}"
            return
        self.reset(config, f"start point (θ, ψ) = ({config.theta0:+.3f}, {config.psi0:+.3f}): press Play")

    def step_once(self) -> None:
        if self.playing:
            return
        with self.lock:
            try:
                self.run.advance(max_steps=1)
                self.message = "one update"
            except GanlabError as exc:
                self.message = f"⚠ {exc}"

    def panels(self, frames: list, charts: bool) -> list[dict]:
        path = frames[0]
        config = self.run.config
        panels = [phase_portrait(config, path, f"iteration {self.run.step}")]
        if charts:
            jac = update_jacobian(config)
            flows = eigenvalues(config)
            panels.append(eigenvalue_plane(None if jac is None else np.linalg.eigvals(jac),
                                           np.zeros(0) if flows is None else flows))
            first = max(0, self.run.step - len(path) + 1)
            every = max(1, len(path) // 600)
            steps = list(range(first, first + len(path), every))
            panels.append(distance_chart(steps, [float(np.hypot(*p)) for p in path[::every]]))
        return panels

    def status(self) -> str:
        config, x = self.run.config, self.run.state.x
        rho = spectral_radius(config)
        verdict = ("undefined here (no linearisation at the equilibrium)" if rho is None else
                   f"**{rho:.5f}**: " + ("< 1, converges near the equilibrium" if rho < 1 - 1e-9 else
                                         "= 1, circles it" if rho < 1 + 1e-9 else "> 1, moves away"))
        flows = eigenvalues(config)
        lam = "undefined (the penalty's kink at ψ = 0)" if flows is None else ", ".join(_complex(z) for z in flows)
        parts = [f"**iteration {self.run.step}** of {describe(config)}", f"(θ, ψ) = ({x[0]:+.4f}, {x[1]:+.4f})",
                 f"distance **{np.hypot(*x):.4g}**", f"spectral radius {verdict}", f"continuous eigenvalues {lam}"]
        return " · ".join(parts) + (f"\n\n{self.message}" if self.message else "")


def describe(config: DynamicsConfig) -> str:
    """'standard GAN, R1 γ = 1, alternating, h = 0.1' and the like."""
    names = {"clip": "clipping c", "gp": "gradient penalty λ", "r1": "R1 γ", "r2": "R2 γ", "noise": "instance noise σ",
             "consensus": "consensus γ"}
    reg = "" if config.regularizer == "none" else f", {names[config.regularizer]} = {config.weight:g}"
    rule = config.rule + (f", k = {config.k}" if config.k > 1 and config.rule in ("alternating", "momentum", "adam")
                          else "") + (f", β = {config.momentum:g}" if config.rule in ("momentum", "adam") else "")
    steps = f"h = {config.lr_g:g}" if config.lr_g == config.lr_d else f"h_G = {config.lr_g:g}, h_D = {config.lr_d:g}"
    return f"{config.objective} GAN{reg}, {rule}, {steps}"


def _complex(z: complex) -> str:
    re, im = round(z.real, 4) + 0.0, round(z.imag, 4) + 0.0
    return f"{re:g}" if im == 0 else f"{re:g} {'+' if im > 0 else '−'} {abs(im):g}i"


