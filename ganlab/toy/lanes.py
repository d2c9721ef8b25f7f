"""Loss lanes: two to six training methods on one toy problem, from one start, on the same batches.

Every lane shares the data, the seed, the networks' shapes (so the generator's initial weights) and
the batch size; with ``training.lockstep`` draws it also sees the same latent and real batches step
by step. What a lane chooses is its *method*: objective, Lipschitz method, k, optimiser and the two
learning rates (the rest of its recipe, β's and penalty weights, comes with its objective:
``LANE_RECIPES``). A lane that is off is ``None``; lanes 1 and 2 are always on.

The UI's controls address a lane's field by a flat name, ``lane3_lr_d``; ``LaneSettings`` reads
and replaces those names like its own fields.
"""
from __future__ import annotations

import dataclasses
import math
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ganlab.errors import GanlabError
from ganlab.toy.config import ToyConfig
from ganlab.toy.data import TOY_NAMES
from ganlab.toy.run import ToyRun
from ganlab.training.config import OPTIMIZERS
from ganlab.training.lipschitz import LIPSCHITZ_METHODS
from ganlab.training.objectives import OBJECTIVE_NAMES
from ganlab.training.validation import choice, integer, number

MAX_LANES = 6
OFF = "off"
LANE_FIELDS = ("objective", "lipschitz", "n_critic", "optimizer", "lr_g", "lr_d")
_SLOW_ADAM = dict(betas_g=(0.5, 0.999), betas_d=(0.5, 0.999))
_CRITIC_ADAM = dict(betas_g=(0.5, 0.9), betas_d=(0.5, 0.9))

# Each objective's live recipe: the lane's six visible settings, then what comes with the objective.
# Constant learning rates (no schedule, no instance noise): every lane learns at a pace one can watch.
LANE_RECIPES: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {
    "minimax": (dict(lr_g=1e-3, lr_d=1e-3), _SLOW_ADAM),
    "nonsaturating": (dict(lr_g=1e-3, lr_d=1e-3), _SLOW_ADAM),
    "wgan": (dict(optimizer="rmsprop", n_critic=5, lr_g=5e-5, lr_d=5e-5), dict(clip=0.01)),
    "wgan-gp": (dict(n_critic=2, lr_g=1e-3, lr_d=1e-3), dict(gp_weight=1.0, **_CRITIC_ADAM)),
    "hinge": (dict(lipschitz="sn", lr_g=1e-3, lr_d=1e-3), _CRITIC_ADAM),
    "lsgan": (dict(lr_g=1e-3, lr_d=1e-3), _SLOW_ADAM),
    "r3gan": (dict(lr_g=2e-3, lr_d=2e-3), dict(r1_weight=0.1, betas_g=(0.0, 0.99), betas_d=(0.0, 0.99))),
}


@dataclass(frozen=True)
class Lane:
    """One lane's method: what differs between lanes."""

    objective: str = "nonsaturating"
    lipschitz: str = "auto"
    n_critic: int = 1
    optimizer: str = "adam"
    lr_g: float = 1e-3
    lr_d: float = 1e-3

    def __post_init__(self) -> None:
        choice("objective", self.objective, OBJECTIVE_NAMES)
        choice("Lipschitz method", self.lipschitz, ("auto",) + LIPSCHITZ_METHODS)
        object.__setattr__(self, "n_critic", integer("k (discriminator steps per generator step)", self.n_critic, 1, 100))
        choice("optimizer", self.optimizer, OPTIMIZERS)
        object.__setattr__(self, "lr_g", number("generator learning rate", self.lr_g, 0.0, 1.0, lo_open=True))
        object.__setattr__(self, "lr_d", number("discriminator learning rate", self.lr_d, 0.0, 1.0, lo_open=True))

    @property
    def name(self) -> str:
        """A short name: the objective, with its Lipschitz method when that is not the objective's own."""
        method = self.lipschitz
        extra = {"clip": "clipping", "gp": "GP", "sn": "SN", "r1": "R1", "r1r2": "R1+R2", "none": "no penalty"}
        own = {"wgan": "clip", "wgan-gp": "gp"}.get(self.objective, "none")
        if method in ("auto", own):
            return {"wgan": "WGAN (clipping)", "wgan-gp": "WGAN-GP"}.get(self.objective, self.objective)
        return f"{self.objective} + {extra[method]}"


