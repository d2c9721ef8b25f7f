"""One browser session's loss lanes: two to six toy runs in lockstep, and the curves that compare them."""
from __future__ import annotations

from ganlab.errors import GanlabError
from ganlab.toy.experiment import toy_cost
from ganlab.toy.lanes import LaneSettings, advance_in_lockstep, lane_runs
from ganlab.toy.run import Frame, ToyRun
from ganlab.ui import capacity
from ganlab.ui.training_session import TRAIN_SLICE, TrainingSession
from ganlab.viz.lanes import LANE_COLORS, lane_charts
from ganlab.viz.panels import layered_view


class LanesSession(TrainingSession):
    """Lanes trained in lockstep, counted in generator steps: each lane takes as many steps as the
    first one took in its slice. Each lane's wall-clock time is kept, since a fair comparison shows
    cost too. Six views cost a browser six times one: the page asks for the next frame only after
    twice the time the last one took (``canvas_view.js``), and the lanes leave the manifold out."""

    frame_period = 0.4
    layers = ("surface", "real", "fake", "arrows")
    structural = frozenset({"data", "seed", "batch"})

    @property
    def page_period(self) -> float:
        """0.4 s for two lanes, 0.2·n s for n: each lane's view costs the browser about as much as
        the other tabs' whole frame, so more lanes ask for proportionally fewer frames."""
        return max(self.frame_period, 0.2 * len(self.runs))

    @property
    def measure_period(self) -> float:
        """Seconds of play between measurements: 1.5 s for two lanes, 0.75·n s for n (one lane's metrics
        cost ~20 ms on the 2-core AMD EPYC: six lanes every second would take a tenth of the time)."""
        return 0.75 * max(2, len(self.runs))

    def build(self, settings: LaneSettings) -> list[ToyRun]:
        self.slots = [slot for slot, _ in settings.active]
        self.names = lane_names(settings)
        self.curves: dict[str, list] = {"step": [], "grad": [], "ms": []}
        self._timed = [0.0] * len(self.slots)  # seconds each lane trained since the last measurement
        self._timed_steps = 0
        grid = 40 if len(self.slots) <= 3 else 28  # smaller views, smaller surfaces
        return lane_runs(settings, view_points=150, arrow_points=30, grid=grid)

    def check(self, settings: LaneSettings) -> None:
        for config in settings.configs():
            capacity.check_cost(toy_cost(config))

    def apply_live(self, settings: LaneSettings) -> None:
        """A lane's new method goes to its running trainer; a lane switched on or off needs Reset."""
        if [slot for slot, _ in settings.active] != self.slots:
            raise GanlabError("a lane switched on or off starts on Reset")
        for run, config in zip(self.runs, settings.configs()):
            if config != run.config:
                run.apply(config)
        self.names = lane_names(settings)

    def advance(self) -> None:
        """One slice: the first lane for its share of TRAIN_SLICE, the others the same number of steps."""
        capacity.use_threads(1)
        n, taken = advance_in_lockstep(self.runs, TRAIN_SLICE / len(self.runs), self.steps_per_frame)
        self._timed = [t + dt for t, dt in zip(self._timed, taken)]
        self._timed_steps += n

    def measure(self) -> None:
        """Every lane's metrics, its gradient at the fakes, and its milliseconds per generator step."""
        for run in self.runs:
            run.measure()
        c = self.curves
        c["step"].append(self.runs[0].step)
        c["grad"].append([run.gradient_at_fakes() for run in self.runs])
        steps = self._timed_steps
        c["ms"].append([1000 * t / steps if steps else None for t in self._timed])
        self._timed, self._timed_steps = [0.0] * len(self.runs), 0

    def panels(self, frames: list[Frame], charts: bool) -> list[dict]:
        """A small layered view per lane (each surface on its own scale) and, when ``charts``, the curves."""
        basis = round(100 / (len(frames) if len(frames) <= 4 else 3), 2)  # five or six lanes: rows of three
        panels = []
        for i, (f, name) in enumerate(zip(frames, self.names)):
            view = layered_view(f, self.layers, name, f"lane{self.slots[i]}")
            view["basis"], view["color"], view["row"] = basis, LANE_COLORS[self.slots[i]], "lanes"
            panels.append(view)
        if charts:
            panels += lane_charts(self.runs, self.names, [LANE_COLORS[s] for s in self.slots], self.curves)
        return panels

    def status(self) -> str:
        parts = [f"**step {self.runs[0].step}** (generator steps, every lane)"]
        if self.playing or self.rate:
            parts.append(f"{self.rate:.0f} steps/s each · {self.fps:.1f} frames/s")
        w1 = [run.metrics["w1"][-1] if run.metrics["w1"] else None for run in self.runs]
        if any(v is not None for v in w1):
            parts.append("exact W1: " + ", ".join(f"{name} **{v:.3f}**" for name, v in zip(self.names, w1)
                                                    if v is not None))
        return " · ".join(parts) + (f"\n\n{self.message}" if self.message else "")


def lane_names(settings: LaneSettings) -> list[str]:
    """Each running lane's title: its number and its method's name, e.g. "3. WGAN (clipping)"."""
    return [f"{slot + 1}. {chosen.name}" for slot, chosen in settings.active]