def lane(objective: str, **changes: Any) -> Lane:
    """``objective``'s lane as its recipe has it, with ``changes`` on top."""
    if objective not in LANE_RECIPES:
        raise GanlabError(f"unknown objective '{objective}'; choose one of: {', '.join(LANE_RECIPES)}")
    return Lane(objective=objective, **{**LANE_RECIPES[objective][0], **changes})


DEFAULT_LANES = (lane("minimax"), lane("wgan-gp"))  # the Critic vs Discriminator pair of old


@dataclass(frozen=True)
class LaneSettings:
    """What the lanes share (data, seed, batch) and each lane's method; ``lanes`` has MAX_LANES slots."""

    data: str = "ring8"
    seed: int = 0
    batch: int = 256
    lanes: tuple[Lane | None, ...] = DEFAULT_LANES

    def __post_init__(self) -> None:
        choice("data", self.data, TOY_NAMES)
        object.__setattr__(self, "seed", integer("seed", self.seed, 0, 2**31 - 1))
        object.__setattr__(self, "batch", integer("batch size", self.batch, 1, 4096))
        lanes = tuple(self.lanes) + (None,) * (MAX_LANES - len(self.lanes))
        if len(lanes) > MAX_LANES:
            raise GanlabError(f"at most {MAX_LANES} lanes")
        if lanes[0] is None or lanes[1] is None:
            raise GanlabError("lanes 1 and 2 are always on: a comparison needs two")
        object.__setattr__(self, "lanes", lanes)
        self.configs()  # each lane's settings must make a valid run (e.g. wgan-gp with spectral norm does not)

    # ------------------------------------------------------------------ flat names for the controls
    def __getattr__(self, name: str) -> Any:
        index, field = _split(name)
        chosen = self.lanes[index]
        if chosen is None:
            return OFF if field == "objective" else None
        return getattr(chosen, field)

    def replace(self, **changes: Any) -> LaneSettings:
        """A copy with ``changes`` applied: shared fields by name, a lane's by ``laneN_field``. A lane's
        objective ``off`` switches it off; a new objective on an off lane brings its recipe."""
        lanes, shared = list(self.lanes), {}
        for name, value in changes.items():
            if name in ("data", "seed", "batch", "lanes"):
                shared[name] = value
                continue
            index, field = _split(name)
            if field == "objective" and value == OFF and index < 2:
                raise GanlabError("lanes 1 and 2 are always on: a comparison needs two")
            if field == "objective":
                choice(f"lane {index + 1}'s objective", value, tuple(LANE_RECIPES) + ((OFF,) if index >= 2 else ()))
            if field == "objective" and value == OFF:
                lanes[index] = None
            elif lanes[index] is None or (field == "objective" and value != lanes[index].objective):
                if field != "objective":
                    raise GanlabError(f"lane {index + 1} is off: choose its objective first")
                lanes[index] = lane(value) if value in LANE_RECIPES else Lane(objective=value)
            else:
                lanes[index] = dataclasses.replace(lanes[index], **{field: value})
        return dataclasses.replace(self, **{"lanes": tuple(lanes), **shared})

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"data": self.data, "seed": self.seed, "batch": self.batch}
        for i in range(MAX_LANES):
            for field in LANE_FIELDS:
                out[f"lane{i + 1}_{field}"] = getattr(self, f"lane{i + 1}_{field}")
        return out

    @classmethod
    def from_dict(cls, values: dict[str, Any]) -> LaneSettings:
        """The settings ``to_dict`` wrote (flat names), validated again."""
        lanes = []
        for i in range(1, MAX_LANES + 1):
            objective = values.get(f"lane{i}_objective", OFF)
            lanes.append(None if objective in (OFF, None) else
                         Lane(**{field: values[f"lane{i}_{field}"] for field in LANE_FIELDS}))
        return cls(data=values["data"], seed=values["seed"], batch=values["batch"], lanes=tuple(lanes))

    # ------------------------------------------------------------------ what the lanes train
    @property
    def active(self) -> list[tuple[int, Lane]]:
        """(slot, lane) of every lane that is on."""
        return [(i, chosen) for i, chosen in enumerate(self.lanes) if chosen is not None]

    def configs(self) -> list[ToyConfig]:
        """One ``ToyConfig`` per lane that is on: the shared fields, the lane's method, its recipe's rest."""
        return [lane_config(chosen, self.data, self.seed, self.batch) for _, chosen in self.active]


def lane_config(chosen: Lane, data: str, seed: int, batch: int = 256) -> ToyConfig:
    """The ``ToyConfig`` of one lane (its objective's recipe supplies the β's and penalty weights)."""
    rest = LANE_RECIPES.get(chosen.objective, ({}, {}))[1]
    return ToyConfig(data=data, seed=seed, batch=batch, **rest, **dataclasses.asdict(chosen))


def lane_runs(settings: LaneSettings, **view: Any) -> list[ToyRun]:
    """A ``ToyRun`` per lane that is on, drawing lockstep batches (``view``: its view sizes)."""
    return [ToyRun(config, lockstep=True, **view) for config in settings.configs()]


def advance_in_lockstep(runs: Sequence[ToyRun], seconds: float, max_steps: int | None = None) -> tuple[int, list[float]]:
    """Train the first run for about ``seconds`` (at most ``max_steps``), then every other run the same
    number of generator steps; returns (steps, each run's wall-clock seconds)."""
    taken: list[float] = []
    n = 0
    for i, run in enumerate(runs):
        started = time.perf_counter()
        if i == 0:
            n = run.advance(seconds, max_steps)
        else:
            run.advance(math.inf, n)
        taken.append(time.perf_counter() - started)
    return n, taken


def _split(name: str) -> tuple[int, str]:
    """``lane3_lr_d`` → (2, "lr_d"); anything else is not a lane field."""
    head, _, field = name.partition("_")
    if not head.startswith("lane") or not head[4:].isdigit() or field not in LANE_FIELDS:
        raise AttributeError(name)
    index = int(head[4:]) - 1
    if not 0 <= index < MAX_LANES:
        raise AttributeError(name)
    return index, field


@dataclass(frozen=True)
class LanePreset:
    """A row of lanes for a lecture, with what to watch for."""

    key: str
    title: str
    watch_for: str
    config: LaneSettings


LANE_PRESETS: dict[str, LanePreset] = {p.key: p for p in [
    LanePreset("pair", "Discriminator vs critic (minimax vs WGAN-GP)",
               "The discriminator's arrows shrink wherever D(x) saturates near 0 while the critic's keep "
               "pointing at the data; the critic's generator makes up its W1 steadily.",
               LaneSettings()),
    LanePreset("road-to-wgan-gp", "The road to WGAN-GP",
               "Minimax's gradient vanishes on confidently rejected fakes, non-saturating fixes the gradient "
               "but not the collapse, clipping's critic is a near-linear slope that learns slowly (k = 5, "
               "RMSprop 5e-5), and the gradient penalty keeps the critic sloped where it matters.",
               LaneSettings(lanes=(lane("minimax"), lane("nonsaturating"), lane("wgan"), lane("wgan-gp")))),
    LanePreset("lipschitz", "Lipschitz three ways",
               "One WGAN critic, three ways to keep it 1-Lipschitz: clipping squeezes every weight into "
               "[−c, c], the penalty pushes ‖∇f‖ to 1 between real and fake points, spectral norm divides "
               "each layer by its largest singular value. Compare the surfaces' slopes and the time per step.",
               LaneSettings(lanes=(lane("wgan"), lane("wgan-gp"),
                                   Lane(objective="wgan", lipschitz="sn", lr_g=1e-3, lr_d=1e-3)))),
    LanePreset("modern", "Modern losses on the grid",
               "Non-saturating, hinge with spectral norm, least squares and R3GAN's relativistic loss on the "
               "25 modes: which fills every mode, which piles onto a few, and what each costs per step.",
               LaneSettings(data="grid25", lanes=(lane("nonsaturating"), lane("hinge"), lane("lsgan"),
                                                  lane("r3gan")))),
]}
